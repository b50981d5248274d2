"""Import and export through the API: start an import (multipart), follow it, export.

The same services as the web pages: a dry run by default; ``dry_run=false`` imports all rows or
nothing, and ``valid_only=true`` imports the valid rows and leaves out the bad ones.
"""

from datetime import datetime

from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from tutela.core import access
from tutela.core.api import ERRORS, PUBLIC, SIGNED_IN, ApiRequest, Id, SignedInApiRequest

from . import services
from .exports import export_response
from .files import FileProblem
from .models import ImportJob

router = Router(tags=["exchange"])


class Problem(Schema):
    row: int
    column: str
    message: str


class ImportJobOut(Schema):
    id: int
    kind: str
    file_format: str
    original_name: str
    mode: str
    status: str
    total_rows: int
    processed_rows: int
    valid_rows: int
    error_rows: int
    imported_rows: int
    file_error: str
    problems: list[Problem]
    created_at: datetime
    finished_at: datetime | None


def _out(job: ImportJob) -> dict:
    report = job.report or {}
    return {
        **{f: getattr(job, f) for f in ("id", "kind", "file_format", "original_name", "mode", "status", "total_rows",
                                        "valid_rows", "error_rows", "imported_rows", "created_at", "finished_at")},
        "processed_rows": services.read_progress(job),
        "file_error": report.get("file_error", ""),
        "problems": report.get("problems", []),
    }


def _mode(dry_run: bool, valid_only: bool) -> str:
    if dry_run:
        return ImportJob.Mode.CHECK
    return ImportJob.Mode.VALID if valid_only else ImportJob.Mode.ALL


@router.post("/imports", response={202: ImportJobOut, **ERRORS}, auth=SIGNED_IN, summary="Upload a CSV or XLSX file to check or import")
def import_start(request: SignedInApiRequest, kind: Form[str], file: File[UploadedFile], dry_run: Form[bool] = True,
                 valid_only: Form[bool] = False):
    """``kind``: activities, organisations or figures. Small files are done when this answers; poll
    ``GET /imports/{id}`` until ``status`` is checked, imported or failed."""
    try:
        job = services.import_job_create(actor=request.auth, kind=kind, upload=file, name=file.name or "", size=file.size or 0)
    except FileProblem as exc:
        raise HttpError(exc.status, exc.message) from exc
    services.import_job_start(actor=request.auth, job=job, mode=_mode(dry_run, valid_only))
    job.refresh_from_db()
    return Status(202, _out(job))


@router.get("/imports/{job_id}", response={200: ImportJobOut, **ERRORS}, auth=SIGNED_IN, summary="An import's status and report")
def import_status(request: SignedInApiRequest, job_id: Id):
    return _out(access.get_for_user(request.auth, ImportJob, job_id))


class ApplyIn(Schema):
    valid_only: bool = False


@router.post("/imports/{job_id}/apply", response={202: ImportJobOut, **ERRORS}, auth=SIGNED_IN, summary="Import a checked file")
def import_apply(request: SignedInApiRequest, job_id: Id, payload: ApplyIn):
    """All rows or nothing; with ``valid_only`` the bad rows are left out and the others imported."""
    job = access.get_for_user(request.auth, ImportJob, job_id, write=True)
    services.import_job_start(actor=request.auth, job=job, mode=_mode(False, payload.valid_only))
    job.refresh_from_db()
    return Status(202, _out(job))


@router.get("/export/{kind}.{fmt}", response={200: None, **ERRORS}, auth=PUBLIC, summary="Export as CSV or XLSX")
def export(request: ApiRequest, kind: str, fmt: str):
    """``kind``: activities, organisations, figures; ``fmt``: csv or xlsx. Takes the lists' filters
    as query parameters (e.g. ``country=KE&year=2014``). Holds only what the caller may read."""
    if kind not in ("activities", "organisations", "figures") or fmt not in ("csv", "xlsx"):
        raise HttpError(404, "Export activities, organisations or figures as csv or xlsx.")
    try:
        return export_response(request.user, kind, fmt, request.GET)
    except FileProblem as exc:
        raise HttpError(exc.status, exc.message) from exc
