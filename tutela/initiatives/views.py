"""The initiative and its pillars, deliverables (with their evidence), people and appointments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tutela.core import access
from tutela.core.forms import add_service_errors
from tutela.core.forms import list_template as _list_template
from tutela.core.pagination import keyset_page
from tutela.partners.models import Organisation

from . import selectors, services
from .forms import AppointmentForm, DeliverableForm, InitiativeForm, PersonForm
from .models import Appointment, Deliverable, Initiative, Person, Pillar

PAGE_SIZE = 25


def _status(form) -> int:
    return 422 if form.errors else 200


# --- The initiative and its pillars ---------------------------------------------------------

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
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_secretariat(request.user)
    initiative = access.get_for_user(request.user, Initiative, pk, write=True)
    form = InitiativeForm(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_update(actor=request.user, initiative=initiative, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("initiatives:initiative_detail", initiative.pk)
    return render(request, "initiatives/simple_form.html", {
        "form": form, "title": _("Edit the initiative"), "back": initiative, "back_url": "initiatives:initiative_detail",
    }, status=_status(form))


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
        "evidence": selectors.deliverable_evidence(user=request.user, deliverable=deliverable),
        "can_edit": access.can_write(request.user, deliverable),
    }
    return render(request, "initiatives/deliverable_detail.html", context)


def _deliverable_owners_ok(request: HttpRequest, form: DeliverableForm) -> bool:
    data = form.cleaned_data
    owners = {o.pk for o in data.get("contributing_organisations") or []}
    if data.get("lead_organisation"):
        owners.add(data["lead_organisation"].pk)
    if not access.can_create(request.user, owners):
        form.add_error("lead_organisation", _("Your own organisation must lead or contribute to the deliverable."))
        return False
    return True


def _deliverable_data(form: DeliverableForm) -> dict:
    data = dict(form.cleaned_data)
    data["pillars"] = list(data["pillars"])
    data["contributing_organisations"] = list(data["contributing_organisations"])
    return data


@login_required
def deliverable_create(request: HttpRequest) -> HttpResponse:
    if not access.can_create(request.user, access.user_organisation_ids(request.user) or None):
        raise PermissionDenied
    form = DeliverableForm(request.POST or None, organisations=access.readable(request.user, Organisation.objects.all()))
    if request.method == "POST" and form.is_valid() and _deliverable_owners_ok(request, form):
        try:
            deliverable = services.deliverable_create(actor=request.user, **_deliverable_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Deliverable created."))
            return redirect("initiatives:deliverable_detail", deliverable.pk)
    return render(request, "initiatives/simple_form.html", {
        "form": form, "title": _("New deliverable"), "back_url": "initiatives:deliverable_list",
    }, status=_status(form))


@login_required
def deliverable_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = access.get_for_user(request.user, Deliverable, pk, write=True)
    form = DeliverableForm(request.POST or None, instance=deliverable,
                           organisations=access.readable(request.user, Organisation.objects.all()))
    if request.method == "POST" and form.is_valid() and _deliverable_owners_ok(request, form):
        data = _deliverable_data(form)
        if data.pop("initiative") != deliverable.initiative:
            form.add_error("initiative", _("A deliverable stays with its initiative."))
        else:
            try:
                services.deliverable_update(actor=request.user, deliverable=deliverable, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("initiatives:deliverable_detail", deliverable.pk)
    return render(request, "initiatives/simple_form.html", {
        "form": form, "title": _("Edit deliverable"), "back": deliverable, "back_url": "initiatives:deliverable_detail",
    }, status=_status(form))


@require_POST
@login_required
def deliverable_publish(request: HttpRequest, pk: int) -> HttpResponse:
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
def person_create(request: HttpRequest) -> HttpResponse:
    if not access.can_create(request.user, access.user_organisation_ids(request.user) or None):
        raise PermissionDenied
    secretariat = access.is_secretariat(request.user)
    form = PersonForm(request.POST or None, organisations=_person_orgs(request.user), require_organisation=not secretariat)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Person recorded."))
            return redirect("initiatives:person_detail", person.pk)
    return render(request, "initiatives/simple_form.html", {
        "form": form, "title": _("New person"), "back_url": "initiatives:person_list",
    }, status=_status(form))


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person, pk, write=True)
    secretariat = access.is_secretariat(request.user)
    form = PersonForm(request.POST or None, instance=person, organisations=_person_orgs(request.user),
                      require_organisation=not secretariat)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("initiatives:person_detail", person.pk)
    return render(request, "initiatives/simple_form.html", {
        "form": form, "title": _("Edit person"), "back": person, "back_url": "initiatives:person_detail",
    }, status=_status(form))


def _appointment_subjects(user):
    """What ``user`` may appoint people on: what they may write (a focal point: their own organisation)."""
    initiatives = [i for i in Initiative.objects.order_by("name") if access.can_write(user, i)]
    return access.writable(user, Organisation.objects.all()), initiatives


@login_required
def appointment_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_for_user(request.user, Person, pk, write=True)
    organisations, initiatives = _appointment_subjects(request.user)
    form = AppointmentForm(request.POST or None, organisations=organisations, initiatives=initiatives)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_create(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Appointment recorded."))
            return redirect("initiatives:person_detail", person.pk)
    return render(request, "initiatives/simple_form.html", {
        "form": form, "title": _("New appointment for %(person)s") % {"person": person}, "back": person,
        "back_url": "initiatives:person_detail",
    }, status=_status(form))


@login_required
def appointment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = access.get_for_user(
        request.user, Appointment.objects.select_related("person", "subject_type"), pk, write=True
    )
    organisations, initiatives = _appointment_subjects(request.user)
    form = AppointmentForm(request.POST or None, instance=appointment, organisations=organisations, initiatives=initiatives)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_update(actor=request.user, appointment=appointment, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("initiatives:person_detail", appointment.person_id)
    return render(request, "initiatives/simple_form.html", {
        "form": form, "title": _("Edit appointment"), "back": appointment.person, "back_url": "initiatives:person_detail",
    }, status=_status(form))
