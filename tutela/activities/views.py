"""Pages for activities, occasions, projects and the timeline. Each view asks ``access`` first."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from tutela.core import access, review
from tutela.core.access import Actor
from tutela.core.requests import Request, SignedInRequest
from tutela.core.text import isolate
from tutela.core.translation_views import translation_form_view
from tutela.core.views import form_view

from . import selectors, services
from .forms import (
    PARTICIPATION_HELP,
    ActivityFilterForm,
    ActivityForm,
    OccasionForm,
    OutcomeRows,
    ParticipationRows,
    PartnerRows,
    ProjectForm,
)
from .models import PROJECT_LIFECYCLE, Activity, Occasion, Participation, Project
from .selectors import ActivityFilters

PAGE_SIZE = 25


def _cursor(request: HttpRequest) -> str | None:
    return request.GET.get("after") or None


# --- Lists ------------------------------------------------------------------------------------

def activity_list(request: Request) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None, user=request.user)
    form.is_valid()
    filters = form.filters()
    page = selectors.activity_page(request.user, filters, cursor=_cursor(request), size=PAGE_SIZE)
    context = {
        "form": form, "page": page, "filters": filters,
        "can_create": _may_create(request.user),
        "filtered": any(v for k, v in request.GET.items() if k != "after"),
    }
    template = "activities/activity_list.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(request, template, context)


@login_required
def activity_editable(request: SignedInRequest) -> HttpResponse:
    """The activities the user may edit: the whole list for the secretariat, their organisation's otherwise."""
    if not _may_create(request.user):
        raise PermissionDenied
    page = selectors.activity_editable_page(request.user, cursor=_cursor(request), size=PAGE_SIZE)
    return render(request, "activities/activity_editable.html", {"page": page, "can_create": True})


def timeline(request: HttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None, user=request.user)
    form.is_valid()
    filters = form.filters()
    months = selectors.timeline(request.user, filters)
    return render(request, "activities/timeline.html", {"form": form, "months": months, "filters": filters})


# --- Detail -----------------------------------------------------------------------------------

def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_detail(request.user, pk)
    suppress = selectors.suppress_small_cells(request.user, activity)
    context = {
        "activity": activity,
        "partners": list(activity.partner_roles.all()),
        "participation": selectors.participation_rows(activity, suppress=suppress),
        "suppressed": suppress,
        "outcomes": list(activity.outcomes.all()),
        "parts": access.readable(request.user, activity.parts.all()),
        "projects_following": access.readable(request.user, activity.follow_on_projects.all()),
        "can_edit": access.can_write(request.user, activity),
        "is_secretariat": access.is_secretariat(request.user),
    }
    return render(request, "activities/activity_detail.html", context)


@login_required
def activity_translate(request: SignedInRequest, pk: int, language: str) -> HttpResponse:
    """The activity's title and summary in one language (secretariat), from the activity's page."""
    access.require_secretariat(request.user)
    activity = access.get_for_user(request.user, Activity, pk, write=True)
    return translation_form_view(
        request, activity, language, back_url=reverse("activities:activity_detail", args=[pk]), back_label=activity.title,
        save=lambda data: services.activity_translate(actor=request.user, activity=activity, language=language,
                                                      values=data))


# --- Create and edit --------------------------------------------------------------------------

def _may_create(user: Actor) -> bool:
    return access.is_secretariat(user) or bool(access.user_organisation_ids(user))


@login_required
def activity_create(request: SignedInRequest) -> HttpResponse:
    if not _may_create(request.user):
        raise PermissionDenied
    return _activity_form(request, None)


@login_required
def activity_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    activity = access.get_for_user(request.user, Activity, pk, write=True)
    return _activity_form(request, activity)


