"""Outreach pages. Each view asks ``tutela.core.access`` first and writes only through services."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from tutela.core import access
from tutela.core.access import Actor, User
from tutela.core.pagination import keyset_page
from tutela.core.requests import SignedInRequest
from tutela.core.views import form_view
from tutela.partners.models import Organisation

from . import reach, selectors, services
from .forms import (
    CampaignForm,
    CohortForm,
    ImportForm,
    MessageForm,
    ParameterForm,
    ProgrammeForm,
    RevokeForm,
    SessionForm,
    TraineeForm,
    VerifyForm,
)
from .models import Campaign, Certificate, Cohort, ReachParameter, Trainee, TrainingProgramme


def index(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programmes_for(request.user).order_by("-starts_on", "-id")[:50]
    campaigns = selectors.campaigns_for(request.user).order_by("-starts_on", "-id")[:50]
    country_links = [(code, countries.name(code)) for code in selectors.countries_with_outreach(request.user)]
    return render(request, "outreach/index.html", {
        "programmes": programmes, "campaigns": campaigns, "countries": country_links,
        "may_write": access.role_of(request.user) in {"secretariat", "focal_point"},
    })


def _reach_context(result: dict[str, Any]) -> dict[str, Any]:
    return {"reach": result, "cascade_models": [e for e in result["estimated"] if e["model"] == "cascade"],
            "placement_models": [e for e in result["estimated"] if e["model"] == "placement"]}


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.get_for_user(request.user, TrainingProgramme.objects.select_related("activity", "follow_on"), pk)
    may_write = access.can_write(request.user, programme)
    result = selectors.stored_reach(request.user, programme=programme)
    params = {p.key: p for p in programme.parameters.all()}
    return render(request, "outreach/programme_detail.html", {
        "programme": programme, "may_write": may_write,
        "cohorts": programme.cohorts.annotate(trainee_count=Count("trainees")).prefetch_related("sessions"),
        "sectors": selectors.sector_summary(programme),
        "figures": selectors.figures_about(request.user, programme),
        "tree": selectors.cascade(programme),
        "parameter_keys": [(k, ReachParameter.Key(k).label, params.get(k)) for k in ReachParameter.CASCADE_KEYS],
        "campaigns": selectors.campaigns_for(request.user).filter(programme=programme),
        "reach_over_time": selectors.reach_over_time(request.user, reach.Scope(programme_id=programme.pk),
                                                     programme.starts_on, programme.ends_on, subject=programme),
        **_reach_context(result),
    })


def programme_trainees(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.get_for_user(request.user, TrainingProgramme, pk)
    qs = programme.trainees.select_related("cohort", "institution", "trained_by").prefetch_related("certificates")
    page = keyset_page(qs, ordering=["generation", "label", "pk"], cursor=request.GET.get("after"), size=50)
    return render(request, "outreach/trainees.html", {
        "programme": programme, "page": page, "may_write": access.can_write(request.user, programme),
    })


@login_required
def trainee_register(request: SignedInRequest, pk: int) -> HttpResponse:
    cohort = access.get_for_user(request.user, Cohort.objects.select_related("programme"), pk, write=True)
    programme = cohort.programme
    return form_view(
        request, TraineeForm(request.POST or None, programme=programme),
        save=lambda data: services.trainee_register(actor=request.user, cohort=cohort, **data),
        template="outreach/form_page.html",
        success_url=reverse("outreach:programme_trainees", args=[programme.pk]),
        message=lambda trainee: _("%(t)s is registered in %(c)s.") % {"t": trainee.display_name, "c": cohort.name},
        context={
            "programme": programme, "title": _("Register a trainee in %(c)s") % {"c": cohort.name},
            "intro": _("Trainees are adults. Record a name only with the person's consent; otherwise a pseudonymous label is used."),
            "submit": _("Register"),
        })


@login_required
def trainees_import(request: SignedInRequest, pk: int) -> HttpResponse:
    """Upload a trainee file; the worker checks or imports it and the job page shows the outcome."""
    cohort = access.get_for_user(request.user, Cohort.objects.select_related("programme"), pk, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.trainee_import_queue(actor=request.user, cohort=cohort, upload=upload, name=upload.name,
                                            dry_run=form.cleaned_data["dry_run"])
        return redirect("outreach:trainee_import_job", pk=cohort.pk, job=job.pk)
    return render(request, "outreach/import.html", {"form": form, "cohort": cohort},
                  status=422 if request.method == "POST" else 200)


@login_required
def trainee_import_job(request: SignedInRequest, pk: int, job: int) -> HttpResponse:
    cohort = access.get_for_user(request.user, Cohort.objects.select_related("programme"), pk, write=True)
    found = cohort.imports.filter(pk=job).first()
    if found is None:
        raise Http404
    if found.is_dead:
        services.trainee_imports_sweep(job_id=found.pk)
        found.refresh_from_db()
    template = "outreach/import.html#job" if request.headers.get("HX-Request") else "outreach/import.html"
    return render(request, template, {"form": ImportForm(), "cohort": cohort, "job": found})


@login_required
def session_record(request: SignedInRequest, pk: int) -> HttpResponse:
    programme = access.get_for_user(request.user, TrainingProgramme, pk, write=True)
    return form_view(
        request, SessionForm(request.POST or None, programme=programme),
        save=lambda data: services.session_record(actor=request.user, programme=programme, **data),
        template="outreach/form_page.html",
        success_url=reverse("outreach:programme_detail", args=[programme.pk]) + "#reach",
        message=_("Session recorded; reach updated."),
        context={
            "programme": programme, "title": _("Record a session an ambassador delivered"),
            "intro": _("One audience and age band per record. Children are only counted: nothing here may identify a child."),
            "submit": _("Record session"),
        })


def _parameter_edit(request: SignedInRequest, subject: TrainingProgramme | Campaign, key: str, back: str) -> HttpResponse:
    allowed = ReachParameter.CASCADE_KEYS if isinstance(subject, TrainingProgramme) else ReachParameter.PLACEMENT_KEYS
    if key not in allowed:
        raise Http404
    kwargs = {"programme": subject} if isinstance(subject, TrainingProgramme) else {"campaign": subject}
    current = ReachParameter.objects.filter(key=key, **kwargs).first()
    form = ParameterForm(request.POST or None, initial=ParameterForm.initial_for(current))
    if key in ReachParameter.SHARES:
        for name in ("low", "central", "high"):
            form.fields[name].help_text = _("A share from 0 to 1: 0.6 means 60 %.")
    return form_view(
        request, form, save=lambda data: services.parameter_set(actor=request.user, key=key, **kwargs, **data),
        template="outreach/form_page.html", success_url=back + "#reach",
        message=_("Parameter saved; the estimate is recomputed."),
        context={
            "title": _("%(p)s for %(s)s") % {"p": ReachParameter.Key(key).label, "s": subject},
            "intro": _("Give low, central and high values and where they come from; mark them as an assumption if no source exists."),
            "submit": _("Save parameter"), "back": back + "#reach", "back_label": str(subject),
        })


@login_required
def programme_parameter(request: SignedInRequest, pk: int, key: str) -> HttpResponse:
    programme = access.get_for_user(request.user, TrainingProgramme, pk, write=True)
    return _parameter_edit(request, programme, key, reverse("outreach:programme_detail", args=[pk]))


@login_required
def campaign_parameter(request: SignedInRequest, pk: int, key: str) -> HttpResponse:
    campaign = access.get_for_user(request.user, Campaign, pk, write=True)
    return _parameter_edit(request, campaign, key, reverse("outreach:campaign_detail", args=[pk]))


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_for_user(request.user, Campaign.objects.select_related("owner_organisation", "programme"), pk)
    params = {p.key: p for p in campaign.parameters.all()}
    return render(request, "outreach/campaign_detail.html", {
        "campaign": campaign, "may_write": access.can_write(request.user, campaign),
        "messages_list": campaign.messages.prefetch_related("placements"),
        "parameter_keys": [(k, ReachParameter.Key(k).label, params.get(k)) for k in ReachParameter.PLACEMENT_KEYS],
        **_reach_context(selectors.stored_reach(request.user, campaign=campaign)),
        "reach_over_time": selectors.reach_over_time(request.user, reach.Scope(campaign_id=campaign.pk),
                                                     campaign.starts_on, campaign.ends_on, subject=campaign),
    })


def country(request: HttpRequest, code: str) -> HttpResponse:
    code = code.upper()
    if code not in dict(countries):
        raise Http404
    start, end = _period(request)
    overview = selectors.country_overview(request.user, code)
    period_errors: list[str] = []
    status = 200
    if start or end:
        try:
            overview["reach"] = selectors.live_reach(request.user, reach.Scope(country=code, start=start, end=end))
        except ValidationError as exc:
            period_errors, status = exc.messages, 400
            start = end = None
    return render(request, "outreach/country.html", {
        "code": code, "name": countries.name(code), "start": start, "end": end, "period_errors": period_errors,
        "reach_over_time": selectors.reach_over_time(request.user, reach.Scope(country=code), start, end),
        **overview, **_reach_context(overview["reach"]),
    }, status=status)


def _period(request: HttpRequest) -> tuple[date | None, date | None]:
    def parse(name: str) -> date | None:
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    return parse("start"), parse("end")


# --- Certificates ---------------------------------------------------------------------------

@login_required
@require_POST
def certificate_issue(request: SignedInRequest, pk: int) -> HttpResponse:
    trainee = access.get_for_user(request.user, Trainee.objects.select_related("programme"), pk, write=True)
    try:
        certificate = services.certificate_issue(actor=request.user, trainee=trainee)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Certificate %(c)s issued.") % {"c": certificate.code})
    return redirect("outreach:programme_trainees", pk=trainee.programme_id)


@login_required
def certificate_revoke(request: SignedInRequest, code: str) -> HttpResponse:
    certificate = _certificate_for(request, code, write=True)
    return form_view(
        request, RevokeForm(request.POST or None),
        save=lambda data: services.certificate_revoke(actor=request.user, certificate=certificate, reason=data["reason"]),
        template="outreach/form_page.html",
        success_url=reverse("outreach:programme_trainees", args=[certificate.trainee.programme_id]),
        message=_("Certificate %(c)s revoked.") % {"c": certificate.code},
        context={"title": _("Revoke certificate %(c)s") % {"c": certificate.code},
                 "intro": _("Anyone checking this code will then be told it is not valid."), "submit": _("Revoke")})


def _certificate_for(request: HttpRequest, code: str, *, write: bool = False) -> Certificate:
    certificate = selectors.certificate_lookup(code)
    if certificate is None:
        raise Http404
    return access.get_for_user(request.user, Certificate.objects.select_related("trainee__programme"), certificate.pk, write=write)


@login_required
def certificate_pdf(request: SignedInRequest, code: str) -> HttpResponse:
    certificate = _certificate_for(request, code, write=True)
    pdf = render_certificate_pdf(certificate, request.build_absolute_uri(reverse("outreach:verify_code", args=[certificate.code])))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


def render_certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string("outreach/certificate.html", {
        "certificate": certificate, "trainee": certificate.trainee, "programme": certificate.trainee.programme,
        "organisers": certificate.trainee.programme.organisers.all(), "verify_url": verify_url,
    })
    # No base_url: the certificate loads nothing from anywhere.
    return HTML(string=html).write_pdf()


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public: anyone may check a code. Unknown, forged and revoked codes all answer "not valid"."""
    form = VerifyForm(request.GET or None, initial={"code": code})
    checked = code or (form.cleaned_data["code"] if form.is_valid() else "")
    certificate = selectors.certificate_lookup(checked) if checked else None
    valid = certificate is not None and certificate.is_valid and certificate.trainee.programme.is_published
    return render(request, "outreach/verify.html", {
        "form": form, "checked": checked, "certificate": certificate if valid else None,
        "revoked": certificate is not None and not certificate.is_valid, "valid": valid,
    }, status=200)


