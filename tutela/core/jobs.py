"""Jobs that cannot get stuck: a lease on every running job, and a sweep for the ones whose worker died.

A job row (an import, say) is *claimed* by the process that runs it: ``claim`` moves it to running
and records the worker's name, ``heartbeat_at`` and ``lease_until``. While the process lives, its
heartbeat (``run_worker``'s beat thread, every ``WORKER_HEARTBEAT_SECONDS``) pushes the lease of
every job it holds forward. A worker that is SIGKILLed stops renewing; once ``lease_until`` has
passed, ``sweep`` (run by the worker at start, on every few beats, and by a job's page when it
asks) hands the job to its app's sweeper, which resumes it (queues it again) or fails it with a
reason and a "try again" action. An app's work is one transaction that also writes the job's final
status, so a killed job has applied nothing and a resumed one starts clean.

Task rows of ``django_tasks_db`` get the same treatment: a task left "running" by a worker whose
heartbeat has stopped is queued again when it is safe to repeat (tasks marked ``@jobs.resumable``:
drafting, mail whose service records what it sent) and at most ``MAX_ATTEMPTS`` times; otherwise it is
marked failed with the reason.
"""

import contextvars
import datetime
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from .access import Actor

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# Tasks that may run again after their worker died: each is one transaction, or checks what it did.
# Each app marks its own with ``@jobs.resumable`` (core sits below the apps that own the tasks).
RESUMABLE_TASKS: set[str] = set()


def resumable(task: Any) -> Any:
    """Mark a ``django.tasks`` task as safe to run again after its worker died; returns it unchanged."""
    RESUMABLE_TASKS.add(task.module_path)
    return task


_state = {"worker": f"{socket.gethostname()}:{os.getpid()}"[:64]}
_held: dict[type[models.Model], set[int]] = {}
_lock = threading.Lock()
_sweepers: list[Callable[..., int]] = []


def worker_name() -> str:
    return _state["worker"]


def set_worker_name(name: str) -> None:
    _state["worker"] = name[:64]


def lease_seconds() -> int:
    return int(getattr(settings, "JOB_LEASE_SECONDS", 60))


def lease_until(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(seconds=lease_seconds())


class LeasedJob(models.Model):
    """Fields of a job row that a worker claims and keeps alive (see the module docstring)."""

    worker = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    @property
    def is_dead(self) -> bool:
        """Running, but nobody has renewed its lease in time: its worker died."""
        return (self.status == "running" and self.lease_until is not None  # type: ignore[attr-defined]
                and self.lease_until < timezone.now())


def claim(model: type[models.Model], pk: int, *, from_status: str, to_status: str = "running", **fields: Any) -> bool:
    """Take job ``pk`` for this process if it is still ``from_status``; commits at once."""
    now = timezone.now()
    with transaction.atomic():
        taken = model._default_manager.filter(pk=pk, status=from_status).update(
            status=to_status, worker=worker_name(), heartbeat_at=now, lease_until=lease_until(now),
            attempts=F("attempts") + 1, **fields)
    if taken:
        with _lock:
            _held.setdefault(model, set()).add(pk)
    return bool(taken)


def finish(model: type[models.Model], pk: int, **fields: Any) -> bool:
    """Write a running job's outcome, only while this process still holds it.

    False when the sweep gave the job to another worker meanwhile (its lease ran out): the caller
    then rolls back what it wrote, so the job is applied once.
    """
    return bool(model._default_manager.filter(pk=pk, status="running", worker=worker_name()).update(**fields))


def release(model: type[models.Model], pk: int) -> None:
    with _lock:
        _held.get(model, set()).discard(pk)


def renew() -> int:
    """Push forward the lease of every job this process holds (called by the worker's heartbeat)."""
    with _lock:
        held = {model: set(pks) for model, pks in _held.items() if pks}
    now = timezone.now()
    renewed = 0
    for model, pks in held.items():
        renewed += model._default_manager.filter(pk__in=pks, worker=worker_name(), status="running").update(
            heartbeat_at=now, lease_until=lease_until(now))
    return renewed


def register_sweeper(sweeper: Callable[..., int]) -> None:
    """An app's ``sweeper()`` resumes or fails its dead jobs and returns how many it handled."""
    if sweeper not in _sweepers:
        _sweepers.append(sweeper)


def sweep() -> int:
    """Resume or fail every job and task whose worker died. Safe to run from any process, any time."""
    handled = 0
    for sweeper in list(_sweepers):
        try:
            handled += sweeper()
        except Exception:  # one app's sweeper must not stop the others (e.g. SQLite busy)
            logger.exception("job sweep failed in %s", getattr(sweeper, "__qualname__", sweeper))
    try:
        handled += sweep_tasks()
    except Exception:
        logger.exception("task sweep failed")
    return handled


def sweep_tasks() -> int:
    """Task rows left running by a worker whose heartbeat stopped: queue again or fail with the reason."""
    if getattr(settings, "TASKS_MODE", "immediate") != "db":
        return 0
    from django.utils.module_loading import autodiscover_modules
    from django_tasks_db.models import DBTaskResult

    autodiscover_modules("tasks")  # so every app's @jobs.resumable has run, as admin finds admin.py

    from .models import WorkerHeartbeat

    now = timezone.now()
    stale = now - datetime.timedelta(seconds=lease_seconds())
    live = set(WorkerHeartbeat.objects.filter(last_seen__gte=stale).values_list("name", flat=True))
    handled = 0
    for result in DBTaskResult.objects.filter(status="RUNNING", started_at__lt=stale):
        last = result.worker_ids[-1] if result.worker_ids else ""
        if last in live:
            continue
        again = result.task_path in RESUMABLE_TASKS and len(result.worker_ids) < MAX_ATTEMPTS
        rows = DBTaskResult.objects.filter(pk=result.pk, status="RUNNING")
        if again:
            handled += rows.update(status="READY", run_after=now)
        else:
            handled += rows.update(
                status="FAILED", finished_at=now, exception_class_path="tutela.core.jobs.WorkerDied",
                traceback=f"The worker {last or '?'} stopped (no heartbeat since {stale:%Y-%m-%d %H:%M:%S} UTC) "
                          f"while it ran this task; it was not run again.")
        logger.warning("task %s (%s) of dead worker %s %s", result.pk, result.task_path, last,
                       "queued again" if again else "marked failed")
    return handled


def dead_reason(job: Any) -> str:
    from django.utils.translation import gettext as _

    when = f"{job.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC" if job.heartbeat_at else "?"
    return _("The worker running this job (%(worker)s) stopped at %(time)s, before it finished. "
             "Nothing was saved.") % {"worker": job.worker or "?", "time": when}


def sweep_dead(model: type[models.Model], *, action: str, enqueue: Callable[[int], Any], job_id: int | None = None,
               resume_fields: dict | None = None, fail_fields: Callable[[Any, str], dict]) -> int:
    """Resume (queue again, ``enqueue(pk)`` on commit) or, after ``MAX_ATTEMPTS`` runs, fail each job of
    ``model`` whose lease expired while running. Conditional updates: two sweeps never both act on one job."""
    from functools import partial

    from . import audit

    # Any: ``model`` is a LeasedJob with its own status and finish fields, which the mixin does not declare.
    dead: models.QuerySet[Any] = model._default_manager.filter(status="running", lease_until__lt=timezone.now())
    if job_id is not None:
        dead = dead.filter(pk=job_id)
    handled = 0
    for job in dead:
        reason = dead_reason(job)
        with transaction.atomic():
            same = model._default_manager.filter(pk=job.pk, status="running", worker=job.worker, lease_until__lt=timezone.now())
            if job.attempts < MAX_ATTEMPTS:
                if not same.update(status="queued", worker="", lease_until=None, **(resume_fields or {})):
                    continue
                audit.record(actor=None, action=f"{action}.resumed", target=job,
                             changes={"attempt": [job.attempts, job.attempts + 1], "reason": ["", reason]})
                transaction.on_commit(partial(enqueue, job.pk))
            else:
                if not same.update(status="failed", finished_at=timezone.now(), **fail_fields(job, reason)):
                    continue
                audit.record(actor=None, action=f"{action}.worker_died", target=job,
                             changes={"status": ["running", "failed"], "reason": ["", reason]})
            handled += 1
        logger.warning("%s %s: worker %s died; %s", model.__name__, job.pk, job.worker,
                       "queued again" if job.attempts < MAX_ATTEMPTS else "failed")
    return handled


# --- File imports: a table file checked (dry run) or imported by the worker --------------------


class FileImportJob(LeasedJob):
    """A file of rows for the worker to check (dry run) or import, never in a web request.

    Each app's import model adds what the rows go into (a cohort, a list), ``__str__``, its
    ``verbose_name`` and the ``file`` field again with its own ``upload_to``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Queued")
        RUNNING = "running", gettext_lazy("Running")
        CHECKED = "checked", gettext_lazy("Checked (nothing saved)")
        IMPORTED = "imported", gettext_lazy("Imported")
        FAILED = "failed", gettext_lazy("Failed (nothing saved)")

    file = models.FileField(gettext_lazy("file"))
    original_name = models.CharField(gettext_lazy("file name"), max_length=200)
    dry_run = models.BooleanField(gettext_lazy("dry run"), default=True)
    status = models.CharField(gettext_lazy("status"), max_length=10, choices=Status, default=Status.QUEUED)
    # {"rows": [{"line", "label", "errors"}] (only lines with errors), "created": n, "total": n, "file_error": ""}
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.CHECKED, self.Status.IMPORTED, self.Status.FAILED}


@dataclass
class ImportReport:
    """What a (dry) import did or would do, line by line: ``{"line", "label", "errors"}`` per row."""

    dry_run: bool
    rows: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return all(not r["errors"] for r in self.rows)


PROGRESS_EVERY = 50  # rows between two progress reports of a file import
# The progress callback of the file import this worker thread is running (set by ``run_file_import``,
# read by ``import_rows``), so the apps' own apply functions need not pass it along.
_current_progress: contextvars.ContextVar[Callable[[int, int], Any] | None] = contextvars.ContextVar(
    "file_import_progress", default=None)


class _Rollback(Exception):
    """A dry run, or a row refused: undo every row of the import."""


def import_rows(rows: list[dict[str, Any]], apply_row: Callable[[int, dict[str, Any]], str | None], *, dry_run: bool,
                label: Callable[[dict[str, Any]], str], done: Callable[[ImportReport], Any],
                progress: Callable[[int, int], Any] | None = None) -> ImportReport:
    """Import ``rows`` (the file's line 2 onwards) all or nothing, checking every one.

    ``apply_row(line, row)`` writes one row through the app's service, in its own savepoint, and
    returns the label to show for it (or None to keep ``label(row)``); a ValidationError it raises
    is the line's errors, and the other rows go on being checked. When every row passed and this is
    not a dry run, ``done(report)`` (the app's audit entry for the whole file) runs in the same
    transaction; otherwise everything is rolled back, and ``created`` says what a real run would add
    (a dry run) or 0 (a refused file). ``progress(done, total)``, when given, hears how many rows are
    through, every ``PROGRESS_EVERY`` rows (``run_file_import`` passes ``progress.write_rows``)."""
    report = ImportReport(dry_run=dry_run)
    progress = progress or _current_progress.get(None)
    try:
        with transaction.atomic():
            for line, row in enumerate(rows, start=2):
                if progress is not None and (line - 2) % PROGRESS_EVERY == 0:
                    progress(line - 2, len(rows))
                entry: dict[str, Any] = {"line": line, "errors": [], "label": label(row)}
                report.rows.append(entry)
                try:
                    with transaction.atomic():
                        shown = apply_row(line, row)
                except ValidationError as exc:
                    entry["errors"] = [str(m) for msgs in getattr(exc, "message_dict", {"": exc.messages}).values()
                                       for m in msgs]
                else:
                    report.created += 1
                    if shown is not None:
                        entry["label"] = shown
            if dry_run or not report.ok:
                raise _Rollback
            done(report)
    except _Rollback:
        if not dry_run:
            report.created = 0
    return report


def queue_file_import[J: FileImportJob](job: J, *, upload: Any, name: str, stem: str, actor: Actor | None, action: str,
                                        enqueue: Callable[[int], Any]) -> J:
    """Store ``upload`` (already vetted by the app's form) on the unsaved ``job``, audit ``action`` and
    queue ``enqueue(pk)`` after commit. The caller has asked access and set what the rows go into."""
    from django.core.files.base import File

    from . import audit

    extension = "xlsx" if name.lower().endswith(".xlsx") else "csv"
    with transaction.atomic():
        job.original_name = os.path.basename(name)[:200]
        job.file.save(f"{stem}.{extension}", File(upload), save=False)
        job.save()
        audit.record(actor=actor, action=action, target=job)
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


class _Superseded(Exception):
    """The sweep gave the job to another worker while this one ran it: roll back what it wrote."""


def run_file_import[J: FileImportJob](
    model: type[J],
    job_id: int,
    *,
    read_rows: Callable[..., list[dict[str, Any]]],
    apply: Callable[[J, list[dict[str, Any]]], ImportReport],
    refused: str,
    related: tuple[str, ...] = (),
    keep_rows: int | None = None,
) -> J:
    """The worker's half of a file import: claim the job, read its file with ``read_rows(fh, name=)``
    (the app's limits), ``apply(job, rows)`` (the app's all-or-nothing import, which rolls itself back
    on a dry run or a bad row) and write the outcome, all in one transaction: a killed worker leaves
    neither rows nor outcome. A file that cannot be read, or a refusal (``refused`` is the sentence
    for PermissionDenied), fails the job with the reason. ``keep_rows`` caps the error lines kept."""
    from . import progress
    from .files import FileProblem

    job = model._default_manager.select_related(*related).get(pk=job_id)
    if not claim(model, job.pk, from_status=model.Status.QUEUED):
        return job
    Status = model.Status
    progress.write_rows(job, 0, 0, started=timezone.now())
    token = _current_progress.set(lambda done, total: progress.write_rows(job, done, total))
    try:
        with transaction.atomic():
            outcome: dict[str, Any] = {"rows": [], "created": 0, "file_error": ""}
            try:
                with job.file.open("rb") as fh:
                    rows = read_rows(fh, name=job.original_name)
                report = apply(job, rows)
                outcome.update(rows=[r for r in report.rows if r["errors"]][:keep_rows], created=report.created,
                               total=len(report.rows))
                status = Status.FAILED if not report.ok else Status.CHECKED if job.dry_run else Status.IMPORTED
            except FileProblem as exc:
                outcome["file_error"], status = exc.message, Status.FAILED
            except ValidationError as exc:
                outcome["file_error"], status = " ".join(exc.messages), Status.FAILED
            except ValueError as exc:
                outcome["file_error"] = gettext("The file could not be read: %(e)s") % {"e": exc}
                status = Status.FAILED
            except PermissionDenied:
                outcome["file_error"], status = refused, Status.FAILED
            if not finish(model, job.pk, status=status, report=outcome, finished_at=timezone.now()):
                raise _Superseded
    except _Superseded:
        pass
    finally:
        _current_progress.reset(token)
        progress.clear_rows(job)
        release(model, job.pk)
    job.refresh_from_db()
    return job


def sweep_file_imports(model: type[FileImportJob], *, action: str, enqueue: Callable[[int], Any],
                       job_id: int | None = None) -> int:
    """File imports whose worker died: queued again, or failed with the reason (``sweep_dead``)."""

    def failed(job: Any, reason: str) -> dict:
        return {"report": {"rows": [], "created": 0, "worker_died": True, "file_error": reason}}

    return sweep_dead(model, action=action, job_id=job_id, enqueue=enqueue, fail_fields=failed)