def _initial_rows(activity: Activity | None, user: Actor) -> tuple[list, list, list]:
    if activity is None:
        mine = sorted(access.user_organisation_ids(user))
        partners = [{"organisation": mine[0], "role": "organiser"}] if mine else []
        return partners, [], []
    partners = [{"organisation": p.organisation_id, "role": p.role} for p in activity.partner_roles.all()]
    counts = [{"group": p.group, "min_age": p.min_age, "max_age": p.max_age, "count": p.count, "unit": p.unit,
               "kind": p.kind, "description": p.description} for p in activity.participation.all()]
    outcomes = [{"kind": o.kind, "text": o.text, "points": "\n".join(o.points), "made_by": o.made_by_id,
                 "made_by_organisation": o.made_by_organisation_id, "made_by_group": o.made_by_group,
                 "addressed_to": o.addressed_to} for o in activity.outcomes.all()]
    return partners, counts, outcomes


def _values(form) -> dict:
    return {name: form[name].value() for name in form.fields}


def _activity_form(request: SignedInRequest, activity: Activity | None) -> HttpResponse:
    user = request.user
    relation_errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        form = ActivityForm(request.POST, user=user)
        partner_rows = PartnerRows(request.POST, prefix="partners", user=user)
        count_rows = ParticipationRows(request.POST, prefix="participation", user=user)
        outcome_rows = OutcomeRows(request.POST, prefix="outcomes", user=user)
        if request.POST.get("add"):
            # "Add rows" (with or without htmx): show the same input with more empty rows, unchecked.
            form = ActivityForm(initial=_values(form), user=user)
            partner_rows = PartnerRows(initial=[_values(f) for f in partner_rows.forms if f.has_changed()],
                                       prefix="partners", user=user)
            count_rows = ParticipationRows(initial=[_values(f) for f in count_rows.forms if f.has_changed()],
                                           prefix="participation", user=user)
            outcome_rows = OutcomeRows(initial=[_values(f) for f in outcome_rows.forms if f.has_changed()],
                                       prefix="outcomes", user=user)
        elif all([form.is_valid(), partner_rows.is_valid(), count_rows.is_valid(), outcome_rows.is_valid()]):
            try:
                activity = _save(user, activity, form, partner_rows, count_rows, outcome_rows)
            except ValidationError as exc:
                relation_errors = _attach_errors(exc, form)
            else:
                messages.success(request, _("Activity “%(title)s” saved.") % {"title": isolate(activity.title)})
                if activity.active_flags:
                    messages.warning(request, _("Not public until the secretariat has reviewed it: %(flags)s.")
                                     % {"flags": review.flag_message(activity)})
                elif activity.awaiting_review:
                    messages.info(request, _("Submitted: the secretariat will review it before it is public."))
                url = reverse("activities:activity_detail", args=[activity.pk])
                return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
            status = 422
        else:
            status = 422
    else:
        partners, counts, outcomes = _initial_rows(activity, user)
        form = ActivityForm(initial=ActivityForm.initial_for(activity) if activity else None, user=user)
        partner_rows = PartnerRows(initial=partners, prefix="partners", user=user)
        count_rows = ParticipationRows(initial=counts, prefix="participation", user=user)
        outcome_rows = OutcomeRows(initial=outcomes, prefix="outcomes", user=user)
    context = {
        "activity": activity, "form": form, "partner_rows": partner_rows, "count_rows": count_rows,
        "outcome_rows": outcome_rows, "relation_errors": relation_errors, "participation_help": PARTICIPATION_HELP,
    }
    template = "activities/activity_form.html"
    if request.htmx:
        # htmx does not swap 4xx responses by default: the fragment with its errors comes back as 200.
        return render(request, template + "#activity-form", context)
    return render(request, template, context, status=status)


def _save(user, activity, form, partner_rows, count_rows, outcome_rows) -> Activity:
    fields = form.service_fields()
    partners = [(row["organisation"], row["role"]) for row in partner_rows.filled()]
    participation = [
        services.Count(group=r["group"], count=r["count"], min_age=r["min_age"], max_age=r["max_age"], kind=r["kind"],
                       description=r["description"], unit=r["unit"] or Participation.Unit.PEOPLE)
        for r in count_rows.filled()
    ]
    outcomes = [
        {"kind": r["kind"], "text": r["text"], "points": [p.strip() for p in r["points"].splitlines() if p.strip()],
         "made_by": r["made_by"], "made_by_organisation": r["made_by_organisation"],
         "made_by_group": r["made_by_group"], "addressed_to": r["addressed_to"]}
        for r in outcome_rows.filled()
    ]
    if activity is None:
        return services.activity_create(actor=user, partners=partners, participation=participation,
                                        outcomes=outcomes, **fields)
    return services.activity_update(actor=user, activity=activity, partners=partners, participation=participation,
                                    outcomes=outcomes, **fields)


