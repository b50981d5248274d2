"""Organisations and agreements: lists, detail pages, forms, publishing and merging duplicates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tutela.core import access
from tutela.core.forms import add_service_errors
from tutela.core.forms import list_template as _list_template
from tutela.core.pagination import keyset_page
from tutela.core.requests import SignedInRequest
from tutela.core.views import form_view

from . import selectors, services
from .forms import AgreementForm, CommitmentForm, MergeForm, OrganisationForm
from .models import AGREEMENT_LIFECYCLE, Agreement, Commitment, Organisation

PAGE_SIZE = 25


# --- Organisations ------------------------------------------------------------------------

def organisation_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.OrganisationFilters.from_params(request.GET)
    if filters.editable:
        access.require_signed_in(request.user)
    qs = selectors.organisation_list(user=request.user, filters=filters)
    page = keyset_page(qs, ordering=selectors.ORGANISATION_ORDERING, cursor=request.GET.get("after"), size=PAGE_SIZE)
    context = {
        "page": page,
        "filters": filters,
        "kinds": Organisation.Kind.choices,
        "countries": selectors.organisation_countries(user=request.user),
        "parents": selectors.organisation_parents(user=request.user),
        "can_create": access.can_create(request.user),
    }
    return render(request, _list_template(request, "partners/organisation_list.html"), context)


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_for_user(request.user, Organisation.objects.select_related("parent"), pk)
    context = {
        "organisation": organisation,
        "can_edit": access.can_write(request.user, organisation),
        **selectors.organisation_detail(user=request.user, organisation=organisation),
    }
    return render(request, "partners/organisation_detail.html", context)


@login_required
def organisation_create(request: SignedInRequest) -> HttpResponse:
    access.require_secretariat(request.user)
    return form_view(
        request, OrganisationForm(request.POST or None, parents=Organisation.objects.all()),
        save=lambda data: services.organisation_create(actor=request.user, **data),
        template="components/form_page.html",
        context={"heading": _("New organisation"), "back_url": reverse("partners:organisation_list"),
                 "back_label": _("Partner organisations"), "stylesheet": "partners/partners.css"},
        success_url=lambda org: reverse("partners:organisation_detail", args=[org.pk]),
        message=lambda org: _("Organisation “%(name)s” created.") % {"name": org.name},
    )


@login_required
def organisation_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    organisation = access.get_for_user(request.user, Organisation, pk, write=True)
    parents = access.readable(request.user, Organisation.objects.all())
    return form_view(
        request, OrganisationForm(request.POST or None, instance=organisation, parents=parents),
        save=lambda data: services.organisation_update(actor=request.user, organisation=organisation, **data),
        template="components/form_page.html",
        context={"heading": _("Edit organisation"), "title": _("Edit %(name)s") % {"name": organisation.name},
                 "back_url": reverse("partners:organisation_detail", args=[organisation.pk]),
                 "back_label": organisation.name, "stylesheet": "partners/partners.css"},
        success_url=reverse("partners:organisation_detail", args=[organisation.pk]),
    )


@require_POST
@login_required
def organisation_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_secretariat(request.user)
    organisation = access.get_for_user(request.user, Organisation, pk, write=True)
    published = request.POST.get("published") == "1"
    services.organisation_set_published(actor=request.user, organisation=organisation, published=published)
    messages.success(request, _("Published.") if published else _("Unpublished: only staff can see it now."))
    return redirect("partners:organisation_detail", organisation.pk)


@login_required
def organisation_merge(request: SignedInRequest, pk: int) -> HttpResponse:
    """Choose a duplicate (GET), see what will move (GET ?duplicate=), then merge (POST)."""
    access.require_secretariat(request.user)
    keep = access.get_for_user(request.user, Organisation, pk, write=True)
    data = request.POST if request.method == "POST" else (request.GET if "duplicate" in request.GET else None)
    form = MergeForm(data, keep=keep)
    context: dict = {"keep": keep, "form": form, "duplicate": None, "moves": []}
    if data is not None and form.is_valid():
        duplicate = form.cleaned_data["duplicate"]
        if request.method == "POST" and request.POST.get("confirm") == "1":
            label = str(duplicate)
            try:
                services.organisation_merge(actor=request.user, keep=keep, duplicate=duplicate)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("“%(dup)s” was merged into “%(keep)s”.") % {"dup": label, "keep": keep})
                return redirect("partners:organisation_detail", keep.pk)
        context.update(duplicate=duplicate, moves=selectors.merge_preview(duplicate=duplicate))
    return render(request, "partners/organisation_merge.html", context, status=422 if form.errors else 200)


def organisation_autocomplete(request: HttpRequest) -> HttpResponse:
    """``<option>``s of the organisations the user may read whose name or acronym contains the
    text typed in an organisation picker (``forms.OrganisationPicker``), asked by htmx on every
    keystroke pause: access is decided on each request, nothing is cached. The text is ``q``, or
    the picker's own box ``<field>_q``."""
    text = next((str(value) for key, value in request.GET.items() if key == "q" or key.endswith("_q")), "")
    organisations = selectors.organisations_matching(access.readable(request.user, Organisation.objects.all()), text)
    return render(request, "partners/organisation_options.html", {"organisations": organisations})


