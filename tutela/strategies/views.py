"""Pages for frameworks, country rounds, action plans and public country profiles.

Every view opens with an ``access`` call; writes go through ``services``.
"""

import json
from datetime import date
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelChoiceField
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.forms import add_service_errors
from tutela.core.requests import SignedInRequest
from tutela.core.views import form_view
from tutela.reports import rendering

from . import exports, selectors, services, worldmap
from .forms import (
    ActionForm,
    AssessmentDetailsForm,
    AssessmentForm,
    EvidenceForm,
    FrameworkImportForm,
    PublishForm,
    RatingForm,
)
from .models import Action, Assessment, Evidence, Framework, Rating


def _may_open_rounds(user: Actor) -> bool:
    return access.is_secretariat(user) or bool(access.user_country_codes(user))


# --- Public: comparison, map, country profiles ----------------------------------------------------

# How long a rendered comparison is kept. Its key names the newest publication, so a new one is shown
# at once; this only bounds the memory that earlier states' bodies take.
COMPARISON_BODY_SECONDS = 3600


def country_list(request: HttpRequest) -> HttpResponse:
    """Every country with a published round: stage and mean level per pillar, in alphabetical order
    (never a ranking), with the world map coloured by stage.

    The map and table are the same for everyone until the next publication, so their HTML is
    rendered once per publication and language and kept in the cache (per process), as the
    figures dashboard does; a request then runs the two small queries of the key."""
    key = selectors.comparison_key()
    body = cache.get(key)
    if body is None:
        map_svg = mark_safe(worldmap.svg(selectors.stages_by_country(), standalone=False))  # noqa: S308 (escaped in worldmap)
        body = render_to_string("strategies/_comparison.html",
                                {**selectors.comparison(), "legend": worldmap.legend(), "map_svg": map_svg})
        cache.set(key, body, COMPARISON_BODY_SECONDS)
    return render(request, "strategies/country_list.html", {"body": body})


