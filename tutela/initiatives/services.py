"""Writes to the initiative, deliverables, people and appointments."""

from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tutela.core import access, audit
from tutela.core.access import Actor
from tutela.core.services import repoint, repoint_m2m, save_audited
from tutela.partners.models import Organisation

from .models import Appointment, Deliverable, Initiative, MandateVersion, Person, Pillar

INITIATIVE_FIELDS = ["short_name", "phase", "launched_on", "launch_place", "description", "lead_organisation"]
DELIVERABLE_FIELDS = ["title", "description", "status", "target_date", "lead_organisation", "is_published"]
PERSON_FIELDS = [
    "honorific", "full_name", "position", "organisation", "country", "is_public_figure",
    "consent_to_be_named", "consent_recorded_on", "email",
]


@transaction.atomic
def initiative_create(*, actor: Actor, name: str, mandate: str = "", mandate_from: date | None = None,
                      **fields: Any) -> Initiative:
    """Record an initiative; ``mandate`` (with ``mandate_from`` when known) is the first version of its mandate."""

    def first_version(initiative: Initiative) -> dict[str, Any]:
        if not (mandate or "").strip():
            return {}
        version = _mandate_version(initiative, citation=mandate, in_force_from=mandate_from)
        return {"mandate": [None, version.citation]}

    return save_audited(Initiative(name=name.strip()), actor=actor, action="initiative.created",
                        fields=fields, allowed=INITIATIVE_FIELDS, after=first_version)


@transaction.atomic
def initiative_update(*, actor: Actor, initiative: Initiative, **fields: Any) -> Initiative:
    if "mandate" in fields and (fields["mandate"] or "") != initiative.mandate:
        raise ValidationError({"mandate": _(
            "The mandate is kept with its history: add the new version, with the day it is in force from, "
            "rather than changing the text (a report cites the version in force on its meeting date).")})
    fields.pop("mandate", None)
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    return save_audited(initiative, actor=actor, action="initiative.updated",
                        fields=fields, allowed=["name", *INITIATIVE_FIELDS])


def _mandate_version(initiative: Initiative, *, citation: str, in_force_from: date | None,
                     adopted_by: str = "") -> MandateVersion:
    citation = " ".join((citation or "").split())
    if not citation:
        raise ValidationError({"citation": _("Write the mandate as a report cites it, e.g. "
                                             "“Plenipotentiary Resolution 179 (Rev. Busan, 2014)”.")})
    versions = initiative.mandate_versions.all()
    if in_force_from is None and versions.exists():
        raise ValidationError({"in_force_from": _(
            "Say from which day this version is in force: only a first version may be undated.")})
    if in_force_from is not None and versions.filter(in_force_from=in_force_from).exists():
        raise ValidationError({"in_force_from": _(
            "A version of this mandate is already in force from %(day)s: choose the day the new one took effect.")
            % {"day": date_format(in_force_from, "DATE_FORMAT")}})
    version = MandateVersion(initiative=initiative, citation=citation, in_force_from=in_force_from,
                             adopted_by=(adopted_by or "").strip())
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def mandate_version_add(*, actor: Actor, initiative: Initiative, citation: str, in_force_from: date | None,
                        adopted_by: str = "") -> MandateVersion:
    """Record a (revised) version of the initiative's mandate, in force from ``in_force_from``.

    Earlier versions stay: a report cites the version in force on its meeting date, and a signed-off report
    keeps the text it was signed with. Secretariat only.
    """
    if actor is not None and not access.is_secretariat(actor):
        raise PermissionDenied(_("Only the secretariat records the initiative's mandate."))
    version = _mandate_version(initiative, citation=citation, in_force_from=in_force_from, adopted_by=adopted_by)
    audit.record(actor=actor, action="initiative.mandate_version_added", target=initiative,
                 changes={"mandate": [None, {"citation": version.citation, "adopted_by": version.adopted_by,
                                             "in_force_from": str(version.in_force_from or "")}]})
    return version


def _check_pillars(pillars: list[Pillar] | None, required: bool) -> None:
    if pillars is None:
        return
    if required and not pillars:
        raise ValidationError({"pillars": _("Choose at least one of the five pillars.")})
    known = set(Pillar.objects.values_list("pk", flat=True))
    if any(getattr(p, "pk", p) not in known for p in pillars):
        raise ValidationError({"pillars": _("Unknown pillar: choose among the five GCA pillars.")})


@transaction.atomic
def deliverable_create(
    *, actor: Actor, initiative: Initiative, title: str, pillars: list[Pillar],
    contributing_organisations: list | None = None, **fields: Any,
) -> Deliverable:
    _check_pillars(pillars, required=True)
    return save_audited(
        Deliverable(initiative=initiative, title=(title or "").strip()), actor=actor, action="deliverable.created",
        fields=fields, allowed=DELIVERABLE_FIELDS,
        m2m={"pillars": pillars, "contributing_organisations": contributing_organisations},
    )


