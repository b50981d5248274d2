"""Writes to outreach: institutions, programmes, cohorts, trainees and the cascade, delivered
sessions, campaigns, messages, placements, reach parameters and certificates.

Every function checks, writes, audits and keeps the stored reach current. ``actor=None`` is a
system write (demo loading, tasks); a user actor is checked through ``tutela.core.access``.
"""

import secrets
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.activities.models import Activity
from tutela.activities.services import activity_create
from tutela.core import access, audit, childtext, jobs, review
from tutela.core.access import Actor, User
from tutela.core.choices import CHILD_MAX_AGE, FigureKind, StakeholderGroup
from tutela.core.jobs import ImportReport
from tutela.core.services import apply_fields, repoint, repoint_m2m, save_audited
from tutela.core.text import fold
from tutela.figures.models import Figure
from tutela.figures.services import figure_create, indicator_get_or_create
from tutela.initiatives.models import Pillar
from tutela.partners.models import Organisation

from . import reach, tasks
from .models import (
    Campaign,
    Certificate,
    Cohort,
    DeliveredSession,
    Enrolment,
    Institution,
    Message,
    Placement,
    ReachParameter,
    ReachSnapshot,
    Sector,
    Trainee,
    TraineeImport,
    TrainingProgramme,
)

if TYPE_CHECKING:
    from django_countries.fields import Country

# Above this many sessions a programme's reach is recomputed by a background task after commit;
# below it, inline, so the page shows the new figure at once.
REACH_INLINE_LIMIT = 20_000

PROGRAMME_FIELDS = ["name", "description", "activity", "follow_on", "country", "city", "starts_on", "ends_on",
                    "reach_min_age", "reach_max_age", "source", "is_illustrative", "is_published"]
CAMPAIGN_FIELDS = ["banner", "purpose", "owner_organisation", "programme", "countries", "languages", "audiences",
                   "starts_on", "ends_on", "source", "is_illustrative", "is_published"]
SECTOR_GROUP: dict[str, StakeholderGroup] = {
    Sector.GOVERNMENT: StakeholderGroup.GOVERNMENT,
    Sector.LAW_ENFORCEMENT: StakeholderGroup.LAW_ENFORCEMENT,
    Sector.EDUCATOR: StakeholderGroup.EDUCATORS,
    Sector.CIVIL_SOCIETY: StakeholderGroup.CIVIL_SOCIETY,
    Sector.PARENT: StakeholderGroup.PARENTS,
    Sector.INDUSTRY: StakeholderGroup.INDUSTRY,
}
COUNT_HELP = _("Enter how many people attended as a whole number, e.g. 32. Never a name or a date of birth: "
               "children are only counted, by age band.")


# --- Checks shared by several services ------------------------------------------------------

def _require_write(actor: User | None, obj: Any) -> None:
    if actor is not None and not access.can_write(actor, obj):
        raise PermissionDenied


def _require_create(actor: User | None, organisation_ids: set[int]) -> None:
    if actor is not None and not access.can_create(actor, organisation_ids):
        raise PermissionDenied


def _count(value: Any, name: str = "count") -> int:
    """A count of people: a whole number, 0 or more. Anything else is refused with a message."""
    if isinstance(value, bool):
        raise ValidationError({name: COUNT_HELP})
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace(" ", "")
        if not text.isdigit():
            if text.startswith("-") and text[1:].isdigit():
                raise ValidationError({name: _("A count cannot be negative.")})
            raise ValidationError({name: _("“%(v)s” is not a count. ") % {"v": value[:40]} + COUNT_HELP})
        value = int(text)
    if not isinstance(value, int):
        raise ValidationError({name: COUNT_HELP})
    if value < 0:
        raise ValidationError({name: _("A count cannot be negative.")})
    return value


def _age(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) and not (isinstance(value, str) and value.strip().isdigit()):
        raise ValidationError({name: _("An age is a whole number of years (0–17 for children).")})
    value = int(value)
    if value < 0:
        raise ValidationError({name: _("An age cannot be negative.")})
    return value


def _band(audience: str, min_age: Any, max_age: Any) -> tuple[int | None, int | None]:
    if audience not in StakeholderGroup.values:
        raise ValidationError({"audience": _("Unknown audience “%(a)s”.") % {"a": audience}})
    lo, hi = _age(min_age, "min_age"), _age(max_age, "max_age")
    if audience == StakeholderGroup.CHILDREN:
        if lo is None or hi is None:
            raise ValidationError({"min_age": _("Children are counted by age band: give the youngest and the oldest age (0–17).")})
        if hi > CHILD_MAX_AGE:
            raise ValidationError({"max_age": _("A child age band must lie within 0–17; count people aged 18 or more "
                                                "as an adult audience.")})
    if lo is not None and hi is not None and hi < lo:
        raise ValidationError({"max_age": _("The age band ends (%(hi)s) before it starts (%(lo)s).") % {"hi": hi, "lo": lo}})
    return lo, hi