def _attach_errors(exc: ValidationError, form: ActivityForm) -> dict[str, list[str]]:
    """Put a service's errors next to the field they are about; relations get their own list."""
    relation_errors: dict[str, list[str]] = {}
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for name, msgs in errors.items():
        if name in ("partners", "participation", "outcomes", "links", "people"):
            relation_errors.setdefault(name, []).extend(msgs)
        elif name in form.fields:
            for msg in msgs:
                form.add_error(name, msg)
        else:
            for msg in msgs:
                form.add_error(None, msg)
    return relation_errors


@require_POST
@login_required
def activity_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    activity = access.get_for_user(request.user, Activity, pk, write=True)
    access.require_secretariat(request.user)
    published = request.POST.get("published") == "1"
    try:
        services.activity_set_published(actor=request.user, activity=activity, published=published)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Published: the public can see this activity.") if published
                         else _("Unpublished: only the secretariat and its organisers can see this activity."))
    return redirect("activities:activity_detail", pk=activity.pk)


@require_POST
@login_required
def activity_clear_flags(request: SignedInRequest, pk: int) -> HttpResponse:
    activity = access.get_for_user(request.user, Activity, pk, write=True)
    services.activity_clear_flags(actor=request.user, activity=activity)
    messages.success(request, _("Flags cleared: the activity can now be published."))
    return redirect("activities:activity_detail", pk=activity.pk)


@require_POST
@login_required
def activity_submit(request: SignedInRequest, pk: int) -> HttpResponse:
    activity = access.get_for_user(request.user, Activity, pk, write=True)
    try:
        services.activity_submit(actor=request.user, activity=activity)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Submitted: the secretariat will review the activity before it is public."))
    return redirect("activities:activity_detail", pk=activity.pk)


# --- Occasions and projects -------------------------------------------------------------------

def occasion_list(request: HttpRequest) -> HttpResponse:
    page = selectors.occasion_page(request.user, cursor=_cursor(request), size=PAGE_SIZE)
    return render(request, "activities/occasion_list.html",
                  {"page": page, "can_create": access.is_secretariat(request.user)})


def occasion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    occasion = selectors.occasion_detail(request.user, pk)
    page = selectors.activity_page(request.user, ActivityFilters(occasion=occasion), cursor=_cursor(request), size=50)
    return render(request, "activities/occasion_detail.html",
                  {"occasion": occasion, "page": page, "can_edit": access.is_secretariat(request.user)})


