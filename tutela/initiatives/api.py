"""The initiative, pillars, deliverables, people and appointments over the API."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Query, Router, Schema, Status
from pydantic import Field

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.api import ERRORS, SIGNED_IN, ApiRequest, Id, SignedInApiRequest
from tutela.partners.api import MAX_LIMIT, organisations_by_id, page_of

from . import selectors, services
from .models import Appointment, Deliverable, Initiative, Person, Pillar

router = Router(tags=["initiatives"])


# --- Initiatives and pillars ----------------------------------------------------------------

class PillarOut(Schema):
    id: int
    number: int
    name: str
    short_name: str
    slug: str
    description: str


class InitiativeOut(Schema):
    id: int
    name: str
    short_name: str
    phase: str
    launched_on: date | None
    launch_place: str
    mandate: str
    description: str
    lead_organisation_id: int | None


class InitiativePatch(Schema):
    name: str | None = None
    short_name: str | None = None
    phase: str | None = None
    launched_on: date | None = None
    launch_place: str | None = None
    mandate: str | None = None
    description: str | None = None
    lead_organisation_id: Id | None = None


@router.get("/pillars", response={200: list[PillarOut], **ERRORS}, summary="The five GCA pillars, in order")
def pillar_list(request: ApiRequest):
    return selectors.pillars()


@router.get("/initiatives", response={200: list[InitiativeOut], **ERRORS}, summary="List initiatives")
def initiative_list(request: ApiRequest):
    return list(Initiative.objects.order_by("launched_on", "pk"))


@router.get("/initiatives/{int:pk}", response={200: InitiativeOut, **ERRORS}, summary="One initiative")
def initiative_detail(request: ApiRequest, pk: Id):
    return access.get_for_user(request.user, Initiative, pk)


@router.patch("/initiatives/{int:pk}", response={200: InitiativeOut, **ERRORS}, auth=SIGNED_IN, summary="Change an initiative")
def initiative_update(request: SignedInApiRequest, pk: Id, payload: InitiativePatch):
    access.require_secretariat(request.auth)
    initiative = access.get_for_user(request.auth, Initiative, pk, write=True)
    data = payload.dict(exclude_unset=True)
    if "lead_organisation_id" in data:
        lead = data.pop("lead_organisation_id")
        data["lead_organisation"] = organisations_by_id(request.auth, [lead], "lead_organisation_id")[0] if lead else None
    return services.initiative_update(actor=request.auth, initiative=initiative, **data)


# --- Deliverables ---------------------------------------------------------------------------

class DeliverableOut(Schema):
    id: int
    initiative_id: int
    title: str
    description: str
    pillars: list[int] = Field(description="Pillar numbers (1–5).")
    status: str
    target_date: date | None
    lead_organisation_id: int | None
    contributing_organisation_ids: list[int]
    evidence_count: int = Field(description="Published activities linked as evidence of progress.")
    is_published: bool

    @staticmethod
    def resolve_pillars(obj: Deliverable) -> list[int]:
        return sorted(p.number for p in obj.pillars.all())

    @staticmethod
    def resolve_contributing_organisation_ids(obj: Deliverable) -> list[int]:
        return sorted(o.pk for o in obj.contributing_organisations.all())


class DeliverablePage(Schema):
    items: list[DeliverableOut]
    next: str | None


class DeliverableQuery(Schema):
    pillar: str = Field("", description="Pillar slug or number.")
    status: str = Field("", description="planned, in_progress, achieved or dropped.")
    organisation: Id | None = Field(None, description="Leading or contributing organisation id.")
    q: str = ""
    editable: bool = False
    after: str | None = None
    limit: int = Field(25, ge=1, le=MAX_LIMIT)


class DeliverableIn(Schema):
    initiative_id: Id | None = Field(None, description="Defaults to the only initiative, if there is one.")
    title: str
    description: str = ""
    pillars: list[Id] = Field(description="Pillar numbers (1–5); at least one.")
    status: str = Deliverable.Status.PLANNED
    target_date: date | None = None
    lead_organisation_id: Id | None = None
    contributing_organisation_ids: list[Id] = []
    is_published: bool = True


class DeliverablePatch(Schema):
    title: str | None = None
    description: str | None = None
    pillars: list[Id] | None = None
    status: str | None = None
    target_date: date | None = None
    lead_organisation_id: Id | None = None
    contributing_organisation_ids: list[Id] | None = None
    is_published: bool | None = None


def _pillars(numbers: list[int] | None) -> list[Pillar] | None:
    if numbers is None:
        return None
    found = {p.number: p for p in Pillar.objects.filter(number__in=numbers)}
    unknown = [n for n in numbers if n not in found]
    if unknown:
        raise ValidationError({"pillars": [f"Unknown pillar: {', '.join(map(str, unknown))}. Choose among 1–5."]})
    return [found[n] for n in dict.fromkeys(numbers)]


def _deliverable_fields(request: ApiRequest, data: dict[str, Any], current: Deliverable | None = None) -> dict[str, Any]:
    if "is_published" in data and not access.is_secretariat(request.auth):
        if current is not None or not data["is_published"]:
            raise PermissionDenied
        data.pop("is_published")
    if "pillars" in data:
        data["pillars"] = _pillars(data["pillars"])
    if "lead_organisation_id" in data:
        lead = data.pop("lead_organisation_id")
        data["lead_organisation"] = organisations_by_id(request.auth, [lead], "lead_organisation_id")[0] if lead else None
    if "contributing_organisation_ids" in data:
        data["contributing_organisations"] = organisations_by_id(
            request.auth, data.pop("contributing_organisation_ids"), "contributing_organisation_ids"
        )
    # A focal point may only write deliverables their organisation leads or contributes to.
    lead = data.get("lead_organisation", current.lead_organisation if current else None)
    contributors = data.get("contributing_organisations")
    if contributors is None:
        contributors = list(current.contributing_organisations.all()) if current else []
    owners = {o.pk for o in contributors} | ({lead.pk} if lead else set())
    if not access.can_create(request.auth, owners):
        raise PermissionDenied
    return data


def _one_deliverable(user: Actor, pk: int) -> Deliverable:
    qs = selectors.deliverable_list(user=user, filters=selectors.DeliverableFilters()).prefetch_related("contributing_organisations")
    return access.get_for_user(user, qs, pk)


@router.get("/deliverables", response={200: DeliverablePage, **ERRORS}, summary="List deliverables")
def deliverable_list(request: ApiRequest, query: Query[DeliverableQuery]):
    filters = selectors.DeliverableFilters.from_params({**query.dict(), "editable": "1" if query.editable else ""})
    if filters.editable:
        access.require_signed_in(request.user)
    if filters.unknown_pillar:
        raise ValidationError({"pillar": ["Unknown pillar: choose among the five GCA pillars (1–5)."]})
    qs = selectors.deliverable_list(user=request.user, filters=filters).prefetch_related("contributing_organisations")
    return page_of(qs, ordering=selectors.DELIVERABLE_ORDERING, after=query.after, limit=query.limit)


@router.get("/deliverables/{int:pk}", response={200: DeliverableOut, **ERRORS}, summary="One deliverable")
def deliverable_detail(request: ApiRequest, pk: Id):
    return _one_deliverable(request.user, pk)


@router.post("/deliverables", response={201: DeliverableOut, **ERRORS}, auth=SIGNED_IN, summary="Create a deliverable")
def deliverable_create(request: SignedInApiRequest, payload: DeliverableIn):
    data = _deliverable_fields(request, payload.dict())
    initiative_id = data.pop("initiative_id")
    initiatives = Initiative.objects.filter(pk=initiative_id) if initiative_id else Initiative.objects.all()
    if len(initiatives[:2]) != 1:
        raise ValidationError({"initiative_id": ["Say which initiative the deliverable belongs to."]})
    deliverable = services.deliverable_create(actor=request.auth, initiative=initiatives[0], **data)
    return Status(201, _one_deliverable(request.auth, deliverable.pk))


@router.patch("/deliverables/{int:pk}", response={200: DeliverableOut, **ERRORS}, auth=SIGNED_IN, summary="Change a deliverable")
def deliverable_update(request: SignedInApiRequest, pk: Id, payload: DeliverablePatch):
    deliverable = access.get_for_user(request.auth, Deliverable, pk, write=True)
    data = _deliverable_fields(request, payload.dict(exclude_unset=True), current=deliverable)
    services.deliverable_update(actor=request.auth, deliverable=deliverable, **data)
    return _one_deliverable(request.auth, deliverable.pk)


# --- People ---------------------------------------------------------------------------------

class PersonOut(Schema):
    id: int
    honorific: str
    full_name: str
    position: str
    organisation_id: int | None
    country: str
    is_public_figure: bool
    consent_to_be_named: bool
    consent_recorded_on: date | None
    email: str | None = Field(description="Only for those who may edit the person.")

    @staticmethod
    def resolve_country(obj: Person) -> str:
        return str(obj.country)

    @staticmethod
    def resolve_email(obj: Person, context: dict) -> str | None:
        return obj.email if access.can_write(context["request"].user, obj) else None


class PersonPage(Schema):
    items: list[PersonOut]
    next: str | None


class PersonQuery(Schema):
    organisation: Id | None = None
    q: str = ""
    role: str = Field("", description="Only people holding an appointment with this role.")
    editable: bool = False
    after: str | None = None
    limit: int = Field(25, ge=1, le=MAX_LIMIT)


class PersonIn(Schema):
    adult: bool = Field(description="Confirm the person is 18 or over. Children are never recorded by name.")
    honorific: str = ""
    full_name: str
    position: str = ""
    organisation_id: Id | None = None
    country: str = ""
    is_public_figure: bool = False
    consent_to_be_named: bool = False
    consent_recorded_on: date | None = None
    email: str = ""


class PersonPatch(Schema):
    honorific: str | None = None
    full_name: str | None = None
    position: str | None = None
    organisation_id: Id | None = None
    country: str | None = None
    is_public_figure: bool | None = None
    consent_to_be_named: bool | None = None
    consent_recorded_on: date | None = None
    email: str | None = None


def _person_fields(request: ApiRequest, data: dict[str, Any], current: Person | None = None) -> dict[str, Any]:
    if "organisation_id" in data:
        org_id = data.pop("organisation_id")
        data["organisation"] = organisations_by_id(request.auth, [org_id], "organisation_id")[0] if org_id else None
    if data.get("country"):
        data["country"] = data["country"].upper()
    org = data.get("organisation", current.organisation if current else None)
    if not access.can_create(request.auth, {org.pk} if org else None):
        raise PermissionDenied  # a focal point records only their own organisation's people
    return data


@router.get("/people", response={200: PersonPage, **ERRORS}, summary="List people")
def person_list(request: ApiRequest, query: Query[PersonQuery]):
    """The public sees only public figures and people who consented to be named."""
    filters = selectors.PersonFilters.from_params({**query.dict(), "editable": "1" if query.editable else ""})
    if filters.editable:
        access.require_signed_in(request.user)
    qs = selectors.person_list(user=request.user, filters=filters)
    return page_of(qs, ordering=selectors.PERSON_ORDERING, after=query.after, limit=query.limit)


@router.get("/people/{int:pk}", response={200: PersonOut, **ERRORS}, summary="One person")
def person_detail(request: ApiRequest, pk: Id):
    return access.get_for_user(request.user, Person, pk)


@router.post("/people", response={201: PersonOut, **ERRORS}, auth=SIGNED_IN, summary="Record an adult")
def person_create(request: SignedInApiRequest, payload: PersonIn):
    data = _person_fields(request, payload.dict())
    return Status(201, services.person_create(actor=request.auth, **data))


@router.patch("/people/{int:pk}", response={200: PersonOut, **ERRORS}, auth=SIGNED_IN, summary="Change a person")
def person_update(request: SignedInApiRequest, pk: Id, payload: PersonPatch):
    person = access.get_for_user(request.auth, Person, pk, write=True)
    data = _person_fields(request, payload.dict(exclude_unset=True), current=person)
    return services.person_update(actor=request.auth, person=person, **data)


# --- Appointments -----------------------------------------------------------------------------

class AppointmentOut(Schema):
    id: int
    person_id: int
    person: str
    role: str
    subject_type: str = Field(description="app_label.model, e.g. initiatives.initiative or partners.organisation")
    subject_id: int
    subject: str
    starts_on: date | None
    ends_on: date | None
    note: str

    @staticmethod
    def resolve_person(obj: Appointment) -> str:
        return str(obj.person)

    @staticmethod
    def resolve_subject_type(obj: Appointment) -> str:
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}"

    @staticmethod
    def resolve_subject(obj: Appointment) -> str:
        return str(obj.subject) if obj.subject is not None else ""


class AppointmentPage(Schema):
    items: list[AppointmentOut]
    next: str | None


class AppointmentQuery(Schema):
    role: str = ""
    person: Id | None = None
    subject_type: str = Field("", description="app_label.model or model name, e.g. initiative, organisation")
    subject_id: Id | None = None
    current: bool = Field(False, description="Only appointments running today.")
    after: str | None = None
    limit: int = Field(25, ge=1, le=MAX_LIMIT)


class AppointmentIn(Schema):
    person_id: Id
    role: str
    subject_type: str = Field(description="app_label.model or model name, e.g. initiative, organisation")
    subject_id: Id
    starts_on: date | None = None
    ends_on: date | None = None
    note: str = ""


class AppointmentPatch(Schema):
    role: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    note: str | None = None


def _appointments():
    return Appointment.objects.select_related("person", "subject_type").prefetch_related("subject")


@router.get("/appointments", response={200: AppointmentPage, **ERRORS}, summary="List appointments")
def appointment_list(request: ApiRequest, query: Query[AppointmentQuery]):
    """The public sees appointments of people who may be named."""
    filters = selectors.AppointmentFilters.from_params(query.dict())
    qs = selectors.appointment_list(user=request.user, filters=filters).prefetch_related("subject")
    return page_of(qs, ordering=selectors.APPOINTMENT_ORDERING, after=query.after, limit=query.limit)


@router.get("/appointments/{int:pk}", response={200: AppointmentOut, **ERRORS}, summary="One appointment")
def appointment_detail(request: ApiRequest, pk: Id):
    return access.get_for_user(request.user, _appointments(), pk)


@router.post("/appointments", response={201: AppointmentOut, **ERRORS}, auth=SIGNED_IN, summary="Appoint a person")
def appointment_create(request: SignedInApiRequest, payload: AppointmentIn):
    """The caller must be able to edit both the person and what the appointment is on."""
    person = access.get_for_user(request.auth, Person, payload.person_id, write=True)
    ct = selectors.content_type_for(payload.subject_type.lower())
    model = ct.model_class() if ct else None
    subject = model._default_manager.filter(pk=payload.subject_id).first() if model else None
    if subject is None:
        raise ValidationError({"subject_id": ["Unknown subject: give subject_type (e.g. initiative) and an existing subject_id."]})
    if not access.can_write(request.auth, subject):
        raise PermissionDenied
    appointment = services.appointment_create(
        actor=request.auth, person=person, role=payload.role, subject=subject,
        starts_on=payload.starts_on, ends_on=payload.ends_on, note=payload.note,
    )
    return Status(201, _appointments().get(pk=appointment.pk))


@router.patch("/appointments/{int:pk}", response={200: AppointmentOut, **ERRORS}, auth=SIGNED_IN, summary="Change an appointment")
def appointment_update(request: SignedInApiRequest, pk: Id, payload: AppointmentPatch):
    appointment = access.get_for_user(request.auth, _appointments(), pk, write=True)
    services.appointment_update(actor=request.auth, appointment=appointment, **payload.dict(exclude_unset=True))
    return _appointments().get(pk=appointment.pk)
