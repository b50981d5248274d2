"""Writes to frameworks, assessment rounds, evidence and action plans. Each one checked and audited.

A round moves draft → submitted → validated → published (summary). Only a draft changes; a
submitted round goes back to draft only when the secretariat returns it; a validated round is
never edited again (change comes as a new round). A framework version is imported whole and then
never changes, so rounds made against it keep their meaning when a new version arrives.
"""

from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from tutela.core import access, audit
from tutela.core.access import Actor
from tutela.core.files import sniff
from tutela.core.services import repoint, repoint_m2m

from . import tasks
from .models import (
    LEVELS,
    Action,
    Assessment,
    Criterion,
    Evidence,
    EvidenceKind,
    Framework,
    Rating,
    StrategyStage,
)

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {"pdf", "docx", "odt", "xlsx", "pptx"}


def _require_country_writer(actor: Actor, country: str) -> None:
    """The secretariat, or the national focal point of ``country``."""
    if actor is None or access.is_secretariat(actor):
        return
    if country not in access.user_country_codes(actor):
        raise PermissionDenied


def _country(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in dict(countries):
        raise ValidationError({"country": _("Choose a country (two-letter ISO code, e.g. OM).")})
    return code


def _level(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
        raise ValidationError({field: _("A level is a whole number from 0 to 4.")})
    return value


# --- Frameworks ---------------------------------------------------------------------------------

@transaction.atomic
def framework_import(
    *, actor: Actor, code: str, version: int, name: str, criteria: list[dict[str, Any]],
    description: str = "", sources: str = "",
) -> Framework:
    """Import one framework version whole: every criterion is checked before anything is written.

    Each criterion is ``{"code", "pillar" (number or slug), "title", "levels" (5 descriptors),
    "guidance", "evidence_kinds"}``. Duplicate codes, a missing pillar, a level list that is not five
    descriptors, an unknown evidence kind or an existing version are refused as one error.
    """
    if actor is not None:
        access.require_secretariat(actor)
    from tutela.initiatives.models import Pillar

    pillars = {str(p.number): p for p in Pillar.objects.all()} | {p.slug: p for p in Pillar.objects.all()}
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors.setdefault("name", []).append(_("A framework needs a name."))
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors.setdefault("version", []).append(_("The version is a whole number from 1."))
    elif Framework.objects.filter(code=code, version=version).exists():
        errors.setdefault("version", []).append(
            _("Version %(v)s of “%(code)s” already exists; import the change as a new version.") % {"v": version, "code": code})
    if not criteria:
        errors.setdefault("criteria", []).append(_("A framework needs at least one criterion."))
    seen: set[str] = set()
    rows = []
    for i, raw in enumerate(criteria or []):
        where = f"criteria.{i}"
        ccode = str(raw.get("code") or "").strip()
        if not ccode:
            errors.setdefault(where, []).append(_("Criterion %(n)s has no code.") % {"n": i + 1})
        elif ccode in seen:
            errors.setdefault(where, []).append(_("The code “%(code)s” is used twice; each criterion needs its own.") % {"code": ccode})
        seen.add(ccode)
        pillar = pillars.get(str(raw.get("pillar", "")))
        if pillar is None:
            errors.setdefault(where, []).append(_("Criterion %(code)s: choose a pillar (1–5 or its slug).") % {"code": ccode})
        levels = raw.get("levels")
        if not isinstance(levels, list) or len(levels) != len(LEVELS) or not all(isinstance(x, str) and x.strip() for x in levels):
            errors.setdefault(where, []).append(
                _("Criterion %(code)s: give five level descriptors, for levels 0 to 4.") % {"code": ccode})
        kinds = raw.get("evidence_kinds") or []
        if not isinstance(kinds, list) or any(k not in EvidenceKind.values for k in kinds):
            errors.setdefault(where, []).append(
                _("Criterion %(code)s: evidence kinds are among %(kinds)s.") % {"code": ccode, "kinds": ", ".join(EvidenceKind.values)})
        if not str(raw.get("title") or "").strip():
            errors.setdefault(where, []).append(_("Criterion %(code)s has no title.") % {"code": ccode})
        rows.append((ccode, pillar, raw, levels, kinds))
    if errors:
        raise ValidationError(errors)
    framework = Framework(code=code, version=version, name=name.strip(), description=description, sources=sources)
    framework.full_clean()
    framework.save()
    Criterion.objects.bulk_create([
        Criterion(framework=framework, pillar=pillar, code=ccode, title=str(raw["title"]).strip(),
                  guidance=str(raw.get("guidance") or ""), levels=[x.strip() for x in levels],
                  evidence_kinds=kinds, order=i)
        for i, (ccode, pillar, raw, levels, kinds) in enumerate(rows)
    ])
    audit.record(actor=actor, action="framework.imported", target=framework,
                 changes={"code": [None, code], "version": [None, version], "criteria": [None, len(rows)]})
    return framework


# --- Assessment rounds ----------------------------------------------------------------------------

@transaction.atomic
def assessment_create(
    *, actor: Actor, country: str, framework: Framework, held_on: date, team: str = "",
    strategy_stage: str = StrategyStage.NONE, is_illustrative: bool = False,
) -> Assessment:
    """Open a draft round for ``country`` on ``held_on``, with one empty rating per criterion."""
    country = _country(country)
    _require_country_writer(actor, country)
    if not isinstance(held_on, date):
        raise ValidationError({"held_on": _("Give the date of the round.")})
    if Assessment.objects.filter(country=country, held_on=held_on).exists():
        raise ValidationError({"held_on": _("%(country)s already has a round on %(date)s; choose another date.")
                               % {"country": dict(countries)[country], "date": held_on.isoformat()}})
    assessment = Assessment(country=country, framework=framework, held_on=held_on, team=team.strip(),
                            strategy_stage=strategy_stage, is_illustrative=is_illustrative)
    assessment.full_clean()
    assessment.save()
    Rating.objects.bulk_create([Rating(assessment=assessment, criterion=c) for c in framework.criteria.all()])
    audit.record(actor=actor, action="assessment.created", target=assessment)
    return assessment


def _require_draft(assessment: Assessment) -> None:
    if assessment.status != Assessment.Status.DRAFT:
        if assessment.status in (Assessment.Status.VALIDATED, Assessment.Status.PUBLISHED):
            raise ValidationError(_("This round is validated and cannot be changed; open a new round instead."))
        raise ValidationError(_("This round is submitted; only a draft can be changed (the secretariat may return it)."))


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


@transaction.atomic
def assessment_update(*, actor: Actor, assessment: Assessment, team: str | None = None,
                      strategy_stage: str | None = None) -> Assessment:
    """Change a draft round's team or the national strategy's stage."""
    assessment = _locked(assessment)
    _require_country_writer(actor, assessment.country.code)
    _require_draft(assessment)
    before = audit.snapshot(assessment, ["team", "strategy_stage"])
    if team is not None:
        assessment.team = team.strip()
    if strategy_stage is not None:
        assessment.strategy_stage = strategy_stage
    assessment.full_clean()
    assessment.save(update_fields=["team", "strategy_stage"])
    audit.record(actor=actor, action="assessment.updated", target=assessment, before=before)
    return assessment


@transaction.atomic
def rating_update(*, actor: Actor, rating: Rating, level: Any = None, target_level: Any = None,
                  comments: str | None = None) -> Rating:
    """Set a criterion's level (0–4, or none yet), its target level and comments, in a draft round."""
    assessment = _locked(rating.assessment)
    _require_country_writer(actor, assessment.country.code)
    _require_draft(assessment)
    rating = Rating.objects.select_related("criterion").get(pk=rating.pk)
    before = audit.snapshot(rating, ["level", "target_level", "comments"])
    rating.level = _level(level, "level")
    if target_level is not None:
        target = _level(target_level, "target_level")
        rating.target_level = 3 if target is None else target
    if comments is not None:
        rating.comments = comments.strip()
    rating.save(update_fields=["level", "target_level", "comments"])
    audit.record(actor=actor, action="rating.updated", target=rating, before=before)
    return rating


@transaction.atomic
def evidence_add(*, actor: Actor, rating: Rating, kind: str, title: str, url: str = "", file: Any = None,
                 is_public: bool = False) -> Evidence:
    """Attach a link or a document (PDF or an Office/OpenDocument file up to 10 MB) to a draft rating."""
    assessment = _locked(rating.assessment)
    _require_country_writer(actor, assessment.country.code)
    _require_draft(assessment)
    errors: dict[str, str] = {}
    if kind not in EvidenceKind.values:
        errors["kind"] = _("Choose what kind of evidence this is.")
    if not (title or "").strip():
        errors["title"] = _("Give the evidence a title.")
    if bool(url) == bool(file):
        errors["url"] = _("Give either a link or a document, not both and not neither.")
    file_type = ""
    if file:
        size = getattr(file, "size", 0) or 0
        if size > EVIDENCE_MAX_BYTES:
            errors["file"] = _("The document is %(mb)s MB; the limit is 10 MB.") % {"mb": round(size / 1048576, 1)}
        elif size == 0:
            errors["file"] = _("The document is empty.")
        else:
            file_type = sniff(file) or ""
            if file_type not in EVIDENCE_TYPES:
                errors["file"] = _("Upload a PDF, Word, OpenDocument text, Excel or PowerPoint file.")
    if errors:
        raise ValidationError(errors)
    evidence = Evidence(rating=rating, kind=kind, title=title.strip(), url=url or "", file_type=file_type,
                        public_flag=bool(is_public))
    if file:
        name = f"{timezone.now():%Y%m%d%H%M%S}.{file_type}"
        evidence.file.save(name, file, save=False)
    evidence.full_clean()
    evidence.save()
    audit.record(actor=actor, action="evidence.added", target=evidence,
                 changes={"rating": [None, rating.pk], "title": [None, evidence.title], "kind": [None, kind]})
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Actor, evidence: Evidence) -> None:
    """Remove evidence from a draft rating."""
    assessment = _locked(evidence.rating.assessment)
    _require_country_writer(actor, assessment.country.code)
    _require_draft(assessment)
    audit.record(actor=actor, action="evidence.removed", target=evidence,
                 changes={"title": [evidence.title, None]})
    stored = evidence.file.name if evidence.file else ""
    evidence.delete()
    if stored:
        storage = Evidence._meta.get_field("file").storage
        transaction.on_commit(partial(storage.delete, stored))


@transaction.atomic
def assessment_submit(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Hand a draft round to the secretariat. Every criterion needs a level first."""
    assessment = _locked(assessment)
    _require_country_writer(actor, assessment.country.code)
    _require_draft(assessment)
    missing = list(assessment.ratings.filter(level__isnull=True).values_list("criterion__code", flat=True))
    if missing:
        raise ValidationError(_("Give a level for every criterion before submitting; missing: %(codes)s.")
                              % {"codes": ", ".join(missing)})
    before = audit.snapshot(assessment, ["status"])
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at"])
    audit.record(actor=actor, action="assessment.submitted", target=assessment, before=before)
    transaction.on_commit(partial(tasks.notify_assessment_submitted.enqueue, assessment_id=assessment.pk))
    return assessment


@transaction.atomic
def assessment_return(*, actor: Actor, assessment: Assessment) -> Assessment:
    """The secretariat sends a submitted round back to the national team as a draft."""
    access.require_secretariat(actor)
    assessment = _locked(assessment)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted round can be returned to its team."))
    before = audit.snapshot(assessment, ["status"])
    assessment.status = Assessment.Status.DRAFT
    assessment.save(update_fields=["status"])
    audit.record(actor=actor, action="assessment.returned", target=assessment, before=before)
    return assessment


@transaction.atomic
def assessment_validate(*, actor: Actor, assessment: Assessment) -> Assessment:
    """The secretariat validates a submitted round. From now on it is never edited."""
    access.require_secretariat(actor)
    assessment = _locked(assessment)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted round can be validated."))
    before = audit.snapshot(assessment, ["status"])
    assessment.status = Assessment.Status.VALIDATED
    assessment.validated_at = timezone.now()
    assessment.validated_by = actor if getattr(actor, "is_authenticated", False) else None
    assessment.save(update_fields=["status", "validated_at", "validated_by"])
    audit.record(actor=actor, action="assessment.validated", target=assessment, before=before)
    return assessment


@transaction.atomic
def assessment_publish(*, actor: Actor, assessment: Assessment, summary: str) -> Assessment:
    """The secretariat publishes a validated round's summary: the round appears on the country's page."""
    access.require_secretariat(actor)
    assessment = _locked(assessment)
    if assessment.status != Assessment.Status.VALIDATED:
        raise ValidationError(_("Only a validated round's summary can be published."))
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Write the summary the public will read.")})
    before = audit.snapshot(assessment, ["status", "summary"])
    assessment.status = Assessment.Status.PUBLISHED
    assessment.summary = summary
    assessment.published_at = timezone.now()
    assessment.save(update_fields=["status", "summary", "published_at"])
    audit.record(actor=actor, action="assessment.published", target=assessment, before=before)
    return assessment


# --- Action plans -----------------------------------------------------------------------------------

ACTION_FIELDS = ("title", "owner", "due_on", "status")


def _action_links(action: Action, activities: list | None, projects: list | None, partners: list | None) -> dict:
    changes: dict[str, list] = {}
    for name, values in (("activities", activities), ("projects", projects), ("partners", partners)):
        if values is None:
            continue
        manager = getattr(action, name)
        old = sorted(manager.values_list("pk", flat=True))
        manager.set(values)
        new = sorted(v.pk for v in values)
        if old != new:
            changes[name] = [old, new]
    return changes


@transaction.atomic
def action_create(
    *, actor: Actor, assessment: Assessment, criterion: Criterion, title: str, owner: Any, due_on: date,
    status: str = Action.Status.PLANNED, activities: list | None = None, projects: list | None = None,
    partners: list | None = None,
) -> Action:
    """Add an action to a country's plan, closing a gap (a criterion below its target) of a validated round."""
    assessment = _locked(assessment)
    _require_country_writer(actor, assessment.country.code)
    if assessment.status not in (Assessment.Status.VALIDATED, Assessment.Status.PUBLISHED):
        raise ValidationError(_("Plan actions on a validated round: its gaps are settled."))
    rating = assessment.ratings.filter(criterion=criterion).first()
    if rating is None:
        raise ValidationError({"criterion": _("This criterion is not part of the round's framework.")})
    if not rating.is_gap:
        raise ValidationError({"criterion": _("%(code)s already meets its target level: it is not a gap.")
                               % {"code": criterion.code}})
    action = Action(assessment=assessment, criterion=criterion, title=(title or "").strip(), owner=owner,
                    due_on=due_on, status=status)
    action.full_clean()
    action.save()
    _action_links(action, activities, projects, partners)
    audit.record(actor=actor, action="action.created", target=action)
    return action


@transaction.atomic
def action_update(*, actor: Actor, action: Action, activities: list | None = None, projects: list | None = None,
                  partners: list | None = None, **fields: Any) -> Action:
    """Change an action: its title, owner, due date, status, and the activities, projects and partners serving it."""
    _require_country_writer(actor, action.assessment.country.code)
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    before = audit.snapshot(action, ["title", "owner_id", "due_on", "status"])
    for name, value in fields.items():
        if value is None:
            raise ValidationError({name: _("This field cannot be empty.")})
        setattr(action, name, value.strip() if isinstance(value, str) and name == "title" else value)
    action.full_clean()
    action.save()
    links = _action_links(action, activities, projects, partners)
    audit.record(actor=actor, action="action.updated", target=action, before=before)
    if links:
        audit.record(actor=actor, action="action.links_changed", target=action, changes=links)
    return action


def organisation_replaced(*, actor: Actor, old: Any, new: Any) -> dict[str, int]:
    """Actions owned or supported by ``old`` are ``new``'s (a merge of organisations), audited."""
    moved = {
        "strategies.Action.owner": repoint(actor=actor, rows=Action.objects.filter(owner=old), field="owner", new=new,
                                           action="action.organisation_replaced"),
        "strategies.Action.partners": repoint_m2m(actor=actor, owners=Action.objects.all(), name="partners", old=old,
                                                  new=new, action="action.organisation_replaced"),
    }
    return {label: count for label, count in moved.items() if count}
