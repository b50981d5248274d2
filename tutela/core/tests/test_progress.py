"""The shared live-progress component (``components/progress.html`` over ``core.progress.Progress``) as
each long job kind fills it: drafting and PDF (reports), imports (exchange and the file imports of
``core.jobs``), sending (bulletins; liaisons in coordination's test_delivery) — at 0 %, mid-way, and
finished or failed."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from tutela.core import progress as core_progress
from tutela.core.progress import Progress

NOW = timezone.now()


def html(p: Progress) -> str:
    return re.sub(r"\s+", " ", render_to_string("components/progress.html", {"progress": p}))


def test_the_time_left_is_estimated_from_the_rate_so_far_and_said_to_be_an_estimate():
    p = Progress(
        key="k",
        title="Job",
        state="running",
        done=250,
        total=1000,
        unit="rows",
        started_at=timezone.now() - datetime.timedelta(seconds=60),
        poll_url="/poll/",
    )
    assert p.percent == 25 and 175 <= p.seconds_left() <= 185  # 60 s for a quarter: about 3 minutes more
    page = html(p)
    assert '<progress max="100" value="25"' in page and "25 % done" in page and "250 of 1,000 rows" in page
    assert "about 3 minutes left" in page and "an estimate from the rate so far" in page
    assert 'hx-get="/poll/" hx-trigger="every 2s" hx-swap="outerHTML"' in page
    # no rate yet, no estimate; nothing counted yet, no share
    assert Progress(key="k", title="Job", state="running", done=0, total=10, started_at=NOW).time_left == ""
    assert Progress(key="k", title="Job", state="running", total=0).percent is None
    assert "No share done to show yet" in html(Progress(key="k", title="Job", state="running"))
    # never "100 %" while still running
    assert Progress(key="k", title="Job", state="running", done=10, total=10).percent == 99


def _report_file(status, progress=0):
    from tutela.reports.models import ReportFile

    return ReportFile(
        pk=7,
        format="pdf",
        status=status,
        progress=progress,
        created_at=timezone.now() - datetime.timedelta(seconds=30),
        finished_at=NOW if status in ("done", "failed") else None,
    )


def _draft(state, progress=0, reason="", requeued=False):
    from tutela.reports.models import Report
    from tutela.reports.selectors import DraftJob

    report = Report(pk=3, title="Progress report", drafted_at=NOW if state == "done" else None)
    return report, DraftJob(state, reason, progress, requeued=requeued)


def _import_job(status, total=0, mode="check", file_error=""):
    from tutela.exchange.models import ImportJob

    return ImportJob(
        pk=987654,
        kind="organisations",
        status=status,
        mode=mode,
        total_rows=total,
        report={"file_error": file_error} if file_error else {},
        finished_at=NOW if status in ("checked", "imported", "failed") else None,
    )


def _bulletin(status, last_error="", sent_at=None):
    from tutela.bulletins.models import Bulletin

    return Bulletin(
        pk=5,
        subject="News",
        status=status,
        scheduled_at=NOW - datetime.timedelta(seconds=20),
        last_error=last_error,
        sent_at=sent_at,
    )


def _subscriber_import(status, dry_run=True, report=None):
    from tutela.bulletins.models import SubscriberImport

    return SubscriberImport(
        pk=424242,
        status=status,
        dry_run=dry_run,
        report=report or {},
        finished_at=NOW if status in ("checked", "imported", "failed") else None,
    )


def test_drafting_at_zero_done_and_failed():
    from tutela.reports.selectors import draft_progress

    queued = html(draft_progress(*_draft("queued"), poll_url="/reports/3/progress/"))
    assert "Drafting from the records" in queued and "Waiting for the worker to start." in queued
    assert '<progress max="100" value="0"' in queued and "hx-trigger" in queued
    requeued = html(draft_progress(*_draft("queued", requeued=True)))
    assert "queued to run again" in requeued
    done = html(draft_progress(*_draft("done", 100)))
    assert "Finished at" in done and "100 % done" in done and "hx-trigger" not in done
    failed = html(
        draft_progress(*_draft("failed", 0, reason="The worker that was drafting this report stopped."))
    )
    assert "Failed." in failed and "The worker that was drafting this report stopped." in failed
    assert "hx-trigger" not in failed and "job-failed" in failed


def test_a_pdf_at_zero_mid_way_done_and_failed():
    from tutela.reports.selectors import file_progress

    assert '<progress max="100" value="0"' in html(file_progress(_report_file("queued")))
    mid = html(file_progress(_report_file("running", 40), poll_url="/reports/3/files/7/"))
    assert "Making the PDF" in mid and "40 % done" in mid and "left" in mid and "an estimate" in mid
    assert 'hx-get="/reports/3/files/7/"' in mid
    assert "100 % done" in html(file_progress(_report_file("done", 100)))
    failed = html(file_progress(_report_file("failed", 60)))
    assert "Failed." in failed and "The file could not be made." in failed


@pytest.mark.django_db
def test_an_exchange_import_at_zero_mid_way_finished_and_failed(settings, tmp_path):
    from tutela.exchange import services
    from tutela.exchange.selectors import import_progress

    settings.VAR_DIR = tmp_path
    queued = html(import_progress(_import_job("queued"), 0))
    assert "Checking every row" in queued and "Waiting for the worker to start." in queued
    assert "No share done to show yet" not in queued or "progress" in queued
    job = _import_job("running", total=400, mode="all")
    services._write_progress(job.pk, 0, started=(timezone.now() - datetime.timedelta(seconds=10)).isoformat())
    services._write_progress(job.pk, 100)  # the start is kept
    mid = html(import_progress(job, services.read_progress(job)))
    assert "Importing" in mid and "25 % done" in mid and "100 of 400 rows" in mid
    assert "left" in mid and "an estimate from the rate so far" in mid
    done = html(import_progress(_import_job("imported", total=400, mode="all"), 400))
    assert "Finished at" in done and "400 of 400 rows" in done
    failed = html(import_progress(_import_job("failed", file_error="The file is not UTF-8."), 0))
    assert "Failed." in failed and "The file is not UTF-8." in failed


def test_a_bulletin_send_at_zero_mid_way_held_back_and_done():
    from tutela.bulletins.selectors import send_progress

    assert send_progress(_bulletin("draft"), counts={}) is None  # nothing to follow yet
    queued = html(send_progress(_bulletin("queued"), "/b/5/", counts={"queued": 0}))
    assert "Sending to the list" in queued and "Waiting for the worker to start." in queued
    mid = html(
        send_progress(_bulletin("running"), "/b/5/", counts={"queued": 300, "sent": 100, "bounced": 0})
    )
    assert "25 % done" in mid and "100 of 400 e-mails" in mid and "left" in mid and 'hx-get="/b/5/"' in mid
    held = html(
        send_progress(_bulletin("queued", last_error="421 try later"), counts={"queued": 300, "sent": 100})
    )
    assert "421 try later" in held and "goes on from where it stopped" in held
    done = html(
        send_progress(_bulletin("sent", sent_at=NOW), counts={"queued": 0, "sent": 398, "bounced": 2})
    )
    assert "Finished at" in done and "400 of 400 e-mails" in done and "2 of them bounced." in done


@pytest.mark.django_db
def test_a_file_import_counts_its_lines_while_it_runs(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    queued = html(core_progress.file_import(_subscriber_import("queued")))
    assert "Checking the file (dry run)" in queued and "Waiting for the worker to start." in queued
    job = _subscriber_import("running", dry_run=False)
    core_progress.write_rows(job, 0, 0, started=timezone.now() - datetime.timedelta(seconds=5))
    assert "No share done to show yet" in html(core_progress.file_import(job))
    core_progress.write_rows(job, 150, 300)
    mid = html(core_progress.file_import(job))
    assert (
        "Importing the file" in mid
        and "50 % done" in mid
        and "150 of 300 lines" in mid
        and "seconds left" in mid
    )
    core_progress.clear_rows(job)
    done = html(
        core_progress.file_import(_subscriber_import("imported", False, {"total": 300, "created": 300}))
    )
    assert "Finished at" in done and "300 of 300 lines" in done
    failed = html(
        core_progress.file_import(_subscriber_import("failed", report={"file_error": "No consent column."}))
    )
    assert "Failed." in failed and "No consent column." in failed


@pytest.mark.django_db
def test_the_import_row_loop_reports_its_progress_every_few_rows():
    from tutela.core import jobs

    heard = []
    rows = [{"n": i} for i in range(120)]
    report = jobs.import_rows(
        rows,
        lambda line, row: None,
        dry_run=True,
        label=lambda row: str(row["n"]),
        done=lambda report: None,
        progress=lambda done, total: heard.append((done, total)),
    )
    assert report.created == 120 and heard == [(0, 120), (50, 120), (100, 120)]