# --- Agreements ---------------------------------------------------------------------------

def agreement_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.AgreementFilters.from_params(request.GET)
    if filters.editable:
        access.require_signed_in(request.user)
    qs = selectors.agreement_list(user=request.user, filters=filters)
    page = keyset_page(qs, ordering=selectors.AGREEMENT_ORDERING, cursor=request.GET.get("after"), size=PAGE_SIZE)
    party = None
    if filters.party:
        party = access.readable(request.user, Organisation.objects.filter(pk=filters.party)).first()
    context = {
        "page": page,
        "filters": filters,
        "party": party,
        "kinds": Agreement.Kind.choices,
        "parties": access.readable(request.user, Organisation.objects.filter(agreements__isnull=False)).distinct().order_by("name_key"),
        "statuses": [
            (selectors.AgreementStatus.IN_FORCE, _("In force")),
            (selectors.AgreementStatus.EXPIRING, _("Expiring within %(days)s days") % {"days": filters.within}),
            (selectors.AgreementStatus.EXPIRED, _("Expired")),
            (selectors.AgreementStatus.UPCOMING, _("Not yet in force")),
            (selectors.AgreementStatus.NOT_SIGNED, _("Not signed yet")),
        ],
        "can_create": access.can_create(request.user, access.user_organisation_ids(request.user) or None),
    }
    return render(request, _list_template(request, "partners/agreement_list.html"), context)


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = access.get_for_user(request.user, Agreement, pk)
    context = {
        "agreement": agreement,
        "parties": list(agreement.parties.order_by("name_key")),
        "commitments": selectors.agreement_commitments(agreement),
        "can_edit": access.can_write(request.user, agreement),
    }
    context["moves"] = AGREEMENT_LIFECYCLE.moves(agreement.stage) if context["can_edit"] else []
    return render(request, "partners/agreement_detail.html", context)


@login_required
def agreement_move(request: SignedInRequest, pk: int) -> HttpResponse:
    """Move an agreement to the stage named by ``stage``; expired and renewed are final, so they
    answer with a confirmation page first (``confirm=1``); a refused jump comes back as a message."""
    agreement = access.get_for_user(request.user, Agreement, pk, write=True)
    back = reverse("partners:agreement_detail", args=[agreement.pk])
    if request.method != "POST":
        return redirect(back)
    target = request.POST.get("stage", "").strip()
    if (AGREEMENT_LIFECYCLE.refusal(agreement.stage, target) is None and target != agreement.stage
            and AGREEMENT_LIFECYCLE.is_irreversible(target) and request.POST.get("confirm") != "1"):
        verbs = {m.target: m.verb for m in AGREEMENT_LIFECYCLE.moves(agreement.stage)}
        return render(request, "components/confirm_move.html", {
            "object": agreement, "back_url": back, "field": "stage", "target": target, "verb": verbs[target],
            "action_url": reverse("partners:agreement_move", args=[agreement.pk]),
            "current_label": AGREEMENT_LIFECYCLE.label(agreement.stage), "target_label": AGREEMENT_LIFECYCLE.label(target),
        })
    try:
        services.agreement_move(actor=request.user, agreement=agreement, stage=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.message_dict.get("stage", exc.messages)))
    else:
        messages.success(request, _("The agreement is now %(stage)s.") % {"stage": AGREEMENT_LIFECYCLE.label(target)})
    return redirect(back)


def _party_choices(user):
    # Anyone who may create an agreement may name any readable organisation as a party; a focal
    # point must include their own organisation (checked on submit).
    return access.readable(user, Organisation.objects.all())


