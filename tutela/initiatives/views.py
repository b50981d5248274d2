"""The initiative and its pillars, deliverables (with their evidence), people and appointments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tutela.core import access
from tutela.core.forms import list_template as _list_template
from tutela.core.pagination import keyset_page
from tutela.core.requests import SignedInRequest
from tutela.core.views import form_view
from tutela.partners.models import Organisation

from . import selectors, services
from .forms import AppointmentForm, DeliverableForm, InitiativeForm, MandateVersionForm, PersonForm
from .models import Appointment, Deliverable, Initiative, Person, Pillar

PAGE_SIZE = 25


# --- The initiative and its pillars ---------------------------------------------------------

def _form_page(heading: str, back_url: str, back: object = None) -> dict:
    """``components/form_page.html``'s context: the link back names the record, else the list."""
    return {"heading": heading, "back_url": back_url, "back_label": str(back) if back else _("Back to the list"),
            "stylesheet": "partners/partners.css"}


def initiative_home(request: HttpRequest) -> HttpResponse:
    initiatives = list(Initiative.objects.select_related("lead_organisation").order_by("launched_on", "pk"))
    if len(initiatives) == 1:
        return initiative_detail(request, initiatives[0].pk)
    return render(request, "initiatives/initiative_list.html", {"initiatives": initiatives, "pillars": selectors.pillars()})


def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = access.get_for_user(request.user, Initiative.objects.select_related("lead_organisation"), pk)
    context = {
        "initiative": initiative,
        "can_edit": access.is_secretariat(request.user),
        **selectors.initiative_overview(user=request.user, initiative=initiative),
    }
    return render(request, "initiatives/initiative_detail.html", context)


@login_required
def initiative_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_secretariat(request.user)
    initiative = access.get_for_user(request.user, Initiative, pk, write=True)
    return form_view(
        request, InitiativeForm(request.POST or None, instance=initiative),
        save=lambda data: services.initiative_update(actor=request.user, initiative=initiative, **data),
        template="components/form_page.html", success_url=reverse("initiatives:initiative_detail", args=[initiative.pk]),
        context=_form_page(_("Edit the initiative"), reverse("initiatives:initiative_detail", args=[initiative.pk]), initiative),
    )


@login_required
def mandate_version_add(request: SignedInRequest, pk: int) -> HttpResponse:
    """The secretariat records a revised version of the mandate, with the day it is in force from."""
    access.require_secretariat(request.user)
    initiative = access.get_for_user(request.user, Initiative, pk, write=True)
    return form_view(
        request, MandateVersionForm(request.POST or None),
        save=lambda data: services.mandate_version_add(actor=request.user, initiative=initiative, **data),
        template="components/form_page.html", success_url=reverse("initiatives:initiative_detail", args=[initiative.pk]),
        context=_form_page(_("Add a version of the mandate"),
                           reverse("initiatives:initiative_detail", args=[initiative.pk]), initiative),
    )


def pillar_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pillar = Pillar.objects.filter(slug=slug).first()
    if pillar is None:
        raise Http404
    context = {"pillar": pillar, "pillars": selectors.pillars(), **selectors.pillar_overview(user=request.user, pillar=pillar)}
    return render(request, "initiatives/pillar_detail.html", context)


# --- Deliverables ---------------------------------------------------------------------------

def deliverable_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.DeliverableFilters.from_params(request.GET)
    if filters.editable:
        access.require_signed_in(request.user)
    qs = selectors.deliverable_list(user=request.user, filters=filters)
    page = keyset_page(qs, ordering=selectors.DELIVERABLE_ORDERING, cursor=request.GET.get("after"), size=PAGE_SIZE)
    context = {
        "page": page,
        "filters": filters,
        "pillars": selectors.pillars(),
        "statuses": Deliverable.Status.choices,
        "organisations": access.readable(
            request.user,
            Organisation.objects.filter(Q(deliverables_led__isnull=False) | Q(deliverables_contributed__isnull=False)),
        ).distinct().order_by("name_key"),
        "can_create": access.can_create(request.user, access.user_organisation_ids(request.user) or None),
    }
    return render(request, _list_template(request, "initiatives/deliverable_list.html"), context)


def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = access.get_for_user(
        request.user, Deliverable.objects.select_related("initiative", "lead_organisation"), pk
    )
    context = {
        "deliverable": deliverable,
        "pillars": list(deliverable.pillars.order_by("number")),
        "contributors": list(deliverable.contributing_organisations.order_by("name_key")),
        "can_edit": access.can_write(request.user, deliverable),
    }
    return render(request, "initiatives/deliverable_detail.html", context)


def _deliverable_data(request: HttpRequest, cleaned_data: dict) -> dict:
    """The form's data for the service, once the user's own organisation is among the owners."""
    data = dict(cleaned_data)
    data["pillars"] = list(data["pillars"])
    data["contributing_organisations"] = list(data["contributing_organisations"])
    owners = {o.pk for o in data["contributing_organisations"]}
    if data.get("lead_organisation"):
        owners.add(data["lead_organisation"].pk)
    if not access.can_create(request.user, owners):
        raise ValidationError({"lead_organisation": _("Your own organisation must lead or contribute to the deliverable.")})
    return data


@login_required
def deliverable_create(request: SignedInRequest) -> HttpResponse:
    if not access.can_create(request.user, access.user_organisation_ids(request.user) or None):
        raise PermissionDenied
    return form_view(
        request, DeliverableForm(request.POST or None, organisations=access.readable(request.user, Organisation.objects.all())),
        save=lambda data: services.deliverable_create(actor=request.user, **_deliverable_data(request, data)),
        template="components/form_page.html", success_url=lambda d: reverse("initiatives:deliverable_detail", args=[d.pk]),
        message=_("Deliverable created."), context=_form_page(_("New deliverable"), reverse("initiatives:deliverable_list")),
    )


