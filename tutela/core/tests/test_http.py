"""Bad input at the HTTP edge: each answered with the right status and a clear message."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tutela.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def test_public_home_and_health_answer(client):
    assert client.get("/").status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["checks"]["database"]["ok"] is True


def test_public_pages_set_no_cookies(client):
    response = client.get("/")
    assert response.cookies == {} or all(not c.value for c in response.cookies.values())


def test_a_public_page_with_a_form_sets_only_the_forgery_cookie_and_the_footer_says_so(client):
    """The footer's promise is true: reading pages set none (above); a page with a form to send sets CSRF's alone."""
    response = client.get("/accounts/login/")
    assert {name for name, c in response.cookies.items() if c.value} == {"csrftoken"}
    assert "except one against forged requests on a page with a form to send" in response.content.decode()


def test_unknown_route_is_a_friendly_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_unknown_api_route_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_without_credentials_is_401_with_the_error_shape(client):
    body = client.get("/api/v1/me").json()
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == "unauthenticated"


def test_a_malformed_bearer_header_is_401(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401


def test_missing_csrf_on_a_form_is_a_clear_403(stakeholder):
    client = Client(enforce_csrf_checks=True)
    client.force_login(stakeholder)
    response = client.post(reverse("accounts:tokens"), {"name": "x"})
    assert response.status_code == 403
    assert b"security token was missing" in response.content


def test_an_expired_session_sends_a_workspace_visitor_to_sign_in(client, stakeholder):
    client.force_login(stakeholder)
    client.session.flush()
    client.cookies["sessionid"] = "expired-session-key"
    response = client.get(reverse("home:workspace"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_oversized_body_is_refused_with_413_json(client, stakeholder, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    _, key = api_token_create(actor=stakeholder, name="t")
    response = client.generic("POST", "/api/v1/tokens", "x" * 5000, content_type="application/json",
                              headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_malformed_json_is_a_clear_4xx_not_a_500(client, stakeholder):
    _, key = api_token_create(actor=stakeholder, name="t")
    response = client.generic("POST", "/api/v1/tokens", "{not json", content_type="application/json",
                              headers={"Authorization": f"Bearer {key}"})
    assert response.status_code in (400, 422)
    assert response.json()["error"]["message"]


def test_wrong_content_type_is_a_clear_4xx(client, stakeholder):
    _, key = api_token_create(actor=stakeholder, name="t")
    response = client.generic("POST", "/api/v1/tokens", "text=hi", content_type="text/plain",
                              headers={"Authorization": f"Bearer {key}"})
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_a_valid_post_creates_and_a_missing_field_is_422_with_fields(client, stakeholder):
    _, key = api_token_create(actor=stakeholder, name="t")
    headers = {"Authorization": f"Bearer {key}"}
    ok = client.post("/api/v1/tokens", json.dumps({"name": "héllo"}), content_type="application/json", headers=headers)
    assert ok.status_code == 200 and ok.json()["name"] == "héllo" and ok.json()["key"].startswith("tut_")
    bad = client.post("/api/v1/tokens", json.dumps({}), content_type="application/json", headers=headers)
    assert bad.status_code == 422
    assert "name" in bad.json()["error"]["fields"]


def test_session_api_posts_need_the_csrf_header(stakeholder):
    client = Client(enforce_csrf_checks=True)
    client.force_login(stakeholder)
    response = client.post("/api/v1/tokens", json.dumps({"name": "x"}), content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_openapi_is_3_1_and_documents_422(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "422" in schema["paths"]["/api/v1/tokens"]["post"]["responses"]


def test_the_api_docs_page_loads_nothing_from_a_cdn(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in page.lower()
    assert "https://" not in page.replace("https://swagger.io", "")


def test_the_cached_home_page_is_never_served_to_a_visitor_with_a_cookie(client, stakeholder):
    anonymous = client.get("/")
    assert "Cookie" in anonymous["Vary"]
    client.force_login(stakeholder)
    signed_in = client.get("/")
    assert signed_in.status_code == 200
    assert "Cookie" in signed_in["Vary"]
    assert stakeholder.email.encode() in signed_in.content or b"Sign out" in signed_in.content
    assert b"Sign out" not in anonymous.content
    client.logout()
    assert b"Sign out" not in client.get("/").content


def test_the_home_page_is_cached_per_language(client):
    english = client.get("/")
    french = client.get("/fr/")
    assert english["Content-Language"] == "en" and b'lang="en"' in english.content
    assert french["Content-Language"] == "fr" and b'lang="fr"' in french.content
    again = client.get("/")
    assert again.content == english.content


def _cursor(values) -> str:
    import base64

    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("after", [_cursor([None, 1]), _cursor(["garbage", "x"]), _cursor([1, {"a": 1}]), _cursor([1]), "%%%"])
@pytest.mark.parametrize("url", ["/activities/", "/partners/", "/api/v1/activities", "/api/v1/organisations"])
def test_a_forged_page_cursor_is_a_clear_400_not_a_500(client, url, after):
    response = client.get(url, {"after": after})
    assert response.status_code == 400
    body = response.json()["error"]["message"] if url.startswith("/api/") else response.content.decode()
    assert "first page" in body


def test_a_cursor_the_list_wrote_still_leads_to_the_next_page(client):
    from tutela.partners.services import organisation_create

    for i in range(30):
        organisation_create(actor=None, name=f"Organisation number {i:02}", country="KE")
    first = client.get("/api/v1/organisations", {"limit": 10}).json()
    assert len(first["items"]) == 10 and first["next"]
    second = client.get("/api/v1/organisations", {"limit": 10, "after": first["next"]})
    assert second.status_code == 200
    assert {o["id"] for o in first["items"]}.isdisjoint({o["id"] for o in second.json()["items"]})
