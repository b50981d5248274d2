"""Guideline documents and consultations set up from the pages: open, extend, close, as one lifecycle."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tutela.consultations import services
from tutela.consultations.models import Consultation, GuidelineDocument
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _local(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M")


def test_the_secretariat_creates_a_document_then_opens_a_consultation_on_its_version(client, secretariat, draft, org_a):
    client.force_login(secretariat)
    listing = client.get("/consultations/").text
    assert 'href="/consultations/new/"' in listing and 'href="/consultations/documents/new/"' in listing
    response = client.post("/consultations/documents/new/", {
        "title": "Guidelines for Parents", "audience": "parents_educators", "edition": "2016",
        "owner_organisation": org_a.pk, "is_published": "on"})
    document = GuidelineDocument.objects.get(title="Guidelines for Parents")
    assert response.url == f"/consultations/documents/{document.pk}/"
    assert AuditEntry.objects.filter(action="guideline_document.created", target_id=str(document.pk)).exists()

    # The version's row on its document page leads to the form with the version chosen.
    assert f"/consultations/new/?version={draft.pk}" in client.get(f"/consultations/documents/{draft.document_id}/").text
    assert f'<option value="{draft.pk}" selected>' in client.get(f"/consultations/new/?version={draft.pk}").text
    zurich = ZoneInfo("Europe/Zurich")
    opens = timezone.now().astimezone(zurich) - timedelta(hours=1)
    closes = opens + timedelta(days=20)
    form = {"version": draft.pk, "title": "Consultation on Draft 1", "code": "gi16", "time_zone": "Europe/Zurich",
            "opens_at": _local(opens), "closes_at": _local(closes), "online_form": "on", "allow_public": "on",
            "is_published": "on"}
    wrong = client.post("/consultations/new/", {**form, "closes_at": _local(opens - timedelta(days=1))})
    assert wrong.status_code == 422 and "The consultation must close after it opens." in wrong.text
    zone = client.post("/consultations/new/", {**form, "time_zone": "Mars/Olympus"})
    assert zone.status_code == 422 and "is not a time zone" in zone.text
    response = client.post("/consultations/new/", form)
    consultation = Consultation.objects.get(code="GI16")
    assert response.url == f"/consultations/{consultation.pk}/"
    # The wall-clock time typed is read in the consultation's zone, not the server's.
    assert consultation.closes_at.astimezone(zurich).strftime("%Y-%m-%dT%H:%M") == _local(closes)
    assert consultation.status == "open"
    assert "Consultation on Draft 1" in client.get("/consultations/").text
    client.logout()
    assert "Consultation on Draft 1" in client.get("/consultations/").text  # the public sees it listed too


def test_a_focal_point_without_a_writable_version_gets_no_consultation_form(client, other_focal_point, draft):
    client.force_login(other_focal_point)  # the draft belongs to organisation A
    assert client.get("/consultations/new/").status_code == 403
    assert client.post("/consultations/new/", {"version": draft.pk, "title": "x", "code": "X1"}).status_code == 403


def test_a_focal_point_cannot_open_a_consultation_on_a_version_of_another_organisation(client, focal_point, other_focal_point,
                                                                                   secretariat, org_b, draft):
    mine = services.document_create(actor=secretariat, title="B's", audience="industry", edition="1", owner_organisation=org_b)
    services.version_import(actor=secretariat, document=mine, label="B draft", source="# A\n\nText.", publish=True)
    client.force_login(other_focal_point)
    now = timezone.now()
    response = client.post("/consultations/new/", {
        "version": draft.pk, "title": "Not mine", "code": "NM1", "time_zone": "UTC",
        "opens_at": _local(now), "closes_at": _local(now + timedelta(days=3))})
    assert response.status_code == 422  # not among the choices
    assert not Consultation.objects.filter(code="NM1").exists()


@pytest.fixture
def scheduled(secretariat, draft):
    now = timezone.now()
    return services.consultation_create(actor=secretariat, version=draft, title="Later", code="LT1",
                                        opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=10))


def test_scheduled_open_closed_in_order_each_audited(secretariat, scheduled):
    services.consultation_move(actor=secretariat, consultation=scheduled, status="open")
    scheduled.refresh_from_db()
    assert scheduled.status == "open"
    services.consultation_move(actor=secretariat, consultation=scheduled, status="closed")
    scheduled.refresh_from_db()
    assert scheduled.status == "closed"
    actions = list(AuditEntry.objects.filter(target_id=str(scheduled.pk), action__startswith="consultation.")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["consultation.created", "consultation.opened", "consultation.closed"]


@pytest.mark.parametrize(("moves", "target", "words"), [
    ([], "closed", "cannot become Closed directly; from Scheduled it can only become Open"),
    ([], "report_published", "from Scheduled it can only become Open"),
    (["open", "closed"], "open", "from Closed it can only become Report published"),
    ([], "draft", "is not a stage of this consultation"),
])
def test_a_forbidden_jump_is_refused_with_the_reason(secretariat, scheduled, moves, target, words):
    for status in moves:
        services.consultation_move(actor=secretariat, consultation=scheduled, status=status)
    before = Consultation.objects.get(pk=scheduled.pk)
    with pytest.raises(ValidationError) as refused:
        services.consultation_move(actor=secretariat, consultation=scheduled, status=target)
    assert words in refused.value.message_dict["status"][0]
    after = Consultation.objects.get(pk=scheduled.pk)
    assert (after.opens_at, after.closes_at) == (before.opens_at, before.closes_at)


def test_extending_moves_only_later_and_only_before_closing(secretariat, consultation, other_focal_point):
    later = consultation.closes_at + timedelta(days=7)
    with pytest.raises(ValidationError) as refused:
        services.consultation_extend(actor=secretariat, consultation=consultation,
                                     closes_at=consultation.closes_at - timedelta(days=1))
    assert "after the present one" in refused.value.message_dict["closes_at"][0]
    with pytest.raises(PermissionDenied):
        services.consultation_extend(actor=other_focal_point, consultation=consultation, closes_at=later)
    services.consultation_extend(actor=secretariat, consultation=consultation, closes_at=later)
    consultation.refresh_from_db()
    assert consultation.closes_at == later
    assert AuditEntry.objects.filter(action="consultation.extended", target_id=str(consultation.pk)).exists()
    services.consultation_move(actor=secretariat, consultation=consultation, status="closed")
    with pytest.raises(ValidationError) as refused:
        services.consultation_extend(actor=secretariat, consultation=consultation, closes_at=later + timedelta(days=1))
    assert "This consultation is Closed" in refused.value.message_dict["closes_at"][0]


def test_the_page_offers_close_and_extend_and_asks_before_closing(client, secretariat, consultation):
    client.force_login(secretariat)
    url = f"/consultations/{consultation.pk}/"
    page = client.get(url).text
    assert 'name="status" value="closed"' in page and f'href="{url}extend/"' in page
    assert 'value="report_published"' not in page  # published from the report page, with its summary
    new_close = consultation.closes_at.astimezone(ZoneInfo(consultation.time_zone)) + timedelta(days=5)
    done = client.post(url + "extend/", {"closes_at": _local(new_close)})
    assert done.status_code == 302
    consultation.refresh_from_db()
    assert _local(consultation.closes_at.astimezone(ZoneInfo(consultation.time_zone))) == _local(new_close)
    ask = client.post(url + "status/", {"status": "closed"})
    assert ask.status_code == 200 and "cannot be reopened" in ask.text
    consultation.refresh_from_db()
    assert consultation.status == "open"
    closed = client.post(url + "status/", {"status": "closed", "confirm": "1"}, follow=True)
    consultation.refresh_from_db()
    assert consultation.status == "closed"
    assert "The consultation is now Closed." in closed.text
    assert f'href="{url}extend/"' not in closed.text
    refused = client.post(url + "status/", {"status": "open", "confirm": "1"}, follow=True)
    assert "from Closed it can only become Report published" in refused.text


def test_only_those_who_may_write_it_move_or_extend_a_consultation(ladder, consultation):
    url = f"/consultations/{consultation.pk}/"
    ladder("get", url + "extend/", {"anonymous": 302, "stakeholder": 403, "other_focal_point": 403,
                                    "focal_point": 200, "secretariat": 200})
    ladder("post", url + "status/", {"anonymous": 302, "stakeholder": 403, "other_focal_point": 403}, data={"status": "closed",
                                                                                                          "confirm": "1"})
    consultation.refresh_from_db()
    assert consultation.status == "open"
