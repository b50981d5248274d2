"""Reads of the initiative, pillars, deliverables, people and appointments, through ``core.access``.

List filters are parsed and applied here once, for the HTML views and the API alike.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.text import query_id

from .models import Appointment, Deliverable, Initiative, Person, Pillar

DELIVERABLE_ORDERING = ["title", "id"]
PERSON_ORDERING = ["full_name", "id"]
APPOINTMENT_ORDERING = ["-id"]


def _flag(value: Any) -> bool:
    return (value or "") in ("1", "true", "on", True)


def pillars() -> list[Pillar]:
    return list(Pillar.objects.order_by("number"))


def pillar_by_key(key: Any) -> Pillar | None:
    """A pillar by slug or number (1–5), as the API documents; None if unknown. Never by database key:
    keys and numbers coincide only until the pillars are restored after a flush."""
    if not key:
        return None
    key = str(key)
    if key.isdigit():
        return Pillar.objects.filter(number=int(key)).first()
    return Pillar.objects.filter(slug=key).first()


# --- Deliverables ---------------------------------------------------------------------------

@dataclass
class DeliverableFilters:
    pillar: Pillar | None = None
    status: str = ""
    organisation: int | None = None
    q: str = ""
    editable: bool = False
    unknown_pillar: bool = False

    @classmethod
    def from_params(cls, params: Any) -> "DeliverableFilters":
        status = (params.get("status") or "").strip()
        raw_pillar = (params.get("pillar") or "").strip()
        pillar = pillar_by_key(raw_pillar)
        return cls(
            pillar=pillar,
            unknown_pillar=bool(raw_pillar) and pillar is None,
            status=status if status in Deliverable.Status.values else "",
            organisation=query_id(params.get("organisation")),
            q=(params.get("q") or "").strip()[:100],
            editable=_flag(params.get("editable")),
        )


def deliverable_list(*, user: Actor, filters: DeliverableFilters) -> QuerySet[Deliverable]:
    qs = Deliverable.objects.select_related("lead_organisation").prefetch_related("pillars")
    qs = access.writable(user, qs) if filters.editable else access.readable(user, qs)
    if filters.unknown_pillar:
        return qs.none()
    if filters.pillar:
        qs = qs.filter(pk__in=Deliverable.objects.filter(pillars=filters.pillar).values("pk"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.organisation:
        org = filters.organisation
        qs = qs.filter(
            pk__in=Deliverable.objects.filter(Q(lead_organisation=org) | Q(contributing_organisations=org)).values("pk")
        )
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    return qs.annotate(evidence_count=Count("activities", filter=Q(activities__is_published=True), distinct=True))


# --- People and appointments ----------------------------------------------------------------

@dataclass
class PersonFilters:
    organisation: int | None = None
    q: str = ""
    role: str = ""
    editable: bool = False

    @classmethod
    def from_params(cls, params: Any) -> "PersonFilters":
        role = (params.get("role") or "").strip()
        return cls(
            organisation=query_id(params.get("organisation")),
            q=(params.get("q") or "").strip()[:100],
            role=role if role in Appointment.Role.values else "",
            editable=_flag(params.get("editable")),
        )


def person_list(*, user: Actor, filters: PersonFilters) -> QuerySet[Person]:
    qs = Person.objects.select_related("organisation")
    qs = access.writable(user, qs) if filters.editable else access.readable(user, qs)
    if filters.organisation:
        qs = qs.filter(organisation_id=filters.organisation)
    if filters.q:
        qs = qs.filter(Q(full_name__icontains=filters.q) | Q(position__icontains=filters.q))
    if filters.role:
        qs = qs.filter(pk__in=Appointment.objects.filter(role=filters.role).values("person_id"))
    return qs


@dataclass
class AppointmentFilters:
    role: str = ""
    person: int | None = None
    subject_type: str = ""
    subject_id: int | None = None
    current: bool = False

    @classmethod
    def from_params(cls, params: Any) -> "AppointmentFilters":
        role = (params.get("role") or "").strip()
        return cls(
            role=role if role in Appointment.Role.values else "",
            person=query_id(params.get("person")),
            subject_type=(params.get("subject_type") or "").strip().lower(),
            subject_id=query_id(params.get("subject_id")),
            current=_flag(params.get("current")),
        )


def content_type_for(label: str) -> ContentType | None:
    """``"initiatives.initiative"`` or a bare model name (``"organisation"``) to a ContentType."""
    if not label:
        return None
    try:
        if "." in label:
            app_label, model = label.split(".", 1)
            return ContentType.objects.get_by_natural_key(app_label, model)
        return ContentType.objects.filter(model=label).first()
    except ContentType.DoesNotExist:
        return None


def appointment_list(*, user: Actor, filters: AppointmentFilters) -> QuerySet[Appointment]:
    qs = access.readable(user, Appointment.objects.select_related("person", "person__organisation", "subject_type"))
    if filters.role:
        qs = qs.filter(role=filters.role)
    if filters.person:
        qs = qs.filter(person_id=filters.person)
    if filters.subject_type:
        ct = content_type_for(filters.subject_type)
        qs = qs.filter(subject_type=ct) if ct else qs.none()
    if filters.subject_id:
        qs = qs.filter(subject_id=filters.subject_id)
    if filters.current:
        qs = qs.current()
    return qs


def appointments_on(subject: Any) -> list[Appointment]:
    """Every appointment on ``subject``. Templates name people through ``person_label``."""
    return list(Appointment.objects.on(subject).select_related("person", "person__organisation").order_by("role", "starts_on", "pk"))


# --- The initiative -------------------------------------------------------------------------

def initiative_overview(*, user: Actor, initiative: Initiative) -> dict[str, Any]:
    readable = access.readable(user, Deliverable.objects.filter(initiative=initiative))
    by_status = dict(readable.order_by().values_list("status").annotate(n=Count("id", distinct=True)))
    pillar_rows = (
        Pillar.objects.order_by("number")
        .annotate(n=Count("deliverables", filter=Q(deliverables__in=readable.values("pk")), distinct=True))
    )
    return {
        "appointments": appointments_on(initiative),
        "mandate_versions": list(initiative.mandate_versions.order_by(F("in_force_from").asc(nulls_first=True), "pk")),
        "pillars": list(pillar_rows),
        "status_counts": [(value, label, by_status.get(value, 0)) for value, label in Deliverable.Status.choices],
        "deliverable_total": sum(by_status.values()),
    }


def pillar_overview(*, user: Actor, pillar: Pillar) -> dict[str, Any]:
    """A pillar's deliverables; its activities are added by activities (``activities.panels``)."""
    deliverables = (
        access.readable(user, Deliverable.objects.filter(pillars=pillar))
        .select_related("lead_organisation").order_by("title")
    )
    return {"deliverables": list(deliverables)}