# --- Setting up programmes, cohorts, campaigns and messages ----------------------------------
# The secretariat, and a focal point for their own organisation's records (the services' rule:
# access.can_create over the organisers, the owner and partners). Reached from the outreach page,
# the programme's and the campaign's pages.

def _may_set_up(user: Actor) -> bool:
    return access.role_of(user) in {"secretariat", "focal_point"}


def _organisations(user: Actor) -> Any:
    return access.readable(user, Organisation.objects.all()).order_by("name_key")


def _own_among(user: Actor, organisations: list, field: str, label: str) -> None:
    """A focal point sets up records of their own organisation only: refused with a sentence, not a 403."""
    if not access.can_create(user, {o.pk for o in organisations}):
        raise ValidationError({field: _("Your own organisation must be one of the %(what)s.") % {"what": label}})


def _programme_save(user: User, form: ProgrammeForm, programme: TrainingProgramme | None) -> TrainingProgramme:
    data = form.service_fields()
    _own_among(user, data["organisers"], "organisers", _("organisers"))
    if programme is None:
        return services.programme_create(actor=user, **data)
    return services.programme_update(actor=user, programme=programme, **data)


@login_required
def programme_create(request: SignedInRequest) -> HttpResponse:
    if not _may_set_up(request.user):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, organisations=_organisations(request.user))
    return form_view(
        request, form, save=lambda data: _programme_save(request.user, form, None),
        template="outreach/form_page.html", message=_("Training programme recorded."),
        success_url=lambda programme: reverse("outreach:programme_detail", args=[programme.pk]),
        context={"title": _("New training programme"), "submit": _("Create programme"),
                 "back": reverse("outreach:index"), "back_label": _("Outreach"),
                 "intro": _("A programme trains adults (teachers, parents, officers) who may train others in turn. "
                            "Add its cohorts on its page once it is created.")})


