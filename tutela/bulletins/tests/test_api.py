"""The bulletins API: lists, subscribers, bulletins and their deliveries, through the same services and
rules as the pages (secretariat only), over a real SMTP peer."""

import pytest

from tutela.bulletins.models import ConsentRecord, Delivery

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_the_secretariat_runs_a_list_and_sends_a_bulletin_through_the_api(client, secretariat, secretariat_org, smtp_peer,
                                                                        django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    created = client.post("/api/v1/bulletins/lists", {"name": "Sector Members", "kind": "membership"}, content_type=JSON)
    assert created.status_code == 201, created.content
    list_id = created.json()["id"]
    assert created.json()["slug"] == "sector-members" and created.json()["active"] == 0
    for address, topics in [("Ops@Operator.example", ["events"]), ("regulator@gov.example", ["figures"]),
                            ("all@news.example", [])]:
        added = client.post(f"/api/v1/bulletins/lists/{list_id}/subscribers",
                            {"email": address, "language": "fr" if "gov" in address else "en", "topics": topics,
                             "consent_text": "Agreed on the membership form", "consent_source": "WTDC registration"},
                            content_type=JSON)
        assert added.status_code == 201, added.content
    assert ConsentRecord.objects.filter(method="api").count() == 3
    again = client.post(f"/api/v1/bulletins/lists/{list_id}/subscribers",
                        {"email": "ops@operator.example", "consent_text": "x", "consent_source": "y"}, content_type=JSON)
    assert again.status_code == 422 and "already on this list" in again.json()["error"]["message"]
    page = client.get(f"/api/v1/bulletins/lists/{list_id}/subscribers?limit=2").json()
    assert len(page["items"]) == 2 and page["next"]
    rest = client.get(f"/api/v1/bulletins/lists/{list_id}/subscribers?limit=2&after={page['next']}").json()
    assert {i["email"] for i in page["items"] + rest["items"]} == {"Ops@operator.example", "regulator@gov.example",
                                                                    "all@news.example"}
    assert client.get(f"/api/v1/bulletins/lists/{list_id}").json()["active"] == 3

    bulletin = client.post("/api/v1/bulletins/bulletins", {
        "mailing_list_id": list_id, "subject": "Events", "body": "See [the guidelines](/consultations/).",
        "topics": ["events"], "organisation_ids": [secretariat_org.pk]}, content_type=JSON)
    assert bulletin.status_code == 201, bulletin.content
    pk = bulletin.json()["id"]
    assert bulletin.json()["status"] == "draft" and bulletin.json()["problems"] == []
    version = client.put(f"/api/v1/bulletins/bulletins/{pk}/translations/fr", {"subject": "Événements", "body": "Voir."},
                         content_type=JSON)
    assert version.status_code == 200 and version.json()["translations"] == {"fr": {"subject": "Événements", "body": "Voir."}}
    broken = client.patch(f"/api/v1/bulletins/bulletins/{pk}", {"body": "A [dead link](/no/such/page/)."}, content_type=JSON)
    assert broken.status_code == 200 and any("no such page" in p for p in broken.json()["problems"])
    refused = client.post(f"/api/v1/bulletins/bulletins/{pk}/send", {}, content_type=JSON)
    assert refused.status_code == 422 and not smtp_peer.messages
    client.patch(f"/api/v1/bulletins/bulletins/{pk}", {"body": "Fixed."}, content_type=JSON)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/api/v1/bulletins/bulletins/{pk}/send", {}, content_type=JSON)
    assert sent.status_code == 200, sent.content
    detail = client.get(f"/api/v1/bulletins/bulletins/{pk}").json()
    assert detail["status"] == "sent" and detail["deliveries"]["sent"] == 2  # events and no-topic; not figures
    assert sorted(e.rcpt_tos[0] for e in smtp_peer.messages) == ["Ops@operator.example", "all@news.example"]
    deliveries = client.get(f"/api/v1/bulletins/bulletins/{pk}/deliveries?status=sent").json()["items"]
    assert {d["email"] for d in deliveries} == {"Ops@operator.example", "all@news.example"}
    assert all(d["message_id"] == Delivery.objects.get(pk=d["id"]).message_id for d in deliveries)
    late = client.patch(f"/api/v1/bulletins/bulletins/{pk}", {"subject": "Changed"}, content_type=JSON)
    assert late.status_code == 422 and "can no longer change" in late.json()["error"]["message"]
    assert [b["id"] for b in client.get("/api/v1/bulletins/bulletins?status=sent").json()["items"]] == [pk]


def test_bad_references_and_input_get_a_clear_422(client, secretariat):
    client.force_login(secretariat)
    list_id = client.post("/api/v1/bulletins/lists", {"name": "News"}, content_type=JSON).json()["id"]
    for payload, field in [({"organisation_ids": [999_999]}, "organisation_ids"), ({"commitment_id": 999_999}, "commitment_id"),
                           ({"topics": ["gossip"]}, "topics"), ({"body": "[unclosed link(/x/"}, "body"),
                           ({"body": "x" * 200_001}, "body")]:
        response = client.post("/api/v1/bulletins/bulletins", {"mailing_list_id": list_id, "subject": "S", **payload},
                               content_type=JSON)
        assert response.status_code in (413, 422), (payload, response.content)
        if response.status_code == 422:
            assert field in response.json()["error"]["fields"], (field, response.json())
    missing = client.post(f"/api/v1/bulletins/lists/{list_id}/subscribers", {"email": "a@example.org"}, content_type=JSON)
    assert missing.status_code == 422  # no consent text or source: nobody is added without them
    assert client.get("/api/v1/bulletins/bulletins/999999").status_code == 404
    assert client.post("/api/v1/bulletins/bulletins", {"mailing_list_id": 999_999, "subject": "S"},
                       content_type=JSON).status_code == 404


OPERATIONS = [("get", "/api/v1/bulletins/lists"), ("post", "/api/v1/bulletins/lists"),
              ("get", "/api/v1/bulletins/lists/{list}"), ("get", "/api/v1/bulletins/lists/{list}/subscribers"),
              ("post", "/api/v1/bulletins/lists/{list}/subscribers"), ("get", "/api/v1/bulletins/bulletins"),
              ("post", "/api/v1/bulletins/bulletins"), ("get", "/api/v1/bulletins/bulletins/{bulletin}"),
              ("patch", "/api/v1/bulletins/bulletins/{bulletin}"), ("put", "/api/v1/bulletins/bulletins/{bulletin}/translations/fr"),
              ("post", "/api/v1/bulletins/bulletins/{bulletin}/send"),
              ("post", "/api/v1/bulletins/bulletins/{bulletin}/unschedule"),
              ("get", "/api/v1/bulletins/bulletins/{bulletin}/deliveries")]


@pytest.mark.parametrize("method,path", OPERATIONS)
def test_only_the_secretariat_reaches_an_operation(client, secretariat, focal_point, stakeholder, method, path):
    from tutela.bulletins import services

    mailing_list = services.list_create(actor=secretariat, name="Private list", is_private=True)
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=mailing_list, subject="Draft", body="Text")
    url = path.format(list=mailing_list.pk, bulletin=bulletin.pk)
    body = {"name": "X", "email": "a@example.org", "consent_text": "c", "consent_source": "s", "mailing_list_id":
            mailing_list.pk, "subject": "S", "body": "B"}
    if "/translations/" in path:  # a translation's body is only its texts
        body = {"subject": "S", "body": "B"}

    def call():
        return getattr(client, method)(url, body, content_type=JSON) if method != "get" else client.get(url)

    assert call().status_code == 401
    for person in (focal_point, stakeholder):
        client.force_login(person)
        assert call().status_code == 403, (person, url)
    client.force_login(secretariat)
    assert call().status_code in (200, 201, 422)
