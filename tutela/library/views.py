"""Pages of the public hub: the resource library and the education kits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tutela.activities import selectors as activity_selectors
from tutela.consultations.models import Audience
from tutela.core import access
from tutela.core.files import MIME_TYPES
from tutela.core.forms import add_service_errors
from tutela.core.requests import SignedInRequest
from tutela.core.translation_views import translation_form_view
from tutela.core.views import form_view

from . import selectors, services
from .forms import FeedbackForm, LanguageVersionForm, ResourceForm, SessionUseForm
from .models import Resource

# A downloaded file is never rendered as a page of this site: no script, no plugin, no framing.
FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


def resource_list(request: HttpRequest) -> HttpResponse:
    filters = {key: request.GET.get(key, "")[:20] for key in ("kind", "audience", "language", "pillar", "country")}
    items = selectors.resources(request.user, **filters).prefetch_related("versions__languages")[:200]
    return render(request, "library/resource_list.html", {
        "resources": items, "filters": filters, "kinds": Resource.Kind.choices, "audiences": Audience.choices,
        "can_create": access.can_create(request.user, access.user_organisation_ids(request.user) or None),
    })


def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = selectors.resource(request.user, pk)
    return render(request, "library/resource_detail.html", {
        "resource": resource, "languages": selectors.languages_of(resource),
        "downloads": selectors.downloads(resource), "can_write": access.can_write(request.user, resource),
        "is_secretariat": access.is_secretariat(request.user),
    })


@login_required
def resource_translate(request: SignedInRequest, pk: int, language: str) -> HttpResponse:
    """The resource's title and summary in one language (secretariat), from the resource's page."""
    access.require_secretariat(request.user)
    resource = access.get_for_user(request.user, Resource, pk, write=True)
    return translation_form_view(
        request, resource, language, back_url=reverse("library:resource_detail", args=[pk]), back_label=resource.title,
        save=lambda data: services.resource_translate(actor=request.user, resource=resource, language=language,
                                                      values=data))


@login_required
def resource_create(request: SignedInRequest) -> HttpResponse:
    mine = access.user_organisation_ids(request.user)
    if not access.can_create(request.user, mine or None):
        raise PermissionDenied
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = request.user.organisation if not access.is_secretariat(request.user) else None
        try:
            resource = services.resource_create(actor=request.user, owner_organisation=owner, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Resource created. Add its first language version, then publish it."))
            return redirect("library:resource_detail", resource.pk)
    return render(request, "library/form_page.html", {"form": form, "title": _("New resource")},
                  status=422 if form.errors else 200)


@login_required
def language_version_add(request: SignedInRequest, pk: int) -> HttpResponse:
    resource = selectors.resource(request.user, pk, write=True)
    form = LanguageVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                version = resource.versions.order_by("-number").first()
                if data["version_label"] or version is None:
                    version = services.resource_version_create(
                        actor=request.user, resource=resource, label=data["version_label"] or _("First edition"))
                services.language_version_add(actor=request.user, version=version, language=data["language"],
                                              title=data["title"], upload=data["file"], link=data["link"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Language version added."))
            return redirect("library:resource_detail", resource.pk)
    return render(request, "library/form_page.html",
                  {"form": form, "title": _("Add a language version: %(t)s") % {"t": resource.title}, "multipart": True},
                  status=422 if form.errors else 200)


@require_POST
@login_required
def resource_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    resource = selectors.resource(request.user, pk, write=True)
    try:
        services.resource_publish(actor=request.user, resource=resource)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Published."))
    return redirect("library:resource_detail", resource.pk)


def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    row = selectors.language_version(request.user, pk)
    if not row.file:
        if row.link:
            services.language_version_downloaded(language_version=row)
            return redirect(row.link)
        raise Http404
    services.language_version_downloaded(language_version=row)
    response = FileResponse(row.file.open("rb"), as_attachment=True,
                            filename=f"resource-{row.version.resource_id}-v{row.version.number}-{row.language}.{row.file_type}",
                            content_type=MIME_TYPES.get(row.file_type, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-transform"
    return response


def plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "library/plan_list.html", {"plans": selectors.plans(request.user)[:200]})


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan(request.user, pk)
    bands, total = selectors.plan_feedback(request.user, plan)
    materials = selectors.resources(request.user).filter(session_plans=plan)
    return render(request, "library/plan_detail.html",
                  {"plan": plan, "bands": bands, "total": total, "materials": materials})


# --- Educational sessions: the plan and materials used, and aggregate feedback ------------------

def _writable_activity(user, pk: int):
    activity = activity_selectors.activity_detail(user, pk)
    if not access.can_write(user, activity):
        raise PermissionDenied
    return activity


@login_required
def session_use_add(request: SignedInRequest, activity_pk: int) -> HttpResponse:
    activity = _writable_activity(request.user, activity_pk)
    form = SessionUseForm(request.POST or None, plans=selectors.plans(request.user).order_by("title"),
                          resources=selectors.resources(request.user).order_by("title"))
    return form_view(
        request, form, template="library/form_page.html",
        save=lambda data: services.session_use_record(actor=request.user, activity=activity, plan=data["plan"],
                                                      materials=data["materials"]),
        success_url=reverse("activities:activity_detail", args=[activity.pk]) + "#session-plans",
        message=_("Session plan recorded."),
        context={"title": _("Plan and materials used: %(t)s") % {"t": activity.title}})


@login_required
def feedback_add(request: SignedInRequest, pk: int) -> HttpResponse:
    use = selectors.session_use(request.user, pk)
    if not access.can_write(request.user, use.activity):
        raise PermissionDenied
    form = FeedbackForm(request.POST or None)
    return form_view(
        request, form, template="library/form_page.html",
        save=lambda data: services.feedback_record(
            actor=request.user, use=use, min_age=data["min_age"], max_age=data["max_age"],
            ratings=[data[f"rating_{i}"] for i in range(1, 6)]),
        success_url=reverse("activities:activity_detail", args=[use.activity_id]) + "#session-plans",
        message=_("Feedback recorded."),
        context={"title": _("Feedback from one age band: %(t)s") % {"t": use.plan.title},
                 "intro": _("Counts only: how many in this age band gave each rating. Recording a band again replaces its counts.")})