def _dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date (%(end)s) is before the start date (%(start)s).")
                               % {"end": ends_on, "start": starts_on}})


def _decimal(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError({name: _("Enter a number.")})
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({name: _("“%(v)s” is not a number.") % {"v": value}}) from exc
    if not number.is_finite():
        raise ValidationError({name: _("Enter a finite number.")})
    if number < 0:
        raise ValidationError({name: _("A parameter cannot be negative.")})
    return number.quantize(Decimal("0.001"))


# --- Reach ----------------------------------------------------------------------------------

def reach_recompute(*, programme_id: int | None = None, campaign_id: int | None = None) -> ReachSnapshot | None:
    """Store the current reach of a programme or campaign. Derived data: not audited."""
    if programme_id is not None:
        if not TrainingProgramme.objects.filter(pk=programme_id).exists():
            return None
        result = reach.compute(reach.Scope(programme_id=programme_id))
        snap, _created = ReachSnapshot.objects.update_or_create(
            programme_id=programme_id, defaults={"computed_at": timezone.now(), "result": result})
        return snap
    if campaign_id is not None:
        if not Campaign.objects.filter(pk=campaign_id).exists():
            return None
        result = reach.compute(reach.Scope(campaign_id=campaign_id))
        snap, _created = ReachSnapshot.objects.update_or_create(
            campaign_id=campaign_id, defaults={"computed_at": timezone.now(), "result": result})
        return snap
    return None


def _schedule_reach(*, programme_id: int | None = None, campaign_id: int | None = None) -> None:
    """Keep the stored reach current: inline when small, a background task after commit when large."""
    for key, value in (("programme_id", programme_id), ("campaign_id", campaign_id)):
        if value is None:
            continue
        size = DeliveredSession.objects.filter(**{key: value}).count()
        if size > REACH_INLINE_LIMIT:
            transaction.on_commit(partial(tasks.recompute_reach.enqueue, **{key: value}))
        else:
            reach_recompute(**{key: value})


# --- Institutions ---------------------------------------------------------------------------

def _institution_key(name: str, city: str, country: str) -> str:
    return f"{fold(name)}|{fold(city)}|{country}"[:300]


@transaction.atomic
def institution_create(*, actor: User | None, name: str, country: str, kind: str = Institution.Kind.SCHOOL, city: str = "",
                       owner_organisation: Any = None, is_illustrative: bool = False,
                       enrolments: list[tuple[int, int, int, str]] | None = None) -> Institution:
    """Record a school or other place where children are reached, with approximate enrolment by age band."""
    _require_create(actor, {owner_organisation.pk} if owner_organisation else set())
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("An institution needs a name.")})
    key = _institution_key(name, city, country)
    if Institution.objects.filter(name_key=key).exists():
        raise ValidationError({"name": _("“%(n)s” in %(c)s is already recorded.") % {"n": name, "c": city or country}})

    def write_enrolments(institution: Institution) -> None:
        for lo, hi, count, source in enrolments or []:
            _enrolment_write(institution, lo, hi, count, source, None)

    return save_audited(Institution(name=name, name_key=key, country=country, kind=kind, city=city,
                                    owner_organisation=owner_organisation, is_illustrative=is_illustrative),
                        actor=actor, action="institution.created", after=write_enrolments)


def _enrolment_write(institution: Institution, min_age: Any, max_age: Any, count: Any, source: str, as_of: date | None) -> Enrolment:
    lo, hi = _band(StakeholderGroup.CHILDREN, min_age, max_age)
    assert lo is not None and hi is not None  # _band refuses a children's band without both ages
    if not (source or "").strip():
        raise ValidationError({"source": _("Say where the enrolment figure comes from, or write 'assumption'.")})
    enrolment, _created = Enrolment.objects.update_or_create(
        institution=institution, min_age=lo, max_age=hi,
        defaults={"count": _count(count), "source": source.strip(), "as_of": as_of})
    return enrolment


@transaction.atomic
def enrolment_set(*, actor: User | None, institution: Institution, min_age: Any, max_age: Any, count: Any, source: str,
                  as_of: date | None = None) -> Enrolment:
    """Set an institution's approximate enrolment for one children's age band."""
    _require_write(actor, institution)
    enrolment = _enrolment_write(institution, min_age, max_age, count, source, as_of)
    audit.record(actor=actor, action="institution.enrolment_set", target=institution,
                 changes={"enrolment": [None, str(enrolment)]})
    return enrolment


# --- Programmes and cohorts -----------------------------------------------------------------

def _review_programme(programme: TrainingProgramme, actor: User | None, fields: dict) -> None:
    """A focal point's programme waits for the secretariat; its description is checked for children's identities."""
    review.prepare(programme, actor=actor, texts={"name": programme.name, "description": programme.description},
                   about_children=True, publish_requested=fields.get("is_published"))


