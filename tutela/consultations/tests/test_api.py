"""The API: reads of published data, comment intake with receipts, dispositions, reports."""

import pytest

from tutela.accounts.services import api_token_create
from tutela.consultations import services
from tutela.consultations.models import Comment

pytestmark = pytest.mark.django_db

BASE = "/api/v1/consultations"


def _auth(user):
    _token, key = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_reading_documents_versions_paragraphs_and_the_consultation(client, document, draft, consultation):
    assert client.get(f"{BASE}/documents").json()["items"][0]["title"] == "Guidelines for Industry"
    versions = client.get(f"{BASE}/documents/{document.pk}/versions").json()
    assert [v["label"] for v in versions] == ["Draft 1"]
    paragraphs = client.get(f"{BASE}/versions/{draft.pk}/paragraphs").json()["items"]
    assert [p["number"] for p in paragraphs if p["kind"] == "paragraph"] == ["1", "2", "3", "4"]
    assert all(len(p["key"]) == 6 for p in paragraphs)
    body = client.get(f"{BASE}/{consultation.pk}").json()
    assert body["status"] == "open" and body["code"] == "IG14" and body["time_zone"] == "Europe/Zurich"


def test_submitting_a_comment_returns_the_receipt_and_a_retry_stores_it_once(client, stakeholder, consultation, paragraphs):
    payload = {"paragraph_id": paragraphs["3"].pk, "text": "Mention hotlines.", "stakeholder_type": "civil_society",
               "country": "KE", "submission_key": "retry-1"}
    first = client.post(f"{BASE}/{consultation.pk}/comments", payload, content_type="application/json", **_auth(stakeholder))
    assert first.status_code == 201, first.content
    # Written directly by the view: it must still be what ReceiptOut declares, in ninja's JSON form.
    from datetime import datetime

    from tutela.consultations.api import ReceiptOut

    body = first.json()
    assert ReceiptOut.model_validate(body).model_dump(mode="json").keys() == body.keys()
    assert body["status"] == "pending" and body["target"] == "paragraph" and body["paragraph_id"] == paragraphs["3"].pk
    assert body["received_at"].endswith("Z") and datetime.fromisoformat(body["received_at"])
    second = client.post(f"{BASE}/{consultation.pk}/comments", payload, content_type="application/json", **_auth(stakeholder))
    assert second.json()["receipt"] == first.json()["receipt"]
    comment = Comment.objects.get()
    assert comment.channel == "api" and comment.receipt == first.json()["receipt"]
    # Not published yet: the public list is empty.
    assert client.get(f"{BASE}/{consultation.pk}/comments").json()["items"] == []


def test_bad_comments_get_422_with_the_field_to_fix(client, stakeholder, consultation, secretariat, document):
    other = services.version_import(actor=secretariat, document=document, label="Draft 2", source="# A\n\nB\n")
    response = client.post(f"{BASE}/{consultation.pk}/comments",
                           {"paragraph_id": other.paragraphs.last().pk, "text": "x", "stakeholder_type": "academia"},
                           content_type="application/json", **_auth(stakeholder))
    assert response.status_code == 422
    assert "not part of the text under consultation" in response.json()["error"]["fields"]["paragraph"][0]
    anonymous = client.post(f"{BASE}/{consultation.pk}/comments", {"text": "x", "stakeholder_type": "academia"},
                            content_type="application/json")
    assert anonymous.status_code == 401


def test_dispositions_and_report_are_staff_only_until_published(client, secretariat, other_focal_point, submit, consultation):
    comment = submit()
    services.comment_moderate(actor=secretariat, comment=comment, action="published")
    url = f"{BASE}/{consultation.pk}/dispositions"
    denied = client.post(url, {"comment_ids": [comment.pk], "decision": "accepted", "rationale": "Yes"},
                         content_type="application/json", **_auth(other_focal_point))
    assert denied.status_code == 403
    made = client.post(url, {"comment_ids": [comment.pk], "decision": "accepted", "rationale": "Yes"},
                       content_type="application/json", **_auth(secretariat))
    assert made.status_code == 201 and made.json()["comment_receipts"] == [comment.receipt]
    assert client.get(url).status_code == 404
    assert client.get(f"{BASE}/{consultation.pk}/report").status_code == 404
    services.report_publish(actor=secretariat, consultation=consultation, summary="Thanks",
                            now=consultation.closes_at)
    report = client.get(f"{BASE}/{consultation.pk}/report").json()
    assert report["published"] and report["synopsis"]["total_comments"] == 1
    assert client.get(url).json()["items"][0]["decision"] == "accepted"
    published = client.get(f"{BASE}/{consultation.pk}/comments").json()["items"]
    assert published[0]["respondent"] == "Safe Kids (Civil society)"
