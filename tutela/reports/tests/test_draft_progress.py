"""A draft made by the worker says how far it is as it runs: the share done and the time left (issue 15 item 8)."""

import datetime
from datetime import date

import pytest
from django.utils import timezone

from tutela.activities.services import activity_create
from tutela.core import progress as job_progress
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.reports import drafting, selectors, services
from tutela.reports.models import DraftStatus, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(secretariat, secretariat_org):
    initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="First phase",
                                   mandate="Resolution 7", lead_organisation=secretariat_org)
    for n in range(1, 5):
        activity_create(actor=None, title=f"Parents' evening no. {n}", kind="educational_event", status="held",
                        starts_on=date(2020, n, 3), ends_on=date(2020, n, 3), city="Nairobi", country="KE",
                        partners=[(secretariat_org, "organiser")], pillars=[Pillar.objects.first()])
    return services.report_create(actor=secretariat, title="Update 2020", initiative=initiative,
                                  period_start=date(2020, 1, 1), period_end=date(2020, 12, 31), opening_template="")


def test_the_draft_reports_its_share_done_mid_way_while_composing_and_writing(report, secretariat, monkeypatch):
    # every activity composed and every row written is a step (a large report: every 500 and every 1,000)
    monkeypatch.setattr(drafting, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(services, "INSERT_BATCH", 2)
    seen: list[int] = []
    summary = services.report_draft(actor=secretariat, report=report, progress=seen.append)
    assert summary["added"] == 5  # the four evenings and the awareness paragraph
    assert seen == sorted(seen) and seen[-1] == 100
    composing, writing = [p for p in seen if 0 < p < 50], [p for p in seen if 50 < p < 100]
    assert composing == [12, 25, 37] and writing == [70, 90]  # mid-way, not only start and end


def test_the_worker_writes_progress_the_page_reads_and_clears_it_at_the_end(client, report, secretariat):
    Report.objects.filter(pk=report.pk).update(draft_status=DraftStatus.RUNNING)
    report.refresh_from_db()
    # what the worker's draft writes as it goes (services.report_draft_run), 40 % done after 30 s
    job_progress.write_rows(report, 40, 100, started=timezone.now() - datetime.timedelta(seconds=30))
    shown = selectors.draft_progress(report, selectors.draft_job(report))
    assert shown.percent == 40 and 40 <= shown.seconds_left() <= 50
    client.force_login(secretariat)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "job-progress job-running" in page and 'value="40"' in page and "40 % done" in page
    assert "seconds left" in page and "an estimate from the rate so far" in page
    assert client.get(f"/reports/{report.pk}/progress/").json()["progress"] == 40

    services.report_draft_run(report_id=report.pk, actor=secretariat)
    report.refresh_from_db()
    assert report.draft_status == DraftStatus.DONE and job_progress.read_rows(report) is None
    page = client.get(report.get_absolute_url()).content.decode()
    assert "job-running" not in page and report.paragraphs.count() == 5