def _agreement_data(request: HttpRequest, cleaned_data: dict) -> dict:
    """The form's data for the service, once the user's own organisation is among the parties."""
    data = dict(cleaned_data)
    data["parties"] = list(data["parties"])
    if not access.can_create(request.user, {o.pk for o in data["parties"]}):
        raise ValidationError({"parties": _("Your own organisation must be one of the parties.")})
    return data


@login_required
def agreement_create(request: SignedInRequest) -> HttpResponse:
    if not access.can_create(request.user, access.user_organisation_ids(request.user) or None):
        raise PermissionDenied
    return form_view(
        request, AgreementForm(request.POST or None, parties=_party_choices(request.user)),
        save=lambda data: services.agreement_create(actor=request.user, **_agreement_data(request, data)),
        template="components/form_page.html", message=_("Agreement recorded."),
        context={"heading": _("New agreement"), "back_url": reverse("partners:agreement_list"),
                 "back_label": _("Agreements")},
        success_url=lambda agreement: reverse("partners:agreement_detail", args=[agreement.pk]),
    )


@login_required
def agreement_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    agreement = access.get_for_user(request.user, Agreement, pk, write=True)
    return form_view(
        request, AgreementForm(request.POST or None, instance=agreement, parties=_party_choices(request.user)),
        save=lambda data: services.agreement_update(actor=request.user, agreement=agreement,
                                                    **_agreement_data(request, data)),
        template="components/form_page.html",
        context={"heading": _("Edit agreement"), "title": _("Edit %(name)s") % {"name": agreement.title},
                 "back_url": reverse("partners:agreement_detail", args=[agreement.pk]), "back_label": agreement.title},
        success_url=reverse("partners:agreement_detail", args=[agreement.pk]),
    )


@require_POST
@login_required
def agreement_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_secretariat(request.user)
    agreement = access.get_for_user(request.user, Agreement, pk, write=True)
    published = request.POST.get("published") == "1"
    services.agreement_update(actor=request.user, agreement=agreement, is_published=published)
    messages.success(request, _("Published.") if published else _("Unpublished: only staff can see it now."))
    return redirect("partners:agreement_detail", agreement.pk)


def _commitment_page(agreement: Agreement, heading: str) -> dict:
    return {"heading": heading, "title": _("Commitment · %(agreement)s") % {"agreement": agreement.title},
            "back_url": reverse("partners:agreement_detail", args=[agreement.pk]), "back_label": agreement.title}


@login_required
def commitment_create(request: SignedInRequest, pk: int) -> HttpResponse:
    agreement = access.get_for_user(request.user, Agreement, pk, write=True)
    return form_view(
        request, CommitmentForm(request.POST or None, agreement=agreement),
        save=lambda data: services.commitment_add(actor=request.user, agreement=agreement,
                                                  **{**data, "responsible": list(data["responsible"])}),
        template="components/form_page.html", context=_commitment_page(agreement, _("Add a commitment")),
        message=_("Commitment added."), success_url=reverse("partners:agreement_detail", args=[agreement.pk]),
    )


@login_required
def commitment_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    commitment = access.get_for_user(request.user, Commitment.objects.select_related("agreement"), pk, write=True)
    agreement = commitment.agreement
    return form_view(
        request, CommitmentForm(request.POST or None, instance=commitment, agreement=agreement),
        save=lambda data: services.commitment_update(actor=request.user, commitment=commitment,
                                                     **{**data, "responsible": list(data["responsible"])}),
        template="components/form_page.html", context=_commitment_page(agreement, _("Edit commitment")),
        success_url=reverse("partners:agreement_detail", args=[agreement.pk]),
    )


# --- The focal point's (and secretariat's) edit list ------------------------------------------

@login_required
def my_records(request: SignedInRequest) -> HttpResponse:
    """Everything the signed-in user may edit here; other organisations' records never appear."""
    user = request.user
    if access.role_of(user) not in {"secretariat", "focal_point"}:
        raise PermissionDenied
    limit = 100
    context = {
        "organisations": list(access.writable(user, Organisation.objects.select_related("parent")).order_by("name_key")[:limit]),
        "agreements": list(access.writable(user, Agreement.objects.all()).order_by("-id")[:limit]),
        "limit": limit,
    }
    return render(request, "partners/my_records.html", context)
