"""Import / export pages: upload and dry run, the report, the import, templates and exports."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tutela.core import access
from tutela.core.requests import SignedInRequest

from . import selectors, services
from .exports import export_response, template_response
from .files import FileProblem, max_upload_bytes
from .forms import ApplyForm, UploadForm
from .kinds import KINDS
from .models import ImportJob
from .selectors import jobs_for_user

FORMATS = ("csv", "xlsx")


def _require_importer(user) -> None:
    if not services.may_import(user):
        raise PermissionDenied


def _index_context(request: HttpRequest, form: UploadForm) -> dict:
    return {
        "form": form,
        "kinds": KINDS.values(),
        "jobs": jobs_for_user(request.user)[:10],
        "limit_mb": round(max_upload_bytes() / 1048576, 1),
        "query": request.GET.urlencode(),
    }


@login_required
@require_GET
def index(request: SignedInRequest) -> HttpResponse:
    _require_importer(request.user)
    form = UploadForm(initial={"kind": request.GET.get("kind", "activities")})
    return render(request, "exchange/index.html", _index_context(request, form))


@login_required
@require_POST
def upload(request: SignedInRequest) -> HttpResponse:
    _require_importer(request.user)
    form = UploadForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(actor=request.user, kind=form.cleaned_data["kind"], upload=upload,
                                             name=upload.name, size=upload.size)
            services.import_job_start(actor=request.user, job=job, mode=ImportJob.Mode.CHECK)
            return redirect("exchange:job", pk=job.pk)
        except FileProblem as exc:
            form.add_error("file", exc.message)
            status = exc.status
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "exchange/index.html", _index_context(request, form), status=status)


def _job_context(request: HttpRequest, job: ImportJob, **extra) -> dict:
    report = job.report or {}
    processed = services.read_progress(job)
    return {
        "job": job,
        "spec": KINDS[job.kind],
        "processed": processed,
        "progress": selectors.import_progress(job, processed),
        "problems": report.get("problems", []),
        "file_error": report.get("file_error", ""),
        "may_import": access.can_write(request.user, job),
        "apply_form": extra.pop("apply_form", ApplyForm()),
        **extra,
    }


def _swept(job: ImportJob) -> ImportJob:
    """A page that finds its job's worker dead asks the sweep to resume or fail it at once."""
    if job.is_dead:
        services.import_jobs_sweep(job_id=job.pk)
        job.refresh_from_db()
    return job


@login_required
@require_GET
def job_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    job = _swept(access.get_for_user(request.user, ImportJob, pk))
    return render(request, "exchange/job.html", _job_context(request, job))


@login_required
@require_GET
def job_status(request: SignedInRequest, pk: int) -> HttpResponse:
    """The htmx-polled part of the job page; once finished it answers the whole report."""
    job = _swept(access.get_for_user(request.user, ImportJob, pk))
    return render(request, "exchange/job.html#status", _job_context(request, job))


@login_required
@require_POST
def job_apply(request: SignedInRequest, pk: int) -> HttpResponse:
    job = access.get_for_user(request.user, ImportJob, pk, write=True)
    form = ApplyForm(request.POST)
    if form.is_valid():
        try:
            services.import_job_start(actor=request.user, job=job, mode=form.cleaned_data["mode"])
            return redirect("exchange:job", pk=job.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "exchange/job.html", _job_context(request, job, apply_form=form), status=422)


@require_GET
def template_download(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    if kind not in KINDS or fmt not in FORMATS:
        raise Http404
    return template_response(kind, fmt)


@require_GET
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    """Exports hold only what the user may read (published records for the public)."""
    if kind not in KINDS or fmt not in FORMATS:
        raise Http404
    try:
        return export_response(request.user, kind, fmt, request.GET)
    except FileProblem as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