def _review_campaign(campaign: Campaign, actor: User | None, fields: dict) -> None:
    review.prepare(campaign, actor=actor, texts={"banner": campaign.banner, "purpose": campaign.purpose},
                   about_children=StakeholderGroup.CHILDREN in (campaign.audiences or []),
                   publish_requested=fields.get("is_published"))


def programme_publish(*, actor: User | None, programme: TrainingProgramme) -> TrainingProgramme:
    """The secretariat publishes a submitted programme (refused while flagged). Audited as programme.published."""
    return review.publish(actor=actor, obj=programme)


def campaign_publish(*, actor: User | None, campaign: Campaign) -> Campaign:
    """The secretariat publishes a submitted campaign (refused while flagged). Audited as campaign.published."""
    return review.publish(actor=actor, obj=campaign)


def _check_programme(programme: TrainingProgramme, actor: User | None, fields: dict) -> None:
    _dates(programme.starts_on, programme.ends_on)
    _band(StakeholderGroup.CHILDREN, programme.reach_min_age, programme.reach_max_age)
    _review_programme(programme, actor, fields)


@transaction.atomic
def programme_create(*, actor: User | None, name: str, organisers: list, country: str, starts_on: date, ends_on: date,
                     funders: list | None = None, **fields: Any) -> TrainingProgramme:
    """Create a training programme run by ``organisers`` (whose focal points may then manage it)."""
    if not organisers:
        raise ValidationError({"organisers": _("Name at least one organising organisation.")})
    _require_create(actor, {o.pk for o in organisers})
    programme = save_audited(
        TrainingProgramme(name=" ".join((name or "").split()), country=country, starts_on=starts_on, ends_on=ends_on),
        actor=actor, action="programme.created", fields=fields, allowed=PROGRAMME_FIELDS,
        check=lambda programme: _check_programme(programme, actor, fields),
        m2m={"organisers": organisers, "funders": funders or []})
    reach_recompute(programme_id=programme.pk)
    return programme


@transaction.atomic
def programme_update(*, actor: User | None, programme: TrainingProgramme, organisers: list | None = None,
                     funders: list | None = None, **fields: Any) -> TrainingProgramme:
    _require_write(actor, programme)
    if organisers is not None and not organisers:
        raise ValidationError({"organisers": _("Name at least one organising organisation.")})
    save_audited(programme, actor=actor, action="programme.updated", fields=fields, allowed=PROGRAMME_FIELDS,
                 check=lambda programme: _check_programme(programme, actor, fields),
                 m2m={"organisers": organisers, "funders": funders})
    _schedule_reach(programme_id=programme.pk)
    return programme


@transaction.atomic
def cohort_create(*, actor: User | None, programme: TrainingProgramme, name: str, starts_on: date | None = None,
                  ends_on: date | None = None) -> Cohort:
    _require_write(actor, programme)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("A cohort needs a name.")})
    if programme.cohorts.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("This programme already has a cohort called “%(n)s”.") % {"n": name}})
    _dates(starts_on, ends_on)
    return save_audited(Cohort(programme=programme, name=name, starts_on=starts_on, ends_on=ends_on),
                        actor=actor, action="cohort.created")


@transaction.atomic
def training_session_create(*, actor: User | None, cohort: Cohort, title: str, starts_on: date, ends_on: date | None = None,
                            **fields: Any) -> Activity:
    """A training session of a cohort: an activity of kind *training*, organised by the programme's organisers."""
    programme = cohort.programme
    _require_write(actor, programme)
    pillar = Pillar.objects.filter(slug="capacity-building").first() or Pillar.objects.order_by("number").first()
    partners = [(o, "organiser") for o in programme.organisers.all()] + [(o, "funder") for o in programme.funders.all()]
    activity = activity_create(
        actor=actor, title=title, kind=Activity.Kind.TRAINING, starts_on=starts_on, ends_on=ends_on,
        pillars=[pillar] if pillar else [], partners=partners, country=programme.country, city=programme.city,
        audiences=fields.pop("audiences", [StakeholderGroup.EDUCATORS.value]), **fields,
    )
    cohort.sessions.add(activity)
    audit.record(actor=actor, action="cohort.session_added", target=cohort, changes={"sessions": [None, activity.pk]})
    return activity


@transaction.atomic
def sector_figure_record(*, actor: User | None, programme: TrainingProgramme, value: Any, measure: str, source: str,
                         as_of: date, sector: str | None = None, kind: str = FigureKind.COUNTED, **fields: Any) -> Figure:
    """A target or actual number of ambassadors (per sector or overall), with its source, as a Figure."""
    _require_write(actor, programme)
    if sector is not None and sector not in Sector.values:
        raise ValidationError({"sector": _("Unknown sector “%(s)s”.") % {"s": sector}})
    indicator = indicator_get_or_create(code="safety-ambassadors-trained", name="Safety ambassadors trained", unit="people",
                                        definition="Adults who completed a safety-ambassador training.")
    owner = programme.organisers.order_by("pk").first()
    if actor is not None and actor.organisation_id in programme.owner_organisation_ids():
        owner = actor.organisation
    return figure_create(actor=actor, indicator=indicator, value=value, kind=kind, measure=measure, source=source,
                         as_of=as_of, subject=programme, group=SECTOR_GROUP[sector] if sector else "",
                         owner_organisation=owner, country=programme.country, **fields)