@transaction.atomic
def deliverable_update(
    *, actor: Actor, deliverable: Deliverable, pillars: list[Pillar] | None = None,
    contributing_organisations: list | None = None, **fields: Any,
) -> Deliverable:
    _check_pillars(pillars, required=True)
    return save_audited(
        deliverable, actor=actor, action="deliverable.updated", fields=fields, allowed=DELIVERABLE_FIELDS,
        m2m={"pillars": pillars, "contributing_organisations": contributing_organisations},
    )


def _check_person(person: Person) -> None:
    if not person.full_name.strip():
        raise ValidationError({"full_name": _("A person needs a name.")})
    if person.consent_to_be_named and not person.consent_recorded_on and not person.is_public_figure:
        raise ValidationError({"consent_recorded_on": _("Record the date consent to be named was given.")})


@transaction.atomic
def person_create(*, actor: Actor, full_name: str, adult: bool = True, **fields: Any) -> Person:
    """Record an adult. Children are never recorded as people: count them on activities instead.

    ``adult`` is the caller's confirmation that the person is 18 or over; False is refused.
    """
    if not adult:
        raise ValidationError({"adult": _("Only adults are recorded by name. Count children on the activity, by age band.")})
    return save_audited(Person(full_name=" ".join((full_name or "").split())), actor=actor, action="person.created",
                        fields=fields, allowed=PERSON_FIELDS, check=_check_person)


@transaction.atomic
def person_update(*, actor: Actor, person: Person, **fields: Any) -> Person:
    return save_audited(person, actor=actor, action="person.updated", fields=fields, allowed=PERSON_FIELDS,
                        check=_check_person)


@transaction.atomic
def appointment_create(
    *, actor: Actor | None, person: Person, role: str, subject: Any,
    starts_on: date | None = None, ends_on: date | None = None, note: str = "",
) -> Appointment:
    """Appoint ``person`` as ``role`` on ``subject`` (an initiative, a body, an organisation…)."""
    if subject is None or subject.pk is None:
        raise ValidationError({"subject": _("Say what the appointment is on.")})
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The appointment ends before it starts.")})
    appointment = Appointment(
        person=person, role=role, subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk,
        starts_on=starts_on, ends_on=ends_on, note=note,
    )
    return save_audited(appointment, actor=actor, action="appointment.created")


@transaction.atomic
def appointment_update(*, actor: Actor, appointment: Appointment, **fields: Any) -> Appointment:
    """Change an appointment's role, dates or note (not whom or what it is on)."""
    return save_audited(appointment, actor=actor, action="appointment.updated", fields=fields,
                        allowed=["role", "starts_on", "ends_on", "note"], check=_check_appointment_dates)


def _check_appointment_dates(appointment: Appointment) -> None:
    if appointment.starts_on and appointment.ends_on and appointment.ends_on < appointment.starts_on:
        raise ValidationError({"ends_on": _("The appointment ends before it starts.")})


@transaction.atomic
def appointment_end(*, actor: Actor, appointment: Appointment, ends_on: date) -> Appointment:
    before = audit.snapshot(appointment)
    if appointment.starts_on and ends_on < appointment.starts_on:
        raise ValidationError({"ends_on": _("The appointment ends before it starts.")})
    appointment.ends_on = ends_on
    appointment.save(update_fields=["ends_on"])
    audit.record(actor=actor, action="appointment.ended", target=appointment, before=before)
    return appointment


@transaction.atomic
def organisation_replaced(*, actor: Actor, old: Organisation, new: Organisation) -> dict[str, int]:
    """The initiatives, deliverables, people and appointments of ``old`` are ``new``'s (a merge), audited."""
    moved = {
        "initiatives.Initiative.lead_organisation": repoint(
            actor=actor, rows=Initiative.objects.filter(lead_organisation=old), field="lead_organisation", new=new,
            action="initiative.organisation_replaced"),
        "initiatives.Deliverable.lead_organisation": repoint(
            actor=actor, rows=Deliverable.objects.filter(lead_organisation=old), field="lead_organisation", new=new,
            action="deliverable.organisation_replaced"),
        "initiatives.Deliverable.contributing_organisations": repoint_m2m(
            actor=actor, owners=Deliverable.objects.all(), name="contributing_organisations", old=old, new=new,
            action="deliverable.organisation_replaced"),
        "initiatives.Person.organisation": repoint(
            actor=actor, rows=Person.objects.filter(organisation=old), field="organisation", new=new,
            action="person.organisation_replaced"),
        "initiatives.Appointment.subject": repoint(
            actor=actor, rows=Appointment.objects.on(old), field="subject_id", new=new,
            action="appointment.organisation_replaced"),
    }
    return {label: count for label, count in moved.items() if count}
