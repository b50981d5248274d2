from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tutela.activities.models import Activity
from tutela.core.progress import Progress

from .models import DraftStatus, Report, ReportFile

# Above this many activities in the period, drafting runs as a background task.
BACKGROUND_THRESHOLD = 2000


def reports_for(user, queryset=None):
    from tutela.core import access

    return access.readable(user, queryset if queryset is not None else Report.objects.all())


def activity_count_in_period(report: Report) -> int:
    return Activity.objects.filter(starts_on__lte=report.period_end, ends_on__gte=report.period_start).count()


@dataclass(frozen=True)
class DraftJob:
    """Where a background draft is: ``state`` is a ``DraftStatus`` value ("" when none ran), ``reason`` why it failed."""

    state: str
    reason: str = ""
    progress: int = 0
    requeued: bool = False

    @property
    def active(self) -> bool:
        """Still to finish: the page keeps polling only while this is true."""
        return self.state in (DraftStatus.QUEUED, DraftStatus.RUNNING)

    @property
    def failed(self) -> bool:
        return self.state == DraftStatus.FAILED


WORKER_DIED = "tutela.core.jobs.WorkerDied"


def _task_row(task_id: str):
    from django_tasks_db.models import DBTaskResult

    try:
        return DBTaskResult.objects.filter(pk=task_id).only(
            "status", "exception_class_path", "worker_ids").first()
    except (ValidationError, ValueError):  # not a database task's id (tasks ran inline)
        return None


def draft_job(report: Report) -> DraftJob:
    """The state of ``report``'s background draft, from the report and, while it runs, its task row.

    A worker that died never reaches the report: the task sweep (``tutela.core.jobs.sweep_tasks``)
    marks its task failed (``WorkerDied``) or queues it again, and this reads that.
    """
    state = report.draft_status
    if state in (DraftStatus.QUEUED, DraftStatus.RUNNING) and report.draft_task_id:
        row = _task_row(report.draft_task_id)
        if row is not None and row.status == "FAILED":
            if row.exception_class_path == WORKER_DIED:
                reason = _("The worker that was drafting this report stopped before it finished (it was restarted "
                           "or ran out of memory). Nothing in the report was changed.")
            else:
                reason = report.draft_error or _("Drafting stopped on an unexpected error. It was logged; nothing in "
                                                 "the report was changed.")
            return DraftJob(DraftStatus.FAILED, reason, report.draft_progress)
        if row is not None and row.status == "READY" and row.worker_ids:
            return DraftJob(DraftStatus.QUEUED, "", report.draft_progress, requeued=True)
    return DraftJob(state, report.draft_error if state == DraftStatus.FAILED else "", report.draft_progress)


def drafts(user):
    """Reports ``user`` may read that are not signed off yet, most recently changed first."""
    return reports_for(user).exclude(status=Report.Status.FINAL).order_by("-updated_at", "-id")


def period_preview(report: Report) -> list:
    """The period preview: every candidate record with its reason and the editor's choice (``drafting.Candidate``)."""
    from . import drafting

    return drafting.preview(report)


def draft_progress(report: Report, job: DraftJob, poll_url: str = "") -> Progress:
    """The background draft as the shared progress component shows it (drafting reports 0 % until it is written)."""
    from tutela.core.progress import DONE, FAILED, QUEUED, RUNNING

    states: dict[str, str] = {DraftStatus.QUEUED: QUEUED, DraftStatus.RUNNING: RUNNING, DraftStatus.FAILED: FAILED}

    state = states.get(job.state, DONE)
    return Progress(key="drafting", title=_("Drafting from the records"), state=state, done=job.progress, total=100,
                    finished_at=report.drafted_at if state == DONE else None, error=job.reason, poll_url=poll_url,
                    outcome=_("The worker drafting this report stopped; the draft is queued to run again.")
                    if job.requeued else "")


def file_progress(file: ReportFile, poll_url: str = "") -> Progress:
    """A PDF made by the worker: WeasyPrint's steps as a percentage, timed from when it was asked for."""
    from tutela.core.progress import DONE, FAILED, QUEUED, RUNNING

    states: dict[str, str] = {ReportFile.Status.QUEUED: QUEUED, ReportFile.Status.RUNNING: RUNNING,
             ReportFile.Status.FAILED: FAILED}

    state = states.get(file.status, DONE)
    return Progress(key="file-progress", title=_("Making the %(fmt)s") % {"fmt": file.get_format_display()},
                    state=state, done=file.progress, total=100, started_at=file.created_at,
                    finished_at=file.finished_at, poll_url=poll_url,
                    error=_("The file could not be made. The error was logged; try again from the report's page.")
                    if state == FAILED else "")