# --- Trainees and the cascade ---------------------------------------------------------------

def _next_label(programme: TrainingProgramme, prefix: str) -> str:
    n = programme.trainees.count() + 1
    while True:
        label = f"{prefix} {n:03d}"
        if not programme.trainees.filter(label=label).exists():
            return label
        n += 1


def _check_trainer(trainee_programme_id: int, trainer: Trainee | None, trainee: Trainee | None = None) -> int:
    """The generation a trainee of ``trainer`` has; refuses other programmes and cycles."""
    if trainer is None:
        return 1
    if trainer.programme_id != trainee_programme_id:
        raise ValidationError({"trained_by": _("%(t)s belongs to another programme.") % {"t": trainer}})
    if trainer.status != Trainee.Status.COMPLETED:
        raise ValidationError({"trained_by": _("%(t)s has not completed the training, so cannot have trained others yet.")
                               % {"t": trainer}})
    if trainee is not None and trainee.pk:
        node: Trainee | None = trainer
        while node is not None:
            if node.pk == trainee.pk:
                raise ValidationError({"trained_by": _(
                    "%(trainer)s cannot have trained %(trainee)s: %(trainee)s is %(trainer)s's own trainer or further up "
                    "the same line, which would make a cycle.") % {"trainer": trainer, "trainee": trainee}})
            node = Trainee.objects.filter(pk=node.trained_by_id).first() if node.trained_by_id else None
    return trainer.generation + 1


def _identity(full_name: str, consent: bool, label: str) -> str:
    return fold(full_name) if consent and full_name else "label:" + fold(label)


@transaction.atomic
def trainee_register(*, actor: User | None, cohort: Cohort, sector: str, full_name: str = "", consent_to_be_named: bool = False,
                     label: str = "", institution: Institution | None = None, status: str = Trainee.Status.ENROLLED,
                     completed_on: date | None = None, trained_by: Trainee | None = None,
                     is_illustrative: bool = False) -> Trainee:
    """Register an adult in a cohort. Named only with consent; otherwise a pseudonymous label is used."""
    programme = cohort.programme
    _require_write(actor, programme)
    full_name = " ".join((full_name or "").split())
    label = " ".join((label or "").split())
    if full_name and not consent_to_be_named:
        raise ValidationError({"full_name": _("Record a name only when the person consented to be named; otherwise "
                                              "leave the name empty and a pseudonymous label is used.")})
    if consent_to_be_named and not full_name:
        raise ValidationError({"full_name": _("The person consented to be named: enter their name.")})
    if sector not in Sector.values:
        raise ValidationError({"sector": _("Choose a sector: %(s)s.") % {"s": ", ".join(str(s.label) for s in Sector)}})
    if status not in Trainee.Status.values:
        raise ValidationError({"status": _("Unknown status “%(s)s”.") % {"s": status}})
    if status == Trainee.Status.COMPLETED and completed_on is None:
        raise ValidationError({"completed_on": _("Give the date the training was completed.")})
    if status != Trainee.Status.COMPLETED:
        completed_on = None
    label = label or _next_label(programme, _("Ambassador"))
    key = _identity(full_name, consent_to_be_named, label)
    clash = cohort.trainees.filter(identity_key=key).first()
    if clash:
        raise ValidationError({"full_name" if full_name else "label": _(
            "%(who)s is already registered in the cohort “%(cohort)s”.") % {"who": clash.display_name, "cohort": cohort.name}})
    if programme.trainees.filter(label=label).exists():
        raise ValidationError({"label": _("The label “%(l)s” is already used in this programme.") % {"l": label}})
    generation = _check_trainer(programme.pk, trained_by)
    trainee = save_audited(
        Trainee(programme=programme, cohort=cohort, full_name=full_name, consent_to_be_named=consent_to_be_named,
                label=label, identity_key=key, sector=sector, institution=institution, status=status,
                completed_on=completed_on, trained_by=trained_by, generation=generation, is_illustrative=is_illustrative),
        actor=actor, action="trainee.registered", exclude=["identity_key"])
    _schedule_reach(programme_id=programme.pk)
    return trainee


