"""The API: same services, same rules, OpenAPI-documented."""

import json
from datetime import date

import pytest

from tutela.outreach import services
from tutela.outreach.models import DeliveredSession

pytestmark = pytest.mark.django_db
API = "/api/v1/outreach"


def test_reach_is_public_labelled_and_suppressed(client, programme, ambassador, school):
    services.session_record(actor=None, programme=programme, ambassador=ambassador, institution=school,
                            held_on=date(2013, 10, 1), min_age=10, max_age=14, count=3)
    body = client.get(f"{API}/programmes/{programme.pk}/reach").json()
    assert body["suppressed_below"] == 5
    assert body["counted"]["cells"][0]["value"] is None and body["counted"]["cells"][0]["suppressed"] is True
    assert "counts once" in body["counted"]["rule"]
    assert body["estimated"][0]["model"] == "cascade" and body["estimated"][0]["missing"]
    assert "at least the larger" in body["union_rule"]


def test_programme_list_and_cascade(client, programme, ambassador, cohort):
    services.trainee_register(actor=None, cohort=cohort, sector="parent", trained_by=ambassador, label="Parent 1")
    page = client.get(f"{API}/programmes").json()
    assert [p["name"] for p in page["items"]] == [programme.name] and page["next"] is None
    tree = client.get(f"{API}/programmes/{programme.pk}/cascade").json()
    assert tree["depth"] == 2 and tree["roots"][0]["children"][0]["name"] == "Parent 1"
    trainees = client.get(f"{API}/programmes/{programme.pk}/trainees?limit=1").json()
    assert len(trainees["items"]) == 1 and trainees["next"]


def test_recording_a_session_needs_the_right_organisation(client, programme, ambassador, focal_point, other_focal_point):
    url = f"{API}/programmes/{programme.pk}/sessions"
    data = {"held_on": "2013-10-01", "count": 30, "min_age": 10, "max_age": 14, "ambassador_id": ambassador.pk}
    assert client.post(url, data, content_type="application/json").status_code == 401
    client.force_login(other_focal_point)
    assert client.post(url, data, content_type="application/json").status_code == 403
    client.force_login(focal_point)
    response = client.post(url, data, content_type="application/json")
    assert response.status_code == 201 and response.json()["count"] == 30


@pytest.mark.parametrize("change, field", [
    ({"count": "Abebe"}, "count"),
    ({"count": -1}, "count"),
    ({"max_age": 19}, "max_age"),
])
def test_bad_session_input_is_a_422_with_the_field(client, programme, ambassador, focal_point, change, field):
    client.force_login(focal_point)
    data = {"held_on": "2013-10-01", "count": 30, "min_age": 10, "max_age": 14, **change}
    response = client.post(f"{API}/programmes/{programme.pk}/sessions", json.dumps(data), content_type="application/json")
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not DeliveredSession.objects.exists()


def test_parameters_and_registration_through_the_api(client, programme, cohort, focal_point):
    client.force_login(focal_point)
    response = client.put(f"{API}/programmes/{programme.pk}/parameters/mean_class_size",
                          {"low": 40, "central": 50, "high": 60, "is_assumption": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["central"] == 50
    response = client.put(f"{API}/programmes/{programme.pk}/parameters/mean_class_size",
                          {"low": 40, "central": 50, "high": 60}, content_type="application/json")
    assert response.status_code == 422 and "source" in response.json()["error"]["fields"]
    response = client.post(f"{API}/cohorts/{cohort.pk}/trainees", {"sector": "educator", "full_name": "Almaz"},
                           content_type="application/json")
    assert response.status_code == 422 and "consented" in response.json()["error"]["message"]
    response = client.post(f"{API}/cohorts/{cohort.pk}/trainees", {"sector": "educator"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["display_name"] == "Ambassador 001"


def test_certificate_verification_api(client, ambassador, focal_point):
    client.force_login(focal_point)
    code = client.post(f"{API}/trainees/{ambassador.pk}/certificates").json()["code"]
    client.logout()
    assert client.get(f"{API}/certificates/{code}").json() == {
        "code": code, "valid": True, "status": "valid", "holder": "Ambassador A",
        "programme": ambassador.programme.name, "completed_on": "2013-09-01"}
    assert client.get(f"{API}/certificates/TUT-FAKE-CODE-0000").json()["status"] == "unknown"


def test_scope_reach_for_a_country(client, programme, ambassador, school):
    services.session_record(actor=None, programme=programme, ambassador=ambassador, institution=school,
                            held_on=date(2013, 10, 1), min_age=10, max_age=14, count=40)
    body = client.get(f"{API}/reach?country=et&start=2013-07-01&end=2014-01-31").json()
    assert body["counted"]["totals"] == {"children": 40}
    assert body["scope"] == {"country": "ET", "start": "2013-07-01", "end": "2014-01-31"}
    assert client.get(f"{API}/reach?start=2014-01-01&end=2013-01-01").status_code == 400


def test_openapi_documents_the_outreach_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/outreach/programmes/{pk}/reach" in schema["paths"]
    assert "ReachOut" in schema["components"]["schemas"]