@login_required
def programme_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    programme = access.get_for_user(request.user, TrainingProgramme, pk, write=True)
    form = ProgrammeForm(request.POST or None, organisations=_organisations(request.user), instance=programme)
    return form_view(
        request, form, save=lambda data: _programme_save(request.user, form, programme),
        template="outreach/form_page.html", success_url=reverse("outreach:programme_detail", args=[programme.pk]),
        context={"title": _("Edit %(p)s") % {"p": programme.name}, "submit": _("Save changes"), "programme": programme})


@login_required
def cohort_create(request: SignedInRequest, pk: int) -> HttpResponse:
    programme = access.get_for_user(request.user, TrainingProgramme, pk, write=True)
    return form_view(
        request, CohortForm(request.POST or None),
        save=lambda data: services.cohort_create(actor=request.user, programme=programme, **data),
        template="outreach/form_page.html", success_url=reverse("outreach:programme_detail", args=[programme.pk]),
        message=lambda cohort: _("Cohort %(c)s added: register its trainees from the programme's page.") % {"c": cohort.name},
        context={"title": _("New cohort of %(p)s") % {"p": programme.name}, "submit": _("Add cohort"),
                 "programme": programme})


def _campaign_save(user: User, form: CampaignForm, campaign: Campaign | None) -> Campaign:
    data = form.service_fields()
    _own_among(user, [data["owner_organisation"], *data["partners"]], "owner_organisation", _("owner or partners"))
    if campaign is None:
        return services.campaign_create(actor=user, **data)
    return services.campaign_update(actor=user, campaign=campaign, **data)