@transaction.atomic
def trainee_update(*, actor: User | None, trainee: Trainee, **fields: Any) -> Trainee:
    """Change a trainee's name/consent, label, sector, institution or status."""
    _require_write(actor, trainee)
    allowed = ["full_name", "consent_to_be_named", "label", "sector", "institution", "status", "completed_on"]
    before = audit.snapshot(trainee, ["full_name", "consent_to_be_named", "label", "sector", "institution_id", "status", "completed_on"])
    apply_fields(trainee, fields, allowed)
    if not trainee.consent_to_be_named:
        trainee.full_name = ""  # consent withdrawn: the name goes
    if trainee.consent_to_be_named and not trainee.full_name.strip():
        raise ValidationError({"full_name": _("The person consented to be named: enter their name.")})
    if trainee.status == Trainee.Status.COMPLETED and trainee.completed_on is None:
        raise ValidationError({"completed_on": _("Give the date the training was completed.")})
    if trainee.status != Trainee.Status.COMPLETED and trainee.trained.exists():
        raise ValidationError({"status": _("%(t)s has trained others, so stays recorded as completed.") % {"t": trainee}})
    trainee.identity_key = _identity(trainee.full_name, trainee.consent_to_be_named, trainee.label)
    if Trainee.objects.filter(cohort=trainee.cohort_id, identity_key=trainee.identity_key).exclude(pk=trainee.pk).exists():
        raise ValidationError({"full_name": _("Someone with this name or label is already in the cohort.")})
    trainee.full_clean(exclude=["identity_key"])
    trainee.save()
    audit.record(actor=actor, action="trainee.updated", target=trainee, before=before)
    _schedule_reach(programme_id=trainee.programme_id)
    return trainee


@transaction.atomic
def trainee_complete(*, actor: User | None, trainee: Trainee, completed_on: date) -> Trainee:
    """Record that a trainee completed (or, after re-training, completed again) the training."""
    _require_write(actor, trainee)
    if trainee.completed_on and completed_on < trainee.completed_on:
        raise ValidationError({"completed_on": _("%(t)s already completed on %(d)s; a new completion must be later.")
                               % {"t": trainee, "d": trainee.completed_on}})
    before = audit.snapshot(trainee, ["status", "completed_on"])
    trainee.status = Trainee.Status.COMPLETED
    trainee.completed_on = completed_on
    trainee.save(update_fields=["status", "completed_on"])
    audit.record(actor=actor, action="trainee.completed", target=trainee, before=before)
    _schedule_reach(programme_id=trainee.programme_id)
    return trainee


@transaction.atomic
def trainee_set_trainer(*, actor: User | None, trainee: Trainee, trainer: Trainee | None) -> Trainee:
    """Record who trained ``trainee``; refuses cycles (A trains B trains A). Shifts the whole subtree's generation."""
    _require_write(actor, trainee)
    trainee = Trainee.objects.select_for_update().get(pk=trainee.pk)
    if trainer is not None and trainer.pk == trainee.pk:
        raise ValidationError({"trained_by": _("Nobody trains themselves.")})
    generation = _check_trainer(trainee.programme_id, trainer, trainee)
    before = audit.snapshot(trainee, ["trained_by_id", "generation"])
    delta = generation - trainee.generation
    trainee.trained_by = trainer
    trainee.generation = generation
    trainee.save(update_fields=["trained_by", "generation"])
    if delta:
        from django.db.models import F

        level = [trainee.pk]
        while level:
            below = list(Trainee.objects.filter(trained_by__in=level).values_list("pk", flat=True))
            Trainee.objects.filter(pk__in=below).update(generation=F("generation") + delta)
            level = below
    audit.record(actor=actor, action="trainee.trainer_set", target=trainee, before=before)
    return trainee


def trainees_import(*, actor: User | None, cohort: Cohort, rows: list[dict[str, Any]], dry_run: bool = True) -> ImportReport:
    """Register many trainees at once, all or nothing. A dry run checks every row and saves nothing.

    Each row is a dict with ``name``, ``consent`` (yes/no), ``label``, ``sector``, ``institution``,
    ``status``, ``completed_on`` and ``trained_by`` (a label or name of someone already in the programme
    or earlier in the file).
    """
    _require_write(actor, cohort.programme)
    programme = cohort.programme
    return jobs.import_rows(
        rows, lambda line, row: trainee_register(actor=actor, cohort=cohort, **_import_fields(programme, row)).display_name,
        dry_run=dry_run, label=lambda row: row.get("label") or row.get("name") or "",
        done=lambda report: audit.record(actor=actor, action="cohort.trainees_imported", target=cohort,
                                         changes={"trainees": [None, report.created]}))


def trainee_import_queue(*, actor: User | None, cohort: Cohort, upload: Any, name: str, dry_run: bool) -> TraineeImport:
    """Store a trainee file (already vetted by ``forms.ImportForm``) and queue it for the worker."""
    _require_write(actor, cohort.programme)
    return jobs.queue_file_import(TraineeImport(cohort=cohort, dry_run=dry_run, created_by=actor), upload=upload,
                                  name=name, stem="trainees", actor=actor, action="trainee_import.queued",
                                  enqueue=lambda pk: tasks.run_trainee_import.enqueue(job_id=pk))


