import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import access, review
from .forms import add_service_errors
from .languages import language_links
from .models import AuditEntry, WorkerHeartbeat
from .pagination import keyset_page
from .requests import SignedInRequest
from .text import query_id

logger = logging.getLogger(__name__)


def form_view(
    request: HttpRequest,
    form: Any,
    *,
    save: Callable[[dict[str, Any]], Any],
    template: str,
    success_url: str | Callable[[Any], str],
    message: str | Callable[[Any], str] | None = None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The create/edit page every app has, for a form the view has built (and asked access for).

    On a POST that the form accepts, ``save(cleaned_data)`` calls the service; a ValidationError
    it raises is shown on the form (on the field it names, else at the top) and nothing is lost.
    On success: ``message`` (default "Saved.", or a function of what ``save`` returned) and a
    redirect to ``success_url`` (or a function of what ``save`` returned). Otherwise the page is
    rendered with ``{"form": form, **context}``, with status 422 when the form has errors.

    A POST with no fields at all is checked like any other: views build their forms with
    ``Form(request.POST or None)``, which leaves the form unbound for an empty POST (no errors, 200);
    here it is bound to that empty POST, so it answers 422 with each required field's error.
    """
    if request.method == "POST" and not form.is_bound:
        form.is_bound, form.data, form.files = True, request.POST, request.FILES
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = message(saved) if callable(message) else (message or _("Saved."))
            messages.success(request, text)
            return redirect(success_url(saved) if callable(success_url) else success_url)
    return render(request, template, {"form": form, **(context or {})}, status=422 if form.errors else 200)


@never_cache
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and feed readers ask for whatever the page's <link rel="icon"> says."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def healthz(request: HttpRequest) -> JsonResponse:
    """Is the database reachable, and is a task worker alive (or are tasks run inline)?"""
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # a health check reports every failure, it never raises
        logger.warning("healthz: database unreachable: %s", exc)
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    if settings.TASKS_MODE == "immediate":
        checks["worker"] = {"ok": True, "mode": "inline"}
    elif checks["database"]["ok"]:
        horizon = timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * 3)
        beat = WorkerHeartbeat.objects.order_by("-last_seen").first()
        alive = beat is not None and beat.last_seen >= horizon
        checks["worker"] = {"ok": alive, "mode": "database", "last_seen": beat.last_seen.isoformat() if beat else None}
    else:
        checks["worker"] = {"ok": False, "mode": "database", "error": "database unreachable"}
    ok = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if ok else "failing", "checks": checks}, status=200 if ok else 503)


CSP_REPORT_MAX_BYTES = 16 * 1024


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Browsers post Content-Security-Policy violations here (``report-uri`` in SECURE_CSP): each
    is logged as a warning, so a page that breaks the policy shows up in the logs. Nothing is stored."""
    body = request.read(CSP_REPORT_MAX_BYTES + 1)
    if len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    import json

    try:
        report = json.loads(body or b"{}")
    except ValueError:
        return HttpResponse(status=400)
    details = report.get("csp-report", report) if isinstance(report, dict) else {}
    if not isinstance(details, dict):
        details = {}
    logger.warning(
        "csp violation: %s blocked %s on %s",
        str(details.get("violated-directive") or details.get("effective-directive") or "?")[:200],
        str(details.get("blocked-uri") or "?")[:300],
        str(details.get("document-uri") or "?")[:300],
    )
    return HttpResponse(status=204)


@login_required
def audit_log(request: SignedInRequest) -> HttpResponse:
    access.require_secretariat(request.user)
    qs = AuditEntry.objects.select_related("target_type")
    filters = {
        "actor": request.GET.get("actor", "").strip(),
        "target_type": request.GET.get("target_type", "").strip(),
        "target_id": request.GET.get("target_id", "").strip(),
        "action": request.GET.get("action", "").strip(),
    }
    if (actor := query_id(filters["actor"])) is not None:
        qs = qs.filter(actor_id=actor)
    if (target_type := query_id(filters["target_type"])) is not None:
        qs = qs.filter(target_type_id=target_type)
    if filters["target_id"]:
        qs = qs.filter(target_id=filters["target_id"])
    if filters["action"]:
        qs = qs.filter(action__startswith=filters["action"])
    page = keyset_page(qs, ordering=["-id"], cursor=request.GET.get("after"), size=50)
    used_types = AuditEntry.objects.values_list("target_type", flat=True).distinct()
    context = {
        "page": page,
        "filters": filters,
        "actors": get_user_model().objects.filter(pk__in=AuditEntry.objects.values("actor")).order_by("email"),
        "types": ContentType.objects.filter(pk__in=used_types).order_by("model"),
    }
    return render(request, "core/audit_log.html", context)


# --- Errors: JSON under /api/, friendly pages elsewhere ------------------------------------

def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(request: HttpRequest, status: int, code: str, message: str, template: str,
                   context: dict[str, Any] | None = None) -> HttpResponse:
    """An error as JSON under /api/ (the API's error shape) and as a friendly page elsewhere."""
    if _wants_json(request):
        return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)
    return render(request, template, {"message": message, **(context or {})}, status=status)