def project_list(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    if stage not in Project.Stage.values:
        stage = ""
    page = selectors.project_page(request.user, stage=stage, cursor=_cursor(request), size=PAGE_SIZE)
    return render(request, "activities/project_list.html",
                  {"page": page, "stage": stage, "stages": Project.Stage.choices,
                   "can_create": _may_create(request.user)})


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_detail(request.user, pk)
    page = selectors.activity_page(request.user, ActivityFilters(project=project), cursor=_cursor(request), size=50)
    can_edit = access.can_write(request.user, project)
    return render(request, "activities/project_detail.html",
                  {"project": project, "page": page, "stages": Project.Stage.choices, "can_edit": can_edit,
                   "moves": PROJECT_LIFECYCLE.moves(project.stage) if can_edit else []})


# --- Setting up occasions and projects (the secretariat; a focal point for their own projects) ----

@login_required
def occasion_create(request: SignedInRequest) -> HttpResponse:
    access.require_secretariat(request.user)
    return form_view(
        request, OccasionForm(request.POST or None, user=request.user),
        save=lambda data: services.occasion_create(actor=request.user, **data),
        template="components/form_page.html", message=_("Occasion recorded."),
        context={"heading": _("New occasion"), "back_url": reverse("activities:occasion_list"), "back_label": _("Occasions")},
        success_url=lambda occasion: reverse("activities:occasion_detail", args=[occasion.pk]),
    )


@login_required
def occasion_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_secretariat(request.user)
    occasion = access.get_for_user(request.user, Occasion, pk, write=True)
    return form_view(
        request, OccasionForm(request.POST or None, user=request.user, instance=occasion),
        save=lambda data: services.occasion_update(actor=request.user, occasion=occasion, **data),
        template="components/form_page.html",
        context={"heading": _("Edit occasion"), "title": _("Edit %(name)s") % {"name": occasion.name},
                 "back_url": reverse("activities:occasion_detail", args=[occasion.pk]), "back_label": occasion.name},
        success_url=reverse("activities:occasion_detail", args=[occasion.pk]),
    )


def _project_data(user: Actor, form: ProjectForm) -> dict:
    """The form's data for the service, once a focal point's own organisation is among the partners."""
    data = form.service_fields()
    if not access.can_create(user, {o.pk for o in data["partners"]}):
        raise ValidationError({"partners": _("Your own organisation must be one of the partners.")})
    return data


@login_required
def project_create(request: SignedInRequest) -> HttpResponse:
    if not _may_create(request.user):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=request.user)
    return form_view(
        request, form, save=lambda data: services.project_create(actor=request.user, **_project_data(request.user, form)),
        template="components/form_page.html", message=_("Project recorded."),
        context={"heading": _("New project"), "back_url": reverse("activities:project_list"), "back_label": _("Projects")},
        success_url=lambda project: reverse("activities:project_detail", args=[project.pk]),
    )


@login_required
def project_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    project = access.get_for_user(request.user, Project, pk, write=True)
    form = ProjectForm(request.POST or None, user=request.user, instance=project)
    return form_view(
        request, form,
        save=lambda data: services.project_update(actor=request.user, project=project,
                                                  **_project_data(request.user, form)),
        template="components/form_page.html",
        context={"heading": _("Edit project"), "title": _("Edit %(name)s") % {"name": project.name},
                 "back_url": reverse("activities:project_detail", args=[project.pk]), "back_label": project.name},
        success_url=reverse("activities:project_detail", args=[project.pk]),
    )


@login_required
def project_move(request: SignedInRequest, pk: int) -> HttpResponse:
    """Move a project to the stage named by ``stage``: a GET (or a POST without ``confirm``) of a
    final stage shows the confirmation page; a refused jump comes back as a message saying why."""
    project = access.get_for_user(request.user, Project, pk, write=True)
    target = (request.POST.get("stage") or request.GET.get("stage") or "").strip()
    refusal = PROJECT_LIFECYCLE.refusal(project.stage, target)
    confirmed = request.method == "POST" and request.POST.get("confirm") == "1"
    needs_confirmation = PROJECT_LIFECYCLE.is_irreversible(target) and not confirmed
    if refusal is None and target != project.stage and needs_confirmation:
        verb = dict((m.target, m.verb) for m in PROJECT_LIFECYCLE.moves(project.stage)).get(target, "")
        return render(request, "components/confirm_move.html", {
            "object": project, "back_url": reverse("activities:project_detail", args=[project.pk]),
            "action_url": reverse("activities:project_move", args=[project.pk]), "field": "stage", "target": target,
            "verb": verb, "current_label": PROJECT_LIFECYCLE.label(project.stage),
            "target_label": PROJECT_LIFECYCLE.label(target),
        })
    if request.method != "POST":
        return redirect("activities:project_detail", pk=project.pk)
    try:
        services.project_move(actor=request.user, project=project, stage=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.message_dict.get("stage", exc.messages)))
    else:
        messages.success(request, _("The project is now %(stage)s.") % {"stage": PROJECT_LIFECYCLE.label(target)})
    return redirect("activities:project_detail", pk=project.pk)