def trainee_import_run(*, job_id: int) -> TraineeImport:
    """The worker's half of a trainee import: read the file within the limits and run ``trainees_import``,
    writing the trainees and the job's outcome in one transaction (a killed worker leaves neither)."""
    from .forms import read_rows

    return jobs.run_file_import(
        TraineeImport, job_id, read_rows=read_rows, related=("cohort__programme", "created_by"),
        apply=lambda job, rows: trainees_import(actor=job.created_by, cohort=job.cohort, rows=rows, dry_run=job.dry_run),
        refused=_("You may no longer add trainees to this cohort."))


def trainee_imports_sweep(*, job_id: int | None = None) -> int:
    """Trainee imports whose worker died: queued again, or failed with the reason (see ``tutela.core.jobs``)."""
    return jobs.sweep_file_imports(TraineeImport, action="trainee_import", job_id=job_id,
                                   enqueue=lambda pk: tasks.run_trainee_import.enqueue(job_id=pk))


def _import_fields(programme: TrainingProgramme, row: dict[str, Any]) -> dict[str, Any]:
    def text(name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value).strip()

    consent = text("consent").lower() in {"yes", "y", "true", "1", "oui", "si", "sí"}
    sector_text = fold(text("sector")).replace(" ", "_")
    sector = next((s.value for s in Sector if sector_text in {s.value, fold(str(s.label)).replace(" ", "_")}), sector_text)
    status_text = fold(text("status")) or Trainee.Status.ENROLLED
    status = next((s.value for s in Trainee.Status if status_text in {s.value, fold(str(s.label))}), status_text)
    completed_on = None
    raw_date = row.get("completed_on")
    if isinstance(raw_date, date):
        completed_on = raw_date if not hasattr(raw_date, "date") else raw_date.date()
    elif text("completed_on"):
        try:
            completed_on = date.fromisoformat(text("completed_on")[:10])
        except ValueError as exc:
            raise ValidationError({"completed_on": _("“%(d)s” is not a date (use YYYY-MM-DD).") % {"d": text("completed_on")}}) from exc
    institution = None
    if text("institution"):
        institution = Institution.objects.filter(name_key__startswith=fold(text("institution")) + "|",
                                                 country=programme.country).first()
        if institution is None:
            raise ValidationError({"institution": _("No institution called “%(i)s” in %(c)s; record it first.")
                                   % {"i": text("institution"), "c": cast("Country", programme.country).name}})
    trainer = None
    if text("trained_by"):
        key = fold(text("trained_by"))
        trainer = (programme.trainees.filter(identity_key=key).first()
                   or programme.trainees.filter(identity_key="label:" + key).first())
        if trainer is None:
            raise ValidationError({"trained_by": _("No trainee “%(t)s” in this programme (trainers must come first).")
                                   % {"t": text("trained_by")}})
    return {"full_name": text("name"), "consent_to_be_named": consent, "label": text("label"), "sector": sector,
            "institution": institution, "status": status, "completed_on": completed_on, "trained_by": trainer}


# --- Sessions delivered ---------------------------------------------------------------------

@transaction.atomic
def session_record(*, actor: User | None, programme: TrainingProgramme, held_on: date, count: Any,
                   audience: str = StakeholderGroup.CHILDREN, min_age: Any = None, max_age: Any = None,
                   institution: Institution | None = None, ambassador: Trainee | None = None,
                   campaign: Campaign | None = None, country: str = "", is_illustrative: bool = False) -> DeliveredSession:
    """Record a session an ambassador delivered to one audience: how many attended, by age band. No names."""
    _require_write(actor, programme)
    number = _count(count)
    lo, hi = _band(audience, min_age, max_age)
    if not isinstance(held_on, date):
        raise ValidationError({"held_on": _("Give the date the session was held.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The session date is in the future: record sessions once they are held.")})
    if ambassador is not None:
        if ambassador.programme_id != programme.pk:
            raise ValidationError({"ambassador": _("%(a)s belongs to another programme.") % {"a": ambassador}})
        if ambassador.status != Trainee.Status.COMPLETED:
            raise ValidationError({"ambassador": _("%(a)s has not completed the training yet.") % {"a": ambassador}})
    session = save_audited(DeliveredSession(
        programme=programme, ambassador=ambassador, campaign=campaign, institution=institution,
        country=country or (institution.country if institution else programme.country), held_on=held_on,
        audience=audience, min_age=lo, max_age=hi, count=number, is_illustrative=is_illustrative,
    ), actor=actor, action="session.recorded")
    _schedule_reach(programme_id=programme.pk, campaign_id=campaign.pk if campaign else None)
    return session


@transaction.atomic
def session_delete(*, actor: User | None, session: DeliveredSession) -> None:
    _require_write(actor, session)
    programme_id, campaign_id = session.programme_id, session.campaign_id
    audit.record(actor=actor, action="session.deleted", target=session, changes={"session": [str(session), None]})
    session.delete()
    _schedule_reach(programme_id=programme_id, campaign_id=campaign_id)


# --- Campaigns, messages, placements --------------------------------------------------------

