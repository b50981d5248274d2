"""A report's sign-off is its lifecycle (REPORT_LIFECYCLE, core.lifecycle): the page shows the allowed moves as
buttons, signing off asks for confirmation first, and a refused move comes back as a sentence saying why."""

import re
from datetime import date

import pytest

from tutela.core.models import AuditEntry
from tutela.initiatives.services import initiative_create
from tutela.reports.models import Report, ReportFile
from tutela.reports.services import paragraph_add, report_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(secretariat, secretariat_org):
    initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="First phase",
                                   mandate="Resolution 7", lead_organisation=secretariat_org,
                                   launched_on=date(2018, 6, 1))
    report = report_create(actor=secretariat, title="Update 2019", initiative=initiative,
                           period_start=date(2019, 1, 1), period_end=date(2019, 12, 31))
    paragraph_add(actor=secretariat, report=report, text="A workshop was held in Kigali.")
    return report


def _buttons(page: str) -> list[tuple[str, str]]:
    """The lifecycle group's forms on a page: (posted status, button text)."""
    group = re.search(r'<div class="inline-form lifecycle".*?</div>', page, re.S)
    if not group:
        return []
    return re.findall(r'name="status" value="([^"]*)"><button[^>]*>([^<]*)</button>', group.group(0))


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_draft_shows_sign_off_as_its_one_move_and_asks_for_confirmation(client, secretariat, report):
    client.force_login(secretariat)
    page = client.get(report.get_absolute_url()).content.decode()
    assert _buttons(page) == [("final", "Sign off…")]
    assert f'action="/reports/{report.pk}/move/"' in page

    asked = client.post(f"/reports/{report.pk}/move/", {"status": "final"})
    assert asked.status_code == 200
    text = asked.content.decode()
    assert "Yes: Sign off" in text and "cannot return to draft" in text
    assert 'name="confirm" value="1"' in text and 'name="status" value="final"' in text
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT and not AuditEntry.objects.filter(action="report.finalised").exists()


def test_confirmed_sign_off_freezes_the_report_audited_and_leaves_no_move(client, secretariat, report):
    client.force_login(secretariat)
    response = client.post(f"/reports/{report.pk}/move/", {"status": "final", "confirm": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert "Signed off. The text is frozen" in _messages(response)
    report.refresh_from_db()
    assert report.status == Report.Status.FINAL and report.finalised_by == secretariat and report.snapshot
    entry = AuditEntry.objects.get(action="report.finalised")
    assert entry.changes["status"] == ["draft", "final"]
    assert ReportFile.objects.filter(report=report, signed_off=True).count() == 2
    page = response.content.decode()
    assert _buttons(page) == [] and "This text is frozen" in page


def test_a_signed_off_report_cannot_go_back_to_draft_and_says_why(client, secretariat, report):
    client.force_login(secretariat)
    client.post(f"/reports/{report.pk}/move/", {"status": "final", "confirm": "1"})
    back = client.post(f"/reports/{report.pk}/move/", {"status": "draft", "confirm": "1"}, follow=True)
    assert "This report is Final (signed off), which is final: it cannot become Draft." in _messages(back)
    report.refresh_from_db()
    assert report.status == Report.Status.FINAL
    assert AuditEntry.objects.filter(action="report.finalised").count() == 1


def test_an_unknown_status_and_an_empty_draft_are_refused_with_the_reason(client, secretariat, secretariat_org, report):
    client.force_login(secretariat)
    unknown = client.post(f"/reports/{report.pk}/move/", {"status": "published", "confirm": "1"}, follow=True)
    assert "“published” is not a stage of this report" in _messages(unknown)
    empty = report_create(actor=secretariat, title="Nothing yet", initiative=report.initiative,
                          period_start=date(2020, 1, 1), period_end=date(2020, 12, 31))
    refused = client.post(f"/reports/{empty.pk}/move/", {"status": "final", "confirm": "1"}, follow=True)
    assert "Draft the report before signing it off." in _messages(refused)
    empty.refresh_from_db()
    assert empty.status == Report.Status.DRAFT


def test_only_the_secretariat_moves_a_report(client, focal_point, report):
    anonymous = client.post(f"/reports/{report.pk}/move/", {"status": "final", "confirm": "1"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client.force_login(focal_point)
    assert client.post(f"/reports/{report.pk}/move/", {"status": "final", "confirm": "1"}).status_code == 404
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT
