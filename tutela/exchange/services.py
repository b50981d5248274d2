"""Import jobs: store an upload, check it (dry run), import it all-or-nothing or the valid rows only.

One code path does both the dry run and the import: every row goes through the owning app's
service inside one transaction (a savepoint per row), so a dry run applies exactly the checks an
import would (including duplicates *within* the file), and is then rolled back. An import in mode
``all`` is rolled back too if any row is bad; in mode ``valid`` only the bad rows' savepoints are.
"""

import datetime
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import nullcontext
from functools import partial
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.core import access, audit, jobs
from tutela.core.access import Actor, User

from .files import FileProblem, check_upload, count_rows, open_rows
from .kinds import KINDS, Context, RowProblems
from .models import ImportJob

logger = logging.getLogger(__name__)

MAX_REPORTED_ROWS = 2000  # problems kept in the report; all are counted
PROGRESS_EVERY = 500


def may_import(user: Actor) -> bool:
    """Secretariat, or a focal point (who may add records their own organisation owns)."""
    return access.can_create(user, access.user_organisation_ids(user))


@transaction.atomic
def import_job_create(*, actor: User, kind: str, upload: IO[bytes], name: str, size: int) -> ImportJob:
    """Store an uploaded file for ``kind``. Raises FileProblem (413/422) before storing anything unreadable."""
    if not may_import(actor):
        raise PermissionDenied
    if kind not in KINDS:
        raise ValidationError({"kind": _("Choose what the file holds: activities, organisations or figures.")})
    fmt = check_upload(upload, name, size)
    job = ImportJob(kind=kind, file_format=fmt, original_name=os.path.basename(name)[:255], size=size, created_by=actor)
    job.file.save(f"{kind}.{fmt}", File(upload), save=False)
    job.save()
    audit.record(actor=actor, action="import_job.created", target=job)
    return job


@transaction.atomic
def import_job_start(*, actor: Actor, job: ImportJob, mode: str) -> ImportJob:
    """Queue a dry run (``check``) or an import (``all`` / ``valid``) for the worker."""
    if actor is not None and not access.can_write(actor, job):
        raise PermissionDenied
    if mode not in ImportJob.Mode.values:
        raise ValidationError({"mode": _("Unknown mode.")})
    job.refresh_from_db()
    dead = job.is_dead  # its worker died: starting it again is always allowed (the sweep would anyway)
    if not dead and job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING) and job.mode != ImportJob.Mode.CHECK:
        raise ValidationError(_("This file is already being imported."))
    if job.status == ImportJob.Status.IMPORTED:
        raise ValidationError(_("This file has already been imported. Upload it again to import it again."))
    before = audit.snapshot(job, ["mode", "status"])
    ImportJob.objects.filter(pk=job.pk).update(mode=mode, status=ImportJob.Status.QUEUED, processed_rows=0,
                                               attempts=0, worker="", lease_until=None, report={})
    job.refresh_from_db()
    audit.record(actor=actor, action=f"import_job.{mode}", target=job, before=before)
    from .tasks import run_import_job

    # Always in the worker, never in the web request, however small the file (inline in tests).
    transaction.on_commit(partial(run_import_job.enqueue, job_id=job.pk))
    return job


def import_jobs_sweep(*, job_id: int | None = None) -> int:
    """Jobs whose worker died (running, lease expired): queue them again, or after ``jobs.MAX_ATTEMPTS``
    runs fail them with the reason; the job page then offers "try again". Nothing of a dead run was
    applied (the rows and the final status commit together), so a resumed run starts clean."""
    from .tasks import run_import_job

    def failed(job: ImportJob, reason: str) -> dict:
        return {"processed_rows": 0, "imported_rows": 0, "report": {
            "mode": job.mode, "problems": [], "worker_died": True,
            "file_error": reason + " " + _("It was tried %(n)s times; try again, or split the file.") % {"n": job.attempts}}}

    return jobs.sweep_dead(ImportJob, action="import_job", job_id=job_id,
                           enqueue=lambda pk: run_import_job.enqueue(job_id=pk),
                           resume_fields={"processed_rows": 0}, fail_fields=failed)


def progress_path(job_id: int) -> Path:
    """Live progress of a running job. A file, because the job's own row is inside the import's transaction."""
    return Path(settings.VAR_DIR) / "exchange-progress" / f"{job_id}.json"


def read_progress(job: ImportJob) -> int:
    if job.status != ImportJob.Status.RUNNING:
        return job.processed_rows
    try:
        return int(json.loads(progress_path(job.pk).read_text())["processed"])
    except (OSError, ValueError, KeyError):
        return job.processed_rows


def progress_started(job: ImportJob) -> datetime.datetime | None:
    """When the worker began this run (for the time-left estimate); None when unknown."""
    try:
        return datetime.datetime.fromisoformat(json.loads(progress_path(job.pk).read_text())["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_progress(job_id: int, processed: int, started: str | None = None) -> None:
    path = progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    if started is None:
        try:
            started = json.loads(path.read_text()).get("started")
        except (OSError, ValueError):
            started = None
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"processed": processed, "started": started}))
    tmp.replace(path)


class _RollBack(Exception):
    pass


BULK_BATCH = 5000  # rows checked and written together on the bulk path


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(rows, size)):
        yield batch


def bulk_min_rows() -> int:
    """Files of a kind with a bulk path and at least this many rows take it (see docs/exchange.md)."""
    return int(getattr(settings, "EXCHANGE_BULK_MIN_ROWS", 1000))


def file_sha256(job: ImportJob) -> str:
    digest = hashlib.sha256()
    with job.file.storage.open(job.file.name or "", "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _cells(names: list[str], number: int, cells: list[str]) -> tuple[int, dict[str, str], list[str]]:
    row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)}
    return number, row, [c for c in cells[len(names):] if c]


def _extra_cells(extra: list[str]) -> RowProblems:
    return RowProblems([("", _("This row has %(n)s more cell(s) than there are columns.") % {"n": len(extra)})])


def _check_batch(spec: Any, names: list[str], batch: list, ctx: Context, bad: Any) -> list:
    """Bulk path: the records of a batch's valid rows, each row checked by ``Kind.build`` (the owning
    app's rules, the same as the row path's); bad rows go to ``bad`` with their number and columns."""
    spec.prefetch(names, batch, ctx)
    records = []
    for number, cells in batch:
        number, row, extra = _cells(names, number, cells)
        try:
            if extra:
                raise _extra_cells(extra)
            records.append(spec.build(row, ctx))
        except RowProblems as exc:
            bad(number, exc)
    return records


def _raw_file(fh: Any) -> Any:
    """The file object under Django's wrappers (FieldFile → File → the storage's file): the CSV reader
    asks its file whether it is ``closed`` for every line, and each wrapper answers in Python."""
    while getattr(fh, "file", None) is not None:
        fh = fh.file
    return fh


class _Superseded(Exception):
    pass


def _import_job_work(job: ImportJob, spec: Any, bulk: bool) -> None:
    """The body of ``import_job_run``, inside its transaction."""
    job.refresh_from_db()
    delay = float(getattr(settings, "EXCHANGE_TEST_ROW_DELAY", 0))
    counts = {"rows": 0, "valid": 0, "bad": 0, "imported": 0}
    problems: list[dict] = []
    file_problem: FileProblem | None = None
    started = timezone.now()
    ctx = Context(actor=job.created_by)
    writing = job.mode != ImportJob.Mode.CHECK

    def bad(number: int, exc: RowProblems) -> None:
        counts["bad"] += 1
        for column, message in exc.problems:
            if len(problems) < MAX_REPORTED_ROWS:
                problems.append({"row": number, "column": column, "message": message})

    def write(records: list) -> None:
        # Mode "all" stops writing at the first bad row (everything is rolled back at the end anyway).
        if writing and records and not (job.mode == ImportJob.Mode.ALL and counts["bad"]):
            counts["imported"] += spec.insert(records)

    try:
        with job.file.open("rb") as fh, open_rows(_raw_file(fh), job.file_format) as (header, rows):
            names = spec.check_header(header)
            try:
                with transaction.atomic():
                    if bulk:
                        with spec.writing() if writing else nullcontext():
                            for batch in _batches(rows, BULK_BATCH):
                                records = _check_batch(spec, names, batch, ctx, bad)
                                counts["rows"] += len(batch)
                                counts["valid"] = counts["rows"] - counts["bad"]
                                write(records)
                                _write_progress(job.pk, counts["rows"])
                    else:
                        for number, cells in rows:
                            counts["rows"] += 1
                            number, row, extra = _cells(names, number, cells)
                            try:
                                if extra:
                                    raise _extra_cells(extra)
                                with transaction.atomic():
                                    spec.apply(row, ctx)
                                counts["valid"] += 1
                            except RowProblems as exc:
                                bad(number, exc)
                            if counts["rows"] % PROGRESS_EVERY == 0:
                                _write_progress(job.pk, counts["rows"])
                            if delay:
                                time.sleep(delay)  # tests: a job slow enough to kill its worker mid-way
                        if writing:
                            counts["imported"] = counts["valid"]
                    if job.mode == ImportJob.Mode.CHECK or (job.mode == ImportJob.Mode.ALL and counts["bad"]):
                        counts["imported"] = 0
                        raise _RollBack
                    audit.record(actor=job.created_by, action="import_job.imported", target=job,
                                 changes={"imported_rows": [0, counts["imported"]], "skipped_rows": [0, counts["bad"]],
                                          "file_sha256": ["", file_sha256(job)],
                                          "path": ["", "bulk" if bulk else "rows"]})
            except _RollBack:
                pass
    except FileProblem as exc:
        file_problem = exc
    if file_problem is None and counts["rows"] == 0:
        file_problem = FileProblem(_("The file has column names but no rows."))
    if file_problem is not None:
        status = ImportJob.Status.FAILED
    elif job.mode == ImportJob.Mode.CHECK:
        status = ImportJob.Status.CHECKED
    elif counts["imported"]:
        status = ImportJob.Status.IMPORTED
    else:
        status = ImportJob.Status.FAILED
    report = {
        "mode": job.mode,
        "file_error": file_problem.message if file_problem else "",
        "problems": problems,
        "problems_truncated": len(problems) >= MAX_REPORTED_ROWS,
        "seconds": round((timezone.now() - started).total_seconds(), 2),
        "path": "bulk" if bulk else "rows",
    }
    still_ours = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING, worker=jobs.worker_name())
    if not still_ours.update(
        status=status, total_rows=counts["rows"], processed_rows=counts["rows"], valid_rows=counts["valid"],
        error_rows=counts["bad"], imported_rows=counts["imported"], report=report, finished_at=timezone.now(),
    ):
        # The sweep found this job's lease expired and gave it to another run: apply nothing.
        raise _Superseded
    logger.info("import job %s (%s, %s): %s rows, %s bad, %s imported in %ss", job.pk, job.kind, job.mode,
                counts["rows"], counts["bad"], counts["imported"], report["seconds"])


def import_job_run(*, job_id: int) -> ImportJob:
    """Do the work of a queued job, in one transaction; commit only what the mode allows.

    Row path: every row through its app's create service (audited per row, a savepoint per row).
    Bulk path (kinds with ``bulk``, files of at least ``bulk_min_rows()`` rows): every row is checked
    by the same service rules as the row path, without queries (``Kind.build``, lookups loaded once per
    run or batch), valid rows are written per batch with COPY / a multi-row INSERT (``Kind.insert``),
    and the job gets one audit entry with the counts and the file's SHA-256 instead of one per row.
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job
    spec = KINDS[job.kind]
    with job.file.open("rb") as fh:
        total = count_rows(fh, job.file_format)
    bulk = spec.bulk and total >= bulk_min_rows()
    if not jobs.claim(ImportJob, job.pk, from_status=ImportJob.Status.QUEUED, total_rows=total, processed_rows=0):
        return job  # another worker took it
    _write_progress(job.pk, 0, started=timezone.now().isoformat())
    try:
        with transaction.atomic():  # the rows AND the job's final status: a killed worker leaves neither
            _import_job_work(job, spec, bulk)
    except _Superseded:
        logger.warning("import job %s: its lease expired and the sweep gave it to another run; nothing applied", job.pk)
    finally:
        jobs.release(ImportJob, job.pk)
    progress_path(job.pk).unlink(missing_ok=True)
    job.refresh_from_db()
    return job