@transaction.atomic
def campaign_create(*, actor: User | None, banner: str, owner_organisation: Any, starts_on: date, ends_on: date,
                    partners: list | None = None, **fields: Any) -> Campaign:
    """Create an awareness campaign; its owner and partners' focal points may manage it."""
    _require_create(actor, {owner_organisation.pk} | {p.pk for p in partners or []})

    def check(campaign: Campaign) -> None:
        _dates(campaign.starts_on, campaign.ends_on)
        for group in campaign.audiences:
            if group not in StakeholderGroup.values:
                raise ValidationError({"audiences": _("Unknown audience “%(a)s”.") % {"a": group}})
        _review_campaign(campaign, actor, fields)

    campaign = save_audited(Campaign(banner=" ".join((banner or "").split()), owner_organisation=owner_organisation,
                                     starts_on=starts_on, ends_on=ends_on),
                            actor=actor, action="campaign.created", fields=fields, allowed=CAMPAIGN_FIELDS, check=check,
                            m2m={"partners": partners or []})
    reach_recompute(campaign_id=campaign.pk)
    return campaign


@transaction.atomic
def campaign_update(*, actor: User | None, campaign: Campaign, partners: list | None = None, **fields: Any) -> Campaign:
    _require_write(actor, campaign)

    def check(campaign: Campaign) -> None:
        _dates(campaign.starts_on, campaign.ends_on)
        _review_campaign(campaign, actor, fields)

    save_audited(campaign, actor=actor, action="campaign.updated", fields=fields, allowed=CAMPAIGN_FIELDS, check=check,
                 m2m={"partners": partners})
    _schedule_reach(campaign_id=campaign.pk)
    return campaign


@transaction.atomic
def message_add(*, actor: User | None, campaign: Campaign, title: str, medium: str, language: str, duration_seconds: Any = None,
                size: str = "", url: str = "", file: Any = None, is_illustrative: bool = False) -> Message:
    """Add a message (spot, poster, post…) to a campaign."""
    _require_write(actor, campaign)
    if medium not in Message.Medium.values:
        raise ValidationError({"medium": _("Choose a medium: %(m)s.") % {"m": ", ".join(str(m.label) for m in Message.Medium)}})
    message = Message(campaign=campaign, title=" ".join((title or "").split()), medium=medium, language=language,
                      duration_seconds=_count(duration_seconds, "duration_seconds") if duration_seconds not in (None, "") else None,
                      size=size, url=url, is_illustrative=is_illustrative)
    childtext.refuse({"title": message.title, "url": message.url},
                     about_children=StakeholderGroup.CHILDREN in (campaign.audiences or []))
    if file is not None:
        message.file = file
    return save_audited(message, actor=actor, action="message.added")


@transaction.atomic
def placement_add(*, actor: User | None, message: Message, outlet: str, country: str, starts_on: date, ends_on: date,
                  frequency: Any, reported_audience: Any, audience_source: str, audience: str = StakeholderGroup.CHILDREN,
                  min_age: Any = None, max_age: Any = None, institution: Institution | None = None,
                  is_illustrative: bool = False) -> Placement:
    """Record where and when a message ran and the audience reported for it."""
    _require_write(actor, message.campaign)
    lo, hi = _band(audience, min_age, max_age)
    _dates(starts_on, ends_on)
    if not (audience_source or "").strip():
        raise ValidationError({"audience_source": _("Say who reports the audience figure (broadcaster, school…).")})
    placement = Placement(message=message, outlet=" ".join((outlet or "").split()), country=country, starts_on=starts_on,
                          ends_on=ends_on, frequency=_count(frequency, "frequency"),
                          reported_audience=_count(reported_audience, "reported_audience"), audience=audience,
                          min_age=lo, max_age=hi, audience_source=audience_source.strip(), institution=institution,
                          is_illustrative=is_illustrative)
    childtext.refuse({"outlet": placement.outlet}, about_children=audience == StakeholderGroup.CHILDREN)
    save_audited(placement, actor=actor, action="placement.added")
    _schedule_reach(campaign_id=message.campaign_id)
    return placement


# --- Reach parameters -----------------------------------------------------------------------