# --- On the pages of partners, below initiatives (shown through core.panels) ----------------------

def organisation_involvement(*, user: Actor, organisation: Any) -> dict[str, Any]:
    """An organisation's deliverables (as lead or contributor), its people and the appointments
    of its people or on it, each as ``user`` may see them."""
    deliverables = access.readable(
        user, Deliverable.objects.filter(Q(lead_organisation=organisation) | Q(contributing_organisations=organisation))
    ).distinct().select_related("lead_organisation").prefetch_related("pillars").order_by("title")
    # Appointments of the organisation's people, and appointments *on* the organisation. People
    # who may not be named are still listed, as "a representative" (see ``person_label``).
    org_type = ContentType.objects.get_for_model(organisation)
    appointments = (
        Appointment.objects.filter(Q(person__organisation=organisation) | Q(subject_type=org_type, subject_id=organisation.pk))
        .select_related("person", "subject_type").prefetch_related("subject")
        .order_by("role", "starts_on", "pk")
    )
    people = Person.objects.filter(organisation=organisation).order_by("full_name")
    return {"deliverables": list(deliverables), "appointments": list(appointments), "people": list(people)}


def editable_records(*, user: Actor, limit: int) -> dict[str, Any]:
    """The deliverables and people ``user`` may edit, for the "Records I can edit" page."""
    return {
        "deliverables": list(access.writable(user, Deliverable.objects.all()).order_by("title")[:limit]),
        "people": list(access.writable(user, Person.objects.select_related("organisation")).order_by("full_name")[:limit]),
    }


def main_initiative() -> Initiative | None:
    """The initiative this site runs (the first recorded), for its name on the home page."""
    return Initiative.objects.order_by("pk").first()