@login_required
def deliverable_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    deliverable = access.get_for_user(request.user, Deliverable, pk, write=True)

    def save(cleaned_data: dict) -> Deliverable:
        data = _deliverable_data(request, cleaned_data)
        if data.pop("initiative") != deliverable.initiative:
            raise ValidationError({"initiative": _("A deliverable stays with its initiative.")})
        return services.deliverable_update(actor=request.user, deliverable=deliverable, **data)

    return form_view(
        request, DeliverableForm(request.POST or None, instance=deliverable,
                                 organisations=access.readable(request.user, Organisation.objects.all())),
        save=save, template="components/form_page.html", success_url=reverse("initiatives:deliverable_detail", args=[deliverable.pk]),
        context=_form_page(_("Edit deliverable"), reverse("initiatives:deliverable_detail", args=[deliverable.pk]), deliverable),
    )


@require_POST
@login_required
def deliverable_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_secretariat(request.user)
    deliverable = access.get_for_user(request.user, Deliverable, pk, write=True)
    published = request.POST.get("published") == "1"
    services.deliverable_update(actor=request.user, deliverable=deliverable, is_published=published)
    messages.success(request, _("Published.") if published else _("Unpublished: only staff can see it now."))
    return redirect("initiatives:deliverable_detail", deliverable.pk)


# --- People and appointments ------------------------------------------------------------------

def person_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.PersonFilters.from_params(request.GET)
    if filters.editable:
        access.require_signed_in(request.user)
    qs = selectors.person_list(user=request.user, filters=filters)
    page = keyset_page(qs, ordering=selectors.PERSON_ORDERING, cursor=request.GET.get("after"), size=PAGE_SIZE)
    context = {
        "page": page,
        "filters": filters,
        "roles": Appointment.Role.choices,
        "organisations": access.readable(
            request.user, Organisation.objects.filter(pk__in=Person.objects.values("organisation_id"))
        ).order_by("name_key"),
        "can_create": access.can_create(request.user, access.user_organisation_ids(request.user) or None),
    }
    return render(request, _list_template(request, "initiatives/person_list.html"), context)


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person.objects.select_related("organisation"), pk)
    appointments = list(person.appointments.select_related("subject_type").prefetch_related("subject").order_by("-starts_on", "pk"))
    context = {"person": person, "appointments": appointments, "can_edit": access.can_write(request.user, person)}
    return render(request, "initiatives/person_detail.html", context)


def _person_orgs(user):
    return access.writable(user, Organisation.objects.all())


@login_required
def person_create(request: SignedInRequest) -> HttpResponse:
    if not access.can_create(request.user, access.user_organisation_ids(request.user) or None):
        raise PermissionDenied
    secretariat = access.is_secretariat(request.user)
    return form_view(
        request, PersonForm(request.POST or None, organisations=_person_orgs(request.user), require_organisation=not secretariat),
        save=lambda data: services.person_create(actor=request.user, **data),
        template="components/form_page.html", success_url=lambda p: reverse("initiatives:person_detail", args=[p.pk]),
        message=_("Person recorded."), context=_form_page(_("New person"), reverse("initiatives:person_list")),
    )


@login_required
def person_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person, pk, write=True)
    secretariat = access.is_secretariat(request.user)
    return form_view(
        request, PersonForm(request.POST or None, instance=person, organisations=_person_orgs(request.user),
                            require_organisation=not secretariat),
        save=lambda data: services.person_update(actor=request.user, person=person, **data),
        template="components/form_page.html", success_url=reverse("initiatives:person_detail", args=[person.pk]),
        context=_form_page(_("Edit person"), reverse("initiatives:person_detail", args=[person.pk]), person),
    )


def _appointment_subjects(user):
    """What ``user`` may appoint people on: what they may write (a focal point: their own organisation)."""
    initiatives = [i for i in Initiative.objects.order_by("name") if access.can_write(user, i)]
    return access.writable(user, Organisation.objects.all()), initiatives


@login_required
def appointment_create(request: SignedInRequest, pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person, pk, write=True)
    organisations, initiatives = _appointment_subjects(request.user)
    return form_view(
        request, AppointmentForm(request.POST or None, organisations=organisations, initiatives=initiatives),
        save=lambda data: services.appointment_create(actor=request.user, person=person, **data),
        template="components/form_page.html", success_url=reverse("initiatives:person_detail", args=[person.pk]),
        message=_("Appointment recorded."),
        context=_form_page(_("New appointment for %(person)s") % {"person": person},
                           reverse("initiatives:person_detail", args=[person.pk]), person),
    )


@login_required
def appointment_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    appointment = access.get_for_user(
        request.user, Appointment.objects.select_related("person", "subject_type"), pk, write=True
    )
    organisations, initiatives = _appointment_subjects(request.user)
    return form_view(
        request, AppointmentForm(request.POST or None, instance=appointment, organisations=organisations,
                                 initiatives=initiatives),
        save=lambda data: services.appointment_update(actor=request.user, appointment=appointment, **data),
        template="components/form_page.html", success_url=reverse("initiatives:person_detail", args=[appointment.person_id]),
        context=_form_page(_("Edit appointment"), reverse("initiatives:person_detail", args=[appointment.person_id]),
                           appointment.person),
    )
