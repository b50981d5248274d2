"""A background draft that fails, or whose worker dies, says so on the report's page, with "Try again"."""

import uuid
from datetime import date

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tutela.core.models import AuditEntry
from tutela.initiatives.services import initiative_create
from tutela.reports import selectors, services
from tutela.reports.models import DraftStatus, Report
from tutela.reports.services import report_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(secretariat, secretariat_org):
    initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="First phase",
                                   mandate="Resolution 7", lead_organisation=secretariat_org,
                                   launched_on=date(2019, 3, 1))
    return report_create(actor=secretariat, title="Update 2020", initiative=initiative,
                         period_start=date(2020, 1, 1), period_end=date(2020, 12, 31))


def _task_row(report: Report, status: str, **fields) -> DBTaskResult:
    """The worker's task row for ``report``'s draft, as django_tasks_db leaves it."""
    now = timezone.now()
    row = DBTaskResult.objects.create(
        id=uuid.uuid4(), status=status, args_kwargs={"args": [], "kwargs": {"report_id": report.pk}},
        task_path="tutela.reports.tasks.draft_report", backend_name="default", run_after=now,
        started_at=now, exception_class_path=fields.pop("exception_class_path", ""),
        traceback=fields.pop("traceback", ""), worker_ids=fields.pop("worker_ids", ["w1"]), **fields)
    Report.objects.filter(pk=report.pk).update(draft_status=DraftStatus.RUNNING, draft_task_id=str(row.pk),
                                               draft_progress=0)
    report.refresh_from_db()
    return row


def test_a_draft_whose_worker_died_shows_failed_with_the_reason_and_try_again(client, secretariat, report):
    _task_row(report, "FAILED", exception_class_path="tutela.core.jobs.WorkerDied",
              traceback="The worker w1 stopped (no heartbeat since …) while it ran this task; it was not run again.")
    client.force_login(secretariat)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "job-progress job-failed" in page and "Drafting from the records" in page
    assert "stopped before it finished" in page and "Nothing in the report was changed." in page
    assert "WorkerDied" not in page  # plain words, not the exception
    assert f'action="/reports/{report.pk}/draft/retry/"' in page and "Try again" in page
    assert "hx-trigger" not in page  # a failed draft is not polled

    fragment = client.get(f"/reports/{report.pk}/progress/", headers={"HX-Request": "true"}).content.decode()
    assert "job-progress job-failed" in fragment and "Try again" in fragment and "hx-trigger" not in fragment
    state = client.get(f"/reports/{report.pk}/progress/").json()
    assert state["state"] == "failed" and state["finished"] and state["failed"] and "stopped" in state["reason"]

    api = client.get(f"/api/v1/reports/{report.pk}").json()
    assert api["drafting"] == "failed" and "stopped before it finished" in api["drafting_error"]


def test_try_again_queues_the_draft_anew_and_is_audited(client, secretariat, report,
                                                         django_capture_on_commit_callbacks):
    _task_row(report, "FAILED", exception_class_path="tutela.core.jobs.WorkerDied")
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/reports/{report.pk}/draft/retry/", follow=True)
    assert len(callbacks) == 1  # the task was enqueued on commit (tests run it inline)
    report.refresh_from_db()
    assert report.draft_status == DraftStatus.DONE and report.drafted_at is not None and not report.draft_error
    assert "job-failed" not in response.content.decode()
    entry = AuditEntry.objects.get(action="report.draft_retried")
    assert entry.actor == secretariat and "stopped before it finished" in str(entry.changes)


def test_try_again_is_refused_when_nothing_failed(client, secretariat, report):
    client.force_login(secretariat)
    response = client.post(f"/reports/{report.pk}/draft/retry/", follow=True)
    assert "nothing to try again" in response.content.decode()
    assert not AuditEntry.objects.filter(action="report.draft_retried").exists()


def test_a_running_draft_is_polled_and_the_poll_stops_when_it_is_done(client, secretariat, report):
    row = _task_row(report, "RUNNING")
    client.force_login(secretariat)
    page = client.get(report.get_absolute_url()).content.decode()
    assert f'hx-get="/reports/{report.pk}/progress/"' in page and "Drafting from the records" in page
    row.status = "SUCCESSFUL"
    row.save()
    Report.objects.filter(pk=report.pk).update(draft_status=DraftStatus.DONE, draft_progress=100)
    response = client.get(f"/reports/{report.pk}/progress/", headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true" and "hx-trigger" not in response.content.decode()
    assert client.get(f"/reports/{report.pk}/progress/").json()["finished"] is True


def test_a_draft_queued_again_after_its_worker_died_says_so(client, secretariat, report):
    _task_row(report, "READY", worker_ids=["w1"])
    client.force_login(secretariat)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "queued to run again" in page and "hx-trigger" in page


def test_a_draft_that_raises_in_the_worker_says_why(secretariat, report, monkeypatch):
    from tutela.reports import drafting, tasks

    def broken(_report, progress=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(drafting, "build", broken)
    monkeypatch.setattr(selectors, "BACKGROUND_THRESHOLD", -1)
    services.report_draft_or_schedule(actor=secretariat, report=report)  # tests run the task inline on commit
    result = tasks.draft_report.enqueue(report_id=report.pk, actor_id=secretariat.pk)
    assert result.status == "FAILED"
    report.refresh_from_db()
    job = selectors.draft_job(report)
    assert job.failed and "unexpected error (RuntimeError)" in job.reason and not job.active
    assert not report.paragraphs.exists()
