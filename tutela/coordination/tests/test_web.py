"""Pages, feeds and the API, through the test client, for each persona."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tutela.coordination import services
from tutela.coordination.models import Document, LiaisonStatement, Meeting

from .conftest import office_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(jca, sg17, tsag, secretariat):
    fifth = services.meeting_create(actor=None, body=jca, starts_on=date(2014, 1, 15), status="held")
    public = services.document_register(actor=None, body=jca, meeting=fifth, title="Revised terms of reference",
                                        source="Co-chairs", number=47, upload=upload("tor.pdf", pdf_bytes()))
    members = services.document_register(actor=None, body=jca, meeting=fifth, title="Contact list of representatives",
                                         source="TSB", access_level="members")
    liaison = services.liaison_create(actor=None, from_body=sg17, subject="Continuation of JCA-COP", contact_email="c@example.org",
                                      recipients=[{"body": tsag, "purpose": "action",
                                                   "deadline": timezone.localdate() + timedelta(days=10)}],
                                      attachments=[public], send=True)
    return {"meeting": fifth, "public": public, "members": members, "liaison": liaison}


def test_public_pages_answer_everyone(ladder, jca, registry):
    everyone = dict.fromkeys(["anonymous", "stakeholder", "focal_point", "other_focal_point", "secretariat"], 200)
    for url in [reverse("coordination:body_list"), reverse("coordination:body_detail", args=["jca-cop"]),
                reverse("coordination:meeting_detail", args=["jca-cop", 1]), reverse("coordination:registry"),
                reverse("coordination:document_detail", args=[registry["public"].pk]),
                reverse("coordination:liaison_list"), reverse("coordination:liaison_detail", args=[registry["liaison"].pk])]:
        ladder("get", url, everyone)


def test_a_members_only_document_is_404_to_the_public_and_to_non_members(ladder, registry):
    doc = registry["members"]
    url = reverse("coordination:document_detail", args=[doc.pk])
    responses = ladder("get", url, {"anonymous": 404, "stakeholder": 404, "other_focal_point": 404,
                                    "focal_point": 200, "secretariat": 200})
    assert "Contact list of representatives" in responses["focal_point"].content.decode()
    ladder("get", reverse("coordination:registry"), {"anonymous": 200})
    responses = ladder("get", reverse("coordination:registry"), {"anonymous": 200, "focal_point": 200})
    assert "Contact list" not in responses["anonymous"].content.decode()
    assert "Contact list" in responses["focal_point"].content.decode()
    ladder("get", f"/api/v1/coordination/documents/{doc.pk}", {"anonymous": 404, "other_focal_point": 404, "focal_point": 200})


def test_the_registry_searches_number_title_and_source(client, registry):
    for q, expected in [("DOC047", "Revised terms"), ("jca-cop doc047", "Revised terms"), ("jca-cop doc04", "Revised terms"), ("terms of", "Revised terms"),
                        ("Co-chairs", "Revised terms")]:
        body = client.get(reverse("coordination:registry"), {"q": q}).content.decode()
        assert expected in body, q
    assert "Revised terms" not in client.get(reverse("coordination:registry"), {"q": "nothing-like-this"}).content.decode()


def test_registry_list_query_count_does_not_grow_with_rows(client, jca, django_assert_max_num_queries):
    for i in range(30):
        services.document_register(actor=None, body=jca, title=f"Doc {i}", source="S")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("coordination:registry"))
    assert response.status_code == 200 and "JCA-COP DOC030" in response.content.decode()


def test_expired_shows_on_the_list_and_the_body_page(client, jca):
    assert "Expired" in client.get(reverse("coordination:body_list")).content.decode()
    page = client.get(reverse("coordination:body_detail", args=["jca-cop"])).content.decode()
    assert "lifetime ended on 31 January 2014" in page


def test_the_file_download_is_gated_like_its_document(client, registry, focal_point):
    doc = registry["public"]
    f = doc.files.get()
    response = client.get(reverse("coordination:document_download", args=[doc.pk, f.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    services.document_file_add(actor=None, document=registry["members"], upload=upload("list.xlsx", office_bytes("xlsx")))
    hidden = registry["members"].files.get()
    assert client.get(reverse("coordination:document_download", args=[registry["members"].pk, hidden.pk])).status_code == 404
    client.force_login(focal_point)
    assert client.get(reverse("coordination:document_download", args=[registry["members"].pk, hidden.pk])).status_code == 200


def test_hostile_text_is_escaped(client, jca):
    services.document_register(actor=None, body=jca, title="<script>alert(1)</script>", source="<b>x</b>")
    body = client.get(reverse("coordination:registry")).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_register_form_allocates_and_refuses_a_lying_file(client, jca, focal_point):
    client.force_login(focal_point)
    url = reverse("coordination:document_register", args=["jca-cop"])
    bad = client.post(url, {"title": "Contribution", "source": "ACOPEA", "kind": "contribution", "access": "public",
                            "file": upload("c.docx", pdf_bytes())})
    assert bad.status_code == 422
    assert "its content is PDF" in bad.content.decode()
    assert not Document.objects.exists()
    good = client.post(url, {"title": "Contribution", "source": "ACOPEA", "kind": "contribution", "access": "public",
                             "file": upload("c.docx", office_bytes("docx"))})
    doc = Document.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse("coordination:document_detail", args=[doc.pk])
    assert doc.number == "JCA-COP DOC001" and doc.files.get().file_type == "docx"


def test_register_form_is_forbidden_to_non_members(ladder, jca):
    ladder("get", reverse("coordination:document_register", args=["jca-cop"]),
           {"anonymous": 302, "stakeholder": 403, "other_focal_point": 403, "focal_point": 200, "secretariat": 200})


def test_meeting_form_asks_for_confirmation_after_the_lifetime(client, jca, secretariat):
    client.force_login(secretariat)
    url = reverse("coordination:meeting_create", args=["jca-cop"])
    first = client.post(url, {"starts_on": "2014-06-01", "status": "planned"})
    assert first.status_code == 422 and "confirm that the meeting is held outside the lifetime" in first.content.decode()
    assert not Meeting.objects.exists()
    second = client.post(url, {"starts_on": "2014-06-01", "status": "planned", "confirm_outside_lifetime": "on"})
    assert second.status_code == 302 and Meeting.objects.get().ordinal == 1


def test_liaison_form_needs_a_deadline_for_action(client, sg17, tsag, secretariat):
    client.force_login(secretariat)
    url = reverse("coordination:liaison_create", args=["sg17"])
    response = client.post(url, {"subject": "Continuation", "contact_email": "c@example.org",
                                 "recipient_1": tsag.pk, "purpose_1": "action"})
    assert response.status_code == 422 and "TSAG is asked for action: give a deadline." in response.content.decode()
    assert not LiaisonStatement.objects.exists()
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = client.post(url, {"subject": "Continuation", "contact_email": "c@example.org", "send": "on",
                                 "recipient_1": tsag.pk, "purpose_1": "action", "deadline_1": deadline})
    liaison = LiaisonStatement.objects.get()
    assert response.status_code == 302 and liaison.status == "awaiting_reply"


def test_dashboard_shows_a_chair_their_deadlines_and_actions(client, chair_user, jca, tsag, registry):
    services.action_item_add(actor=None, meeting=registry["meeting"], text="Draft the report", owner_label="Co-chairs",
                             due_on=date(2014, 2, 1))
    services.liaison_create(actor=None, from_body=tsag, subject="Please comment on COP work plan", contact_email="t@example.org",
                            recipients=[{"body": jca, "purpose": "comment", "deadline": timezone.localdate() + timedelta(days=3)}],
                            send=True)
    client.force_login(chair_user)
    page = client.get(reverse("coordination:dashboard")).content.decode()
    assert "Draft the report" in page and "overdue" in page
    assert "Please comment on COP work plan" in page
    assert "Revised terms of reference" in page  # registered since the last meeting
    api = client.get("/api/v1/coordination/dashboard").json()
    assert api["bodies"] == ["jca-cop"]
    assert api["owed_replies"][0]["days_to_deadline"] == 3


def test_dashboard_for_someone_who_chairs_nothing(client, stakeholder):
    client.force_login(stakeholder)
    assert "You chair no body" in client.get(reverse("coordination:dashboard")).content.decode()


def test_ics_per_meeting_per_body_and_per_user(client, registry, focal_point, other_focal_point):
    meeting = client.get(reverse("coordination:meeting_ics", args=["jca-cop", 1]))
    assert meeting["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(meeting.content).walk("VEVENT")[0]
    assert str(event["summary"]) == "JCA-COP 1st meeting"
    assert event.decoded("dtstart") == date(2014, 1, 15) and event.decoded("dtend") == date(2014, 1, 16)
    body = Calendar.from_ical(client.get(reverse("coordination:body_calendar", args=["jca-cop"])).content)
    assert len(list(body.walk("VEVENT"))) == 1
    client.force_login(focal_point)
    page = client.get(reverse("coordination:my_calendar")).content.decode()
    feed_url = page.split('data-testid="feed-url">')[1].split("<")[0]
    client.logout()
    feed = client.get(feed_url.replace("http://testserver", ""))
    assert len(list(Calendar.from_ical(feed.content).walk("VEVENT"))) == 1
    assert client.get(reverse("coordination:user_feed", args=["forged-token"])).status_code == 404
    from tutela.coordination.ical import feed_token

    other = client.get(reverse("coordination:user_feed", args=[feed_token(other_focal_point)]))
    assert len(list(Calendar.from_ical(other.content).walk("VEVENT"))) == 0  # not a member of JCA-COP


# --- API ----------------------------------------------------------------------------------

def _token(user):
    from tutela.accounts.services import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='script')[1]}"}


def test_api_reads(client, registry):
    bodies = client.get("/api/v1/coordination/bodies").json()
    assert {b["slug"] for b in bodies["items"]} >= {"jca-cop", "sg17", "tsag", "itu-t"}
    jca = client.get("/api/v1/coordination/bodies/jca-cop").json()
    assert jca["lifecycle"] == "expired" and jca["parent"] == "sg17"
    meeting = client.get("/api/v1/coordination/bodies/jca-cop/meetings/1").json()
    assert [d["number"] for d in meeting["documents"]] == ["JCA-COP DOC047"]  # the members-only one is hidden
    docs = client.get("/api/v1/coordination/documents", {"q": "DOC047"}).json()
    assert docs["items"][0]["label"] == "JCA-COP DOC047"
    liaison = client.get(f"/api/v1/coordination/liaisons/{registry['liaison'].pk}").json()
    assert liaison["recipients"][0]["purpose"] == "action" and liaison["attachments"][0]["number"] == "JCA-COP DOC047"
    assert client.get("/api/v1/coordination/bodies/nope").status_code == 404


def test_api_materials_upload_for_a_chairs_script(client, chair_user, registry, other_focal_point):
    url = "/api/v1/coordination/bodies/jca-cop/meetings/1/materials"
    response = client.post(url, {"file": upload("report.pdf", pdf_bytes()), "title": "Report of the meeting",
                                 "source": "Co-chairs", "kind": "report"}, **_token(chair_user))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"] == "JCA-COP DOC049" and data["files"][0]["type"] == "pdf" and data["meeting"] == 1
    assert Meeting.objects.get(pk=registry["meeting"].pk).report_document_id == data["id"]
    lying = client.post(url, {"file": upload("slides.pptx", b"MZ not a deck"), "title": "Slides", "source": "X"},
                        **_token(chair_user))
    assert lying.status_code == 422 and "not a PowerPoint (PPTX) file" in lying.json()["error"]["fields"]["file"][0]
    outsider = client.post(url, {"file": upload("x.pdf", pdf_bytes()), "title": "X", "source": "X"}, **_token(other_focal_point))
    assert outsider.status_code == 403
    assert client.post(url, {"file": upload("x.pdf", pdf_bytes()), "title": "X", "source": "X"}).status_code == 401


def test_api_writes_meeting_liaison_and_revision(client, secretariat, registry, jca, tsag):
    headers = _token(secretariat)
    m = client.post("/api/v1/coordination/bodies/tsag/meetings", {"starts_on": "2014-06-02"}, content_type="application/json", **headers)
    assert m.status_code == 201 and m.json()["ordinal"] == 1
    late = client.post("/api/v1/coordination/bodies/jca-cop/meetings", {"starts_on": "2016-01-01"},
                       content_type="application/json", **headers)
    assert late.status_code == 422 and "starts_on" in late.json()["error"]["fields"]
    ls = client.post("/api/v1/coordination/liaisons", {
        "from_body": "jca-cop", "subject": "COP work plan", "contact_email": "x@example.org", "send": True,
        "recipients": [{"body": "tsag", "purpose": "action"}]}, content_type="application/json", **headers)
    assert ls.status_code == 422 and "give a deadline" in ls.json()["error"]["message"]
    rev = client.post(f"/api/v1/coordination/documents/{registry['public'].pk}/revisions",
                      {"note": "Lifetime to September 2015", "file": upload("tor.odt", office_bytes("odt"))}, **headers)
    assert rev.status_code == 201 and rev.json()["label"] == "JCA-COP DOC047 Rev.1"
    clash = client.post("/api/v1/coordination/bodies/jca-cop/documents", {"title": "X", "source": "Y", "number": "DOC047"}, **headers)
    assert clash.status_code == 422 and "already taken" in clash.json()["error"]["fields"]["number"][0]
    ext = client.post("/api/v1/coordination/bodies/jca-cop/extensions", {
        "new_end": "2015-09-30", "decided_on": "2014-01-15", "reason": "Continue", "meeting": 1, "decided_by": "jca-cop"},
        content_type="application/json", **headers)
    assert ext.status_code == 201 and ext.json()["previous_end"] == "2014-01-31"


def test_api_membership_chairs_tor_attendance(client, secretariat, registry, org_a, focal_point, sg17):
    from tutela.initiatives.services import person_create

    headers = _token(secretariat)
    person = person_create(actor=None, full_name="Philip Ruston", honorific="Mr", is_public_figure=True)
    chair = client.post("/api/v1/coordination/bodies/jca-cop/chairs", {"person_id": person.pk, "role": "co_chair"},
                        content_type="application/json", **headers)
    assert chair.status_code == 201 and chair.json()["name"] == "Mr Philip Ruston"
    bad = client.post("/api/v1/coordination/bodies/jca-cop/chairs", {"person_id": person.pk, "role": "patron"},
                      content_type="application/json", **headers)
    assert bad.status_code == 422
    dup = client.post("/api/v1/coordination/bodies/jca-cop/members", {"organisation_id": org_a.pk},
                      content_type="application/json", **headers)
    assert dup.status_code == 422 and "already listed" in dup.json()["error"]["message"]
    tor = client.post("/api/v1/coordination/bodies/jca-cop/terms-of-reference", {
        "document_id": registry["public"].pk, "approved_on": "2014-01-15", "approved_by": "sg17", "meeting": 1},
        content_type="application/json", **headers)
    assert tor.status_code == 201 and tor.json()["current"] is True and tor.json()["approved_by"] == "SG17"
    att = client.post("/api/v1/coordination/bodies/jca-cop/meetings/1/attendance",
                      {"organisation_ids": [org_a.pk], "participant_count": 18}, content_type="application/json", **headers)
    assert att.status_code == 200
    patch = client.patch("/api/v1/coordination/bodies/jca-cop/meetings/1", {"summary": "Agreed to continue."},
                         content_type="application/json", **headers)
    assert patch.status_code == 200
    detail = client.get("/api/v1/coordination/bodies/jca-cop").json()
    assert [c["role"] for c in detail["chairs"]] == ["co_chair"]
    assert detail["terms_of_reference"][0]["number"] == "JCA-COP DOC047"
    forbidden = client.post("/api/v1/coordination/bodies/jca-cop/chairs", {"person_id": person.pk, "role": "chair"},
                            content_type="application/json", **_token(focal_point))
    assert forbidden.status_code == 403