@transaction.atomic
def parameter_set(*, actor: User | None, key: str, low: Any, central: Any, high: Any, source: str = "",
                  is_assumption: bool = False, note: str = "", programme: TrainingProgramme | None = None,
                  campaign: Campaign | None = None) -> ReachParameter:
    """Set one assumption of a reach estimate (low–central–high), with its source or marked as an assumption."""
    subject = programme or campaign
    if subject is None or (programme is not None and campaign is not None):
        raise ValidationError({"__all__": _("A parameter belongs to one programme or one campaign.")})
    _require_write(actor, subject)
    allowed = ReachParameter.CASCADE_KEYS if programme is not None else ReachParameter.PLACEMENT_KEYS
    if key not in allowed:
        raise ValidationError({"key": _("“%(k)s” is not a parameter of this model; use one of: %(a)s.")
                               % {"k": key, "a": ", ".join(str(ReachParameter.Key(k).label) for k in allowed)}})
    lo, mid, hi = _decimal(low, "low"), _decimal(central, "central"), _decimal(high, "high")
    if not lo <= mid <= hi:
        raise ValidationError({"central": _("Order the values: low ≤ central ≤ high.")})
    if key in ReachParameter.SHARES and hi > 1:
        raise ValidationError({"high": _("A share lies between 0 and 1 (e.g. 0.8 for 80 %).")})
    source = (source or "").strip()
    if not source and not is_assumption:
        raise ValidationError({"source": _("Give the source of this value, or mark it as an assumption.")})
    param = (ReachParameter.objects.filter(programme=programme, campaign=campaign, key=key).first()
             or ReachParameter(programme=programme, campaign=campaign, key=key))
    values = {"low": lo, "central": mid, "high": hi, "source": source, "is_assumption": is_assumption,
              "note": (note or "").strip()}
    save_audited(param, actor=actor, action="reach_parameter.set", fields=values, allowed=list(values))
    _schedule_reach(programme_id=programme.pk if programme else None, campaign_id=campaign.pk if campaign else None)
    return param


# --- Certificates ---------------------------------------------------------------------------

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U


def _new_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _i in range(12))
    return f"TUT-{body[:4]}-{body[4:8]}-{body[8:]}"


def normalise_code(code: str) -> str:
    text = "".join((code or "").upper().split()).replace("O", "0").replace("I", "1").replace("L", "1")
    return text[:32]


@transaction.atomic
def certificate_issue(*, actor: User | None, trainee: Trainee) -> Certificate:
    """Issue a certificate to someone who completed; after re-training, replace the earlier one."""
    _require_write(actor, trainee)
    trainee = Trainee.objects.select_for_update().get(pk=trainee.pk)
    if trainee.status != Trainee.Status.COMPLETED or trainee.completed_on is None:
        raise ValidationError({"trainee": _("%(t)s has not completed the training: a certificate is only issued to "
                                            "someone who completed it.") % {"t": trainee}})
    current = trainee.certificates.filter(revoked_at__isnull=True).first()
    now = timezone.now()
    if current is not None:
        if current.completed_on >= trainee.completed_on:
            raise ValidationError({"trainee": _("%(t)s already holds a valid certificate (%(c)s) for this completion. "
                                                "Record a new completion after re-training to re-issue it.")
                                   % {"t": trainee, "c": current.code}})
        current.revoked_at = now
        current.revoked_reason = _("Replaced after re-training")
        current.save(update_fields=["revoked_at", "revoked_reason"])
        audit.record(actor=actor, action="certificate.superseded", target=current,
                     changes={"revoked_at": [None, now.isoformat()]})
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(trainee=trainee, code=_new_code(), completed_on=trainee.completed_on,
                                                         issued_at=now, replaces=current)
            break
        except IntegrityError:  # a code collision: astronomically rare, try another
            continue
    else:  # pragma: no cover
        raise ValidationError(_("Could not issue a certificate code; try again."))
    audit.record(actor=actor, action="certificate.issued", target=certificate)
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User | None, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate: its verification then answers "not valid"."""
    _require_write(actor, certificate)
    if certificate.revoked_at is not None:
        raise ValidationError({"__all__": _("This certificate is already revoked.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    before = audit.snapshot(certificate, ["revoked_at", "revoked_reason"])
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()[:200]
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    audit.record(actor=actor, action="certificate.revoked", target=certificate, before=before)
    return certificate


@transaction.atomic
def organisation_replaced(*, actor: Actor, old: Organisation, new: Organisation) -> dict[str, int]:
    """The institutions, programmes and campaigns of ``old`` are ``new``'s (a merge), audited."""
    moved = {
        "outreach.Institution.owner_organisation": repoint(
            actor=actor, rows=Institution.objects.filter(owner_organisation=old), field="owner_organisation", new=new,
            action="institution.organisation_replaced"),
        "outreach.TrainingProgramme.organisers": repoint_m2m(
            actor=actor, owners=TrainingProgramme.objects.all(), name="organisers", old=old, new=new,
            action="programme.organisation_replaced"),
        "outreach.TrainingProgramme.funders": repoint_m2m(
            actor=actor, owners=TrainingProgramme.objects.all(), name="funders", old=old, new=new,
            action="programme.organisation_replaced"),
        "outreach.Campaign.owner_organisation": repoint(
            actor=actor, rows=Campaign.objects.filter(owner_organisation=old), field="owner_organisation", new=new,
            action="campaign.organisation_replaced"),
        "outreach.Campaign.partners": repoint_m2m(
            actor=actor, owners=Campaign.objects.all(), name="partners", old=old, new=new,
            action="campaign.organisation_replaced"),
    }
    return {label: count for label, count in moved.items() if count}