def _campaign_form(request: SignedInRequest, campaign: Campaign | None) -> CampaignForm:
    return CampaignForm(request.POST or None, organisations=_organisations(request.user), instance=campaign,
                        programmes=selectors.programmes_for(request.user).order_by("name"))


@login_required
def campaign_create(request: SignedInRequest) -> HttpResponse:
    if not _may_set_up(request.user):
        raise PermissionDenied
    form = _campaign_form(request, None)
    return form_view(
        request, form, save=lambda data: _campaign_save(request.user, form, None),
        template="outreach/form_page.html", message=_("Campaign recorded: add its messages on its page."),
        success_url=lambda campaign: reverse("outreach:campaign_detail", args=[campaign.pk]),
        context={"title": _("New awareness campaign"), "submit": _("Create campaign"),
                 "back": reverse("outreach:index"), "back_label": _("Outreach")})


@login_required
def campaign_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    campaign = access.get_for_user(request.user, Campaign, pk, write=True)
    form = _campaign_form(request, campaign)
    back = reverse("outreach:campaign_detail", args=[campaign.pk])
    return form_view(
        request, form, save=lambda data: _campaign_save(request.user, form, campaign),
        template="outreach/form_page.html", success_url=back,
        context={"title": _("Edit “%(c)s”") % {"c": campaign.banner}, "submit": _("Save changes"),
                 "back": back, "back_label": campaign.banner})


@login_required
def message_add(request: SignedInRequest, pk: int) -> HttpResponse:
    campaign = access.get_for_user(request.user, Campaign, pk, write=True)
    back = reverse("outreach:campaign_detail", args=[campaign.pk])
    return form_view(
        request, MessageForm(request.POST or None, request.FILES or None),
        save=lambda data: services.message_add(actor=request.user, campaign=campaign, **data),
        template="outreach/form_page.html", success_url=back,
        message=lambda message: _("Message “%(m)s” added.") % {"m": message.title},
        context={"title": _("New message of “%(c)s”") % {"c": campaign.banner}, "submit": _("Add message"),
                 "back": back, "back_label": campaign.banner, "multipart": True,
                 "intro": _("A spot, poster, post or leaflet. Where and when it ran is recorded as its placements.")})