def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.core.exceptions import RequestDataTooBig

    if isinstance(exception, RequestDataTooBig) or isinstance(getattr(exception, "__cause__", None), RequestDataTooBig):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return error_response(request, 413, "too_large", _("The request is too large (limit %(mb)s MB).") % {"mb": limit_mb}, "400.html")
    from .pagination import InvalidCursor

    if isinstance(exception, InvalidCursor):
        return error_response(request, 400, "bad_request", str(exception), "400.html")
    return error_response(request, 400, "bad_request", _("The request could not be understood."), "400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403, "forbidden", _("You do not have permission to do this."), "403.html")


LANGUAGE_LIKE = re.compile(r"[a-z]{2,3}(?:[-_][a-z0-9]{2,8})?", re.IGNORECASE)


def _unknown_language(path: str, query: str = "") -> tuple[list[dict[str, object]], bool] | None:
    """When the address starts with what looks like a language prefix Tutela does not serve, the same page
    (with its query) in each language it has, and whether the language itself is one Tutela has; else None.
    Unknown: /de/…, /pt-br/…. Known but not a prefix: /en/… (English has none), /FR/…, /zh-cn/…."""
    first, _slash, rest = path.lstrip("/").partition("/")
    prefixes = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    if not LANGUAGE_LIKE.fullmatch(first) or first in prefixes:  # /fr/nothing is a French page that does not exist
        return None
    # The rest is an address without a prefix, i.e. an English one, even where Django took /FR/ or /zh-cn/ for French
    # or Chinese and speaks it on this page.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            resolve("/" + rest)
        except Resolver404:
            if len(first) != 2:  # /hub/nothing is an unknown page, not an unknown language
                return None
            rest, query = "", ""
        links = language_links("/" + rest)
    known = {code for code, _name in settings.LANGUAGES} | {code.partition("-")[0] for code, _name in settings.LANGUAGES}
    if query:
        for link in links:
            link["url"] = f"{link['url']}?{query}"
    return links, first.lower().partition("-")[0].partition("_")[0] in known


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    found = _unknown_language(request.path, request.META.get("QUERY_STRING", ""))
    if found:
        languages, known = found
        message = (_("There is nothing at this address.") if known
                   else _("Tutela is not available in the language this address asks for."))
        return error_response(request, 404, "not_found", message, "404.html", {"languages": languages})
    return error_response(request, 404, "not_found", _("There is nothing at this address."), "404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"error": {"code": "server_error", "message": _("Something went wrong on our side."), "fields": {}}}, status=500
        )
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = _(
        "Your form could not be accepted because its security token was missing or out of date "
        "(for example after signing in elsewhere or leaving the page open for a long time). "
        "Go back, reload the page and send it again."
    )
    return error_response(request, 403, "csrf_failed", message, "403_csrf.html")


@login_required
def review_queue(request: SignedInRequest) -> HttpResponse:
    """What waits for the secretariat: focal points' records and flagged text, per kind of record."""
    access.require_secretariat(request.user)
    return render(request, "core/review_queue.html", {"sections": review.waiting(request.user)})


@require_POST
@login_required
def review_publish(request: SignedInRequest, label: str, pk: int) -> HttpResponse:
    access.require_secretariat(request.user)
    obj = review.get(label, pk)
    try:
        review.publish(actor=request.user, obj=obj)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Published: “%(obj)s”.") % {"obj": obj})
    return redirect("core:review_queue")


@require_POST
@login_required
def review_return(request: SignedInRequest, label: str, pk: int) -> HttpResponse:
    """Send a submitted record back to its organisation with the reason; a missing reason says so."""
    access.require_secretariat(request.user)
    obj = review.get(label, pk)
    try:
        review.return_for_changes(actor=request.user, obj=obj, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Returned to its organisation: “%(obj)s”.") % {"obj": obj})
    return redirect("core:review_queue")


@require_POST
@login_required
def review_clear_flags(request: SignedInRequest, label: str, pk: int) -> HttpResponse:
    access.require_secretariat(request.user)
    obj = review.get(label, pk)
    review.clear_flags(actor=request.user, obj=obj)
    messages.success(request, _("Flags cleared on “%(obj)s”: it can now be published.") % {"obj": obj})
    return redirect("core:review_queue")