def world_map(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(worldmap.svg(selectors.stages_by_country()), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response


def country_profile(request: HttpRequest, code: str) -> HttpResponse:
    code = code.upper()
    if code not in dict(countries):
        raise Http404
    context = selectors.country_profile(request.user, code)
    context["may_open_round"] = access.is_secretariat(request.user) or code in access.user_country_codes(request.user)
    return render(request, "strategies/country_profile.html", context)


# --- Frameworks ------------------------------------------------------------------------------------

def framework_list(request: HttpRequest) -> HttpResponse:
    return render(request, "strategies/framework_list.html", {"frameworks": selectors.frameworks()})


def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = access.get_for_user(request.user, Framework, pk)
    return render(request, "strategies/framework_detail.html",
                  {"framework": framework, "criteria": selectors.framework_criteria(framework)})


@login_required
def framework_import(request: SignedInRequest) -> HttpResponse:
    access.require_secretariat(request.user)
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 2 * 1024 * 1024:
                raise ValidationError({"file": _("A framework file is at most 2 MB.")})
            try:
                data = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise ValidationError({"file": _("The file is not JSON: %(err)s") % {"err": exc}}) from exc
            if not isinstance(data, dict):
                raise ValidationError({"file": _("The file holds one JSON object: code, version, name, criteria.")})
            criteria = data.get("criteria")
            framework = services.framework_import(
                actor=request.user, code=str(data.get("code") or ""), version=data.get("version"),
                name=str(data.get("name") or ""), criteria=criteria if isinstance(criteria, list) else [],
                description=str(data.get("description") or ""), sources=str(data.get("sources") or ""))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Imported %(f)s.") % {"f": framework})
            return redirect("strategies:framework_detail", framework.pk)
    return render(request, "strategies/framework_import.html", {"form": form}, status=422 if form.errors else 200)


# --- Rounds -------------------------------------------------------------------------------------------

@login_required
def assessment_list(request: SignedInRequest) -> HttpResponse:
    rounds = selectors.assessments_for(request.user).order_by("country", "-held_on")
    return render(request, "strategies/assessment_list.html",
                  {"rounds": rounds, "may_create": _may_open_rounds(request.user)})


@login_required
def assessment_create(request: SignedInRequest) -> HttpResponse:
    if not _may_open_rounds(request.user):
        access.require_secretariat(request.user)  # 403
    mine = None if access.is_secretariat(request.user) else sorted(access.user_country_codes(request.user))
    initial = {"framework": Framework.objects.order_by("-created_at").first(), "held_on": date.today()}
    return form_view(
        request, AssessmentForm(request.POST or None, initial=initial, countries=mine),
        save=lambda data: services.assessment_create(actor=request.user, **data),
        template="strategies/assessment_form.html", message=_("Round opened as a draft."),
        success_url=lambda assessment: reverse("strategies:assessment_fill", args=[assessment.pk]),
    )


def _round_context(request: HttpRequest, assessment: Assessment) -> dict:
    ratings = selectors.assessment_ratings(assessment)
    progress = selectors.progress([assessment])
    return {
        "assessment": assessment, "ratings": ratings,
        "pillar_rows": list(zip(progress["pillars"], progress["rows"][0]["scores"], strict=True)),
        "can_edit": access.can_write(request.user, assessment) and assessment.is_editable,
        "can_submit": access.can_write(request.user, assessment) and assessment.is_editable,
        "is_secretariat": access.is_secretariat(request.user),
        "may_plan": access.can_write(request.user, assessment) and assessment.status in (
            Assessment.Status.VALIDATED, Assessment.Status.PUBLISHED),
        "gaps": selectors.gaps(assessment),
        "actions": selectors.actions_for(request.user, assessment),
        "publish_form": PublishForm(initial={"summary": assessment.summary}),
        # the public sees the pillar summary only; answers and comments stay with the team and the secretariat
        "sees_answers": access.can_write(request.user, assessment),
    }


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_for_user(request.user, Assessment.objects.select_related("framework"), pk)
    return render(request, "strategies/assessment_detail.html", _round_context(request, assessment))


@login_required
def assessment_fill(request: SignedInRequest, pk: int) -> HttpResponse:
    """The national team's form: a level, target and comments per criterion, saved together."""
    assessment = access.get_for_user(request.user, Assessment.objects.select_related("framework"), pk, write=True)
    if not assessment.is_editable:
        messages.error(request, _("This round is no longer a draft and cannot be changed."))
        return redirect("strategies:assessment_detail", assessment.pk)
    ratings = selectors.assessment_ratings(assessment)
    data = request.POST if request.method == "POST" else None
    details = AssessmentDetailsForm(data, prefix="round", initial={"team": assessment.team,
                                                                    "strategy_stage": assessment.strategy_stage})
    forms = [(r, RatingForm(data, prefix=f"r{r.pk}", initial={"level": r.level, "target_level": r.target_level,
                                                                "comments": r.comments})) for r in ratings]
    if request.method == "POST" and details.is_valid() and all(f.is_valid() for _r, f in forms):
        try:
            with transaction.atomic():  # all ratings or none
                services.assessment_update(actor=request.user, assessment=assessment, **details.cleaned_data)
                for rating, form in forms:
                    try:
                        services.rating_update(actor=request.user, rating=rating, **form.cleaned_data)
                    except ValidationError as exc:
                        add_service_errors(form, exc)
                        raise
        except ValidationError as exc:
            if not any(f.errors for _r, f in forms):
                add_service_errors(details, exc)
        else:
            messages.success(request, _("Saved."))
            if request.POST.get("then") == "submit":
                return assessment_submit(request, pk)
            return redirect("strategies:assessment_fill", assessment.pk)
    has_errors = bool(details.errors) or any(f.errors for _r, f in forms)
    context = {"assessment": assessment, "details": details, "forms": forms, "evidence_form": EvidenceForm()}
    return render(request, "strategies/assessment_fill.html", context, status=422 if has_errors else 200)


@require_POST
@login_required
def evidence_add(request: SignedInRequest, pk: int, rating_pk: int) -> HttpResponse:
    assessment = access.get_for_user(request.user, Assessment, pk, write=True)
    rating = Rating.objects.filter(assessment=assessment, pk=rating_pk).first()
    if rating is None:
        raise Http404
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(actor=request.user, rating=rating, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        errors = "; ".join(f"{m}" for ms in form.errors.values() for m in ms)
        messages.error(request, _("Evidence not added: %(errors)s") % {"errors": errors})
        return render(request, "strategies/evidence_error.html", {"assessment": assessment, "form": form,
                                                                  "rating": rating}, status=422)
    messages.success(request, _("Evidence added."))
    return redirect(f"{reverse('strategies:assessment_fill', args=[assessment.pk])}#c{rating.pk}")


@require_POST
@login_required
def evidence_remove(request: SignedInRequest, pk: int) -> HttpResponse:
    evidence = access.get_for_user(request.user, Evidence.objects.select_related("rating__assessment"), pk, write=True)
    assessment = evidence.rating.assessment
    try:
        services.evidence_remove(actor=request.user, evidence=evidence)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("strategies:assessment_detail", assessment.pk)
    messages.success(request, _("Evidence removed."))
    return redirect("strategies:assessment_fill", assessment.pk)


def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = access.get_for_user(request.user, Evidence.objects.select_related("rating__assessment"), pk)
    if not evidence.file:
        raise Http404
    from tutela.core.files import MIME_TYPES

    return FileResponse(evidence.file.open("rb"), as_attachment=True,
                        filename=f"evidence-{evidence.pk}.{evidence.file_type}",
                        content_type=MIME_TYPES.get(evidence.file_type, "application/octet-stream"))


def _transition(request: HttpRequest, pk: int, service, done: str, *, secretariat: bool, **extra) -> HttpResponse:
    assessment = access.get_for_user(request.user, Assessment, pk, write=True)
    if secretariat:
        access.require_secretariat(request.user)
    try:
        service(actor=request.user, assessment=assessment, **extra)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("strategies:assessment_detail", assessment.pk)
    messages.success(request, done)
    return redirect("strategies:assessment_detail", assessment.pk)


@require_POST
@login_required
def assessment_submit(request: SignedInRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.assessment_submit, _("Submitted to the secretariat for validation."),
                       secretariat=False)


@require_POST
@login_required
def assessment_return(request: SignedInRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.assessment_return, _("Returned to the national team as a draft."),
                       secretariat=True)


@require_POST
@login_required
def assessment_validate(request: SignedInRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.assessment_validate, _("Validated: the round is now fixed."),
                       secretariat=True)


@require_POST
@login_required
def assessment_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.assessment_publish, _("Summary published on the country page."),
                       secretariat=True, summary=request.POST.get("summary", ""))


def assessment_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The round as PDF or DOCX (report), or its scores as CSV or XLSX. The public gets the published
    pillar summary only; the team and the secretariat get every answer."""
    assessment = access.get_for_user(request.user, Assessment.objects.select_related("framework"), pk)
    if fmt not in exports.FORMATS:
        raise Http404
    return exports.response(assessment, fmt, full=access.can_write(request.user, assessment),
                            language=rendering.export_language(request))


# --- Action plans ------------------------------------------------------------------------------------

def _action_form(request: HttpRequest, assessment: Assessment, data=None, initial=None) -> ActionForm:
    from tutela.activities.models import Activity
    from tutela.activities.selectors import projects_serving
    from tutela.partners.models import Organisation
    from tutela.partners.selectors import agreements_serving

    gap_ids = [r.criterion_id for r in selectors.gaps(assessment)]
    code = str(assessment.country)
    return ActionForm(
        data, initial=initial,
        criteria=assessment.framework.criteria.filter(pk__in=gap_ids),
        organisations=access.readable(request.user, Organisation.objects.all()).order_by("name"),
        activities=access.readable(request.user, Activity.objects.all()).order_by("-starts_on"),
        projects=projects_serving(user=request.user, country=code),
        agreements=agreements_serving(user=request.user, country=code),
    )


@login_required
def action_create(request: SignedInRequest, pk: int) -> HttpResponse:
    assessment = access.get_for_user(request.user, Assessment.objects.select_related("framework"), pk, write=True)
    initial = {"criterion": request.GET.get("criterion")}
    return form_view(
        request, _action_form(request, assessment, request.POST or None, initial),
        save=lambda data: services.action_create(actor=request.user, assessment=assessment, **data),
        template="strategies/action_form.html", context={"assessment": assessment, "action": None},
        message=_("Action added to the plan."),
        success_url=reverse("strategies:assessment_detail", args=[assessment.pk]),
    )


@login_required
def action_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    action = access.get_for_user(request.user, Action.objects.select_related("assessment__framework"), pk, write=True)
    assessment = action.assessment
    initial = {"criterion": action.criterion_id, "title": action.title, "owner": action.owner_id, "due_on": action.due_on,
               "status": action.status, "activities": list(action.activities.all()),
               "projects": list(action.projects.all()), "agreements": list(action.agreements.all()),
               "partners": list(action.partners.all())}
    form = _action_form(request, assessment, request.POST or None, initial)
    criterion = cast(ModelChoiceField, form.fields["criterion"])
    criterion.disabled = True
    criterion.queryset = assessment.framework.criteria.filter(pk=action.criterion_id)
    return form_view(
        request, form,
        save=lambda data: services.action_update(
            actor=request.user, action=action, **{k: v for k, v in data.items() if k != "criterion"}),
        template="strategies/action_form.html", context={"assessment": assessment, "action": action},
        success_url=reverse("strategies:assessment_detail", args=[assessment.pk]),
    )


