"""The secretariat's and chairs' web forms (members, chairs, terms of reference, agenda, attendance,
decisions, actions) and the attendance-history page, through the test client."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tutela.coordination import services
from tutela.coordination.models import Attendance, Meeting
from tutela.core.models import AuditEntry
from tutela.initiatives.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def fifth(jca):
    return services.meeting_create(actor=None, body=jca, starts_on=date(2014, 1, 15), status="held")


@pytest.fixture
def named(db, org_a):
    return person_create(actor=None, full_name="Philip Ruston", honorific="Mr", consent_to_be_named=True,
                         consent_recorded_on=date(2014, 1, 1), organisation=org_a)


@pytest.fixture
def unnamed(db, org_a):
    return person_create(actor=None, full_name="Quiet Delegate", organisation=org_a)


def _url(name, *args):
    return reverse(f"coordination:{name}", args=args)


def test_forms_answer_only_those_who_may_use_them(ladder, client, jca, fifth, chair_user):
    manage = {"anonymous": 302, "stakeholder": 403, "focal_point": 403, "other_focal_point": 403, "secretariat": 200}
    for url in [_url("membership_add", "jca-cop"), _url("terms_of_reference_add", "jca-cop"),
                _url("agenda_item_add", "jca-cop", 1), _url("decision_add", "jca-cop", 1),
                _url("action_item_add", "jca-cop", 1), _url("attendance_record", "jca-cop", 1)]:
        ladder("get", url, manage)
        client.force_login(chair_user)
        assert client.get(url).status_code == 200, url
        client.logout()
    ladder("get", _url("chair_appoint", "jca-cop"), manage)
    client.force_login(chair_user)
    assert client.get(_url("chair_appoint", "jca-cop")).status_code == 403  # chairs do not appoint chairs
    assert client.post(_url("decision_add", "jca-cop", 99), {"text": "x", "kind": "agreement"}).status_code == 404


def test_the_forms_are_linked_from_the_body_and_meeting_pages(client, jca, fifth, secretariat, chair_user):
    body_page, meeting_page = _url("body_detail", "jca-cop"), _url("meeting_detail", "jca-cop", 1)
    public = client.get(body_page).content.decode()
    assert _url("membership_add", "jca-cop") not in public and _url("chair_appoint", "jca-cop") not in public
    assert _url("attendance_history", "jca-cop") in public  # everyone finds the history
    client.force_login(secretariat)
    page = client.get(body_page).content.decode()
    for name in ["membership_add", "chair_appoint", "terms_of_reference_add"]:
        assert _url(name, "jca-cop") in page, name
    page = client.get(meeting_page).content.decode()
    for name in ["agenda_item_add", "decision_add", "action_item_add", "attendance_record"]:
        assert _url(name, "jca-cop", 1) in page, name
    client.force_login(chair_user)
    page = client.get(body_page).content.decode()
    assert _url("membership_add", "jca-cop") in page and _url("chair_appoint", "jca-cop") not in page


def test_add_a_member(client, jca, org_b, secretariat, named, unnamed):
    client.force_login(secretariat)
    url = _url("membership_add", "jca-cop")
    form = client.get(url).content.decode()
    assert "Philip Ruston" in form and "Quiet Delegate" not in form  # only adults who may be named are offered
    response = client.post(url, {"role": "member"})
    assert response.status_code == 422 and "Name an organisation or a person." in response.content.decode()
    response = client.post(url, {"person": unnamed.pk, "role": "member"})
    assert response.status_code == 422 and "Choose a person from the list." in response.content.decode()
    response = client.post(url, {"organisation": org_b.pk, "role": "observer", "represents": "ITU-T SG13"})
    assert response.status_code == 302 and response["Location"].endswith("#members")
    assert jca.memberships.filter(organisation=org_b, role="observer").exists()
    assert AuditEntry.objects.filter(action="body.member_added", target_id=str(jca.pk)).count() == 2  # fixture + this
    page = client.get(_url("body_detail", "jca-cop")).content.decode()
    assert "Observer (ITU-T SG13)" in page
    response = client.post(url, {"organisation": org_b.pk, "role": "member"})
    assert response.status_code == 422 and "already listed" in response.content.decode()
    assert jca.memberships.filter(organisation=org_b).count() == 1


def test_appoint_a_co_chair(client, jca, secretariat, named, unnamed):
    client.force_login(secretariat)
    url = _url("chair_appoint", "jca-cop")
    response = client.post(url, {"person": named.pk, "role": "co_chair", "starts_on": "2014-01-15", "ends_on": "2013-01-01"})
    assert response.status_code == 422 and "The term ends before it starts." in response.content.decode()
    response = client.post(url, {"person": named.pk, "role": "patron"})
    assert response.status_code == 422
    response = client.post(url, {"person": named.pk, "role": "co_chair", "starts_on": "2014-01-15", "note": "United Kingdom"})
    assert response.status_code == 302
    page = client.get(_url("body_detail", "jca-cop")).content.decode()
    assert "Mr Philip Ruston" in page and "Co-chair" in page


def test_record_terms_of_reference(client, jca, fifth, secretariat, sg17):
    tor = services.document_register(actor=None, body=jca, meeting=fifth, title="Revised terms of reference", source="Co-chairs",
                                     kind="tor", number=47)
    gone = services.document_register(actor=None, body=jca, title="Withdrawn draft", source="TSB", kind="tor")
    services.document_withdraw(actor=None, document=gone, reason="superseded")
    client.force_login(secretariat)
    url = _url("terms_of_reference_add", "jca-cop")
    assert f"{url}?document={tor.pk}" in client.get(_url("document_detail", tor.pk)).content.decode()
    form = client.get(url, {"document": tor.pk}).content.decode()
    assert f'<option value="{tor.pk}" selected>' in form and "Withdrawn draft" not in form
    response = client.post(url, {"document": tor.pk, "approved_on": "2014-01-15", "meeting": 1})
    assert response.status_code == 422 and "Say who approved" in response.content.decode()
    assert not jca.terms_of_reference.exists()  # nothing half-saved
    response = client.post(url, {"document": tor.pk, "approved_on": "2014-01-15", "meeting": 1, "approved_by_label": "JCA-COP participants"})
    assert response.status_code == 302
    page = client.get(_url("body_detail", "jca-cop")).content.decode()
    assert "JCA-COP participants" in page and "Current" in page


def test_agenda_decisions_and_actions_are_numbered_in_order(client, jca, fifth, chair_user):
    doc = services.document_register(actor=None, body=jca, meeting=fifth, title="Draft work plan", source="Co-chairs")
    client.force_login(chair_user)
    url = _url("agenda_item_add", "jca-cop", 1)
    response = client.post(url, {"title": "  "})
    assert response.status_code == 422
    assert client.post(url, {"title": "Opening"}).status_code == 302
    response = client.post(url, {"title": "Work plan", "documents": [doc.pk]}, follow=True)
    assert "Agenda item 2 added." in response.content.decode() and "1. Opening" in response.content.decode()
    for text in ["Continue the JCA-COP after January 2014", "Lifetime extended to September 2015"]:
        assert client.post(_url("decision_add", "jca-cop", 1), {"kind": "agreement", "text": text}).status_code == 302
    response = client.post(_url("action_item_add", "jca-cop", 1), {"text": "Send the LS", "owner_label": "Co-chairs",
                                                                   "due_on": "2013-01-01"})
    assert response.status_code == 422 and "before the meeting" in response.content.decode()
    assert client.post(_url("action_item_add", "jca-cop", 1), {"text": "Send the LS", "owner_label": "Co-chairs"}).status_code == 302
    page = client.get(_url("meeting_detail", "jca-cop", 1)).content.decode()
    assert "Work plan" in page and "JCA-COP DOC001" in page
    assert list(fifth.decisions.values_list("number", "text")) == [
        (1, "Continue the JCA-COP after January 2014"), (2, "Lifetime extended to September 2015")]
    assert fifth.action_items.get().owner_label == "Co-chairs"


def test_record_attendance(client, jca, fifth, org_a, org_b, secretariat, named, unnamed):
    services.membership_add(actor=None, body=jca, person=named)
    client.force_login(secretariat)
    url = _url("attendance_record", "jca-cop", 1)
    form = client.get(url).content.decode()
    assert org_a.name in form and "Philip Ruston" in form and "Quiet Delegate" not in form
    response = client.post(url, {})
    assert response.status_code == 422 and "Nothing to record" in response.content.decode()
    response = client.post(url, {"participant_count": "-3"})
    assert response.status_code == 422 and "cannot be negative" in response.content.decode()
    response = client.post(url, {"organisations": [org_a.pk], "people": [named.pk], "other_organisation": org_b.pk,
                                 "participant_count": "27"})
    assert response.status_code == 302
    fifth.refresh_from_db()
    assert fifth.participant_count == 27
    assert set(fifth.attendance.values_list("organisation_id", "person_id")) == {(org_a.pk, None), (org_b.pk, None), (org_a.pk, named.pk)}
    form = client.get(url).content.decode()
    assert 'name="people"' not in form  # everyone offered is now recorded
    page = client.get(_url("meeting_detail", "jca-cop", 1)).content.decode()
    assert "Mr Philip Ruston" in page and org_b.name in page


def test_attendance_history_grid(client, jca, org_a, org_b, named, unnamed, django_assert_max_num_queries):
    fourth = services.meeting_create(actor=None, body=jca, starts_on=date(2013, 12, 3), status="held")
    fifth = services.meeting_create(actor=None, body=jca, starts_on=date(2014, 1, 15), status="held")
    services.attendance_record(actor=None, meeting=fourth, organisations=[org_a, org_b], people=[named], participant_count=19)
    services.attendance_record(actor=None, meeting=fifth, organisations=[org_a], participant_count=23)
    # Someone named once who may no longer be named: counted under their organisation, never by name.
    Attendance.objects.create(meeting=fifth, person=unnamed, organisation=org_a)
    with django_assert_max_num_queries(8):
        response = client.get(_url("attendance_history", "jca-cop"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Quiet Delegate" not in page and "Mr Philip Ruston" in page
    assert ">1st<" in page and ">2nd<" in page and "19" in page and "23" in page
    grid = response.context["rows"]
    by_label = {r["label"]: r for r in grid}
    assert by_label[str(org_a)]["cells"] == ["present", "present"] and by_label[str(org_a)]["total"] == 2
    assert by_label[str(org_b)]["cells"] == ["present", None]
    assert by_label["Mr Philip Ruston"]["cells"] == ["present", None]


def test_attendance_history_pages_through_older_meetings(client, jca):
    start = date(2012, 5, 1)
    for i in range(14):
        services.meeting_create(actor=None, body=jca, starts_on=start + timedelta(days=30 * i), status="held")
    latest = client.get(_url("attendance_history", "jca-cop"))
    assert [m.ordinal for m in latest.context["meetings"]] == list(range(3, 15))
    assert latest.context["older_before"] == 3 and not latest.context["has_newer"]
    older = client.get(_url("attendance_history", "jca-cop"), {"before": 3}, headers={"HX-Request": "true"})
    assert [m.ordinal for m in older.context["meetings"]] == [1, 2]
    html = older.content.decode()
    assert "<html" not in html and 'id="attendance-grid"' in html  # htmx gets the grid only
    assert older.context["has_newer"] and older.context["newer_before"] is None
    assert Meeting.objects.filter(body=jca).count() == 14


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)", "http://testserver.evil.example/"])
def test_closing_an_action_never_redirects_off_site(client, jca, fifth, secretariat, target):
    item = services.action_item_add(actor=None, meeting=fifth, text="Send the LS", owner_label="Co-chairs")
    client.force_login(secretariat)
    response = client.post(_url("action_item_close", "jca-cop", 1, item.number), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == _url("meeting_detail", "jca-cop", 1)
    item.refresh_from_db()
    assert item.status == "done"  # the action is closed; only the redirect ignores the hostile next


def test_closing_an_action_follows_a_same_site_next(client, jca, fifth, secretariat):
    item = services.action_item_add(actor=None, meeting=fifth, text="Send the LS", owner_label="Co-chairs")
    client.force_login(secretariat)
    response = client.post(_url("action_item_close", "jca-cop", 1, item.number), {"next": "/coordination/dashboard/"})
    assert response.status_code == 302 and response["Location"] == "/coordination/dashboard/"
