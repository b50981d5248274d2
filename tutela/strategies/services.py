"""Writes to frameworks, assessment rounds, evidence and action plans. Each one checked and audited.

A round moves draft → submitted → validated → published (summary). Only a draft changes; a
submitted round goes back to draft only when the secretariat returns it; a validated round is
never edited again (change comes as a new round). A framework version is imported whole and then
never changes, so rounds made against it keep their meaning when a new version arrives.
"""

from collections.abc import Callable
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
from tutela.core.services import repoint, repoint_m2m, save_audited

from . import selectors, tasks
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
    *, actor: Actor, code: str, version: Any, name: str, criteria: list[dict[str, Any]],
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
                  guidance=str(raw.get("guidance") or ""), levels=[x.strip() for x in levels or []],
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
    assessment = save_audited(
        Assessment(country=country, framework=framework, held_on=held_on), actor=actor, action="assessment.created",
        fields={"team": team.strip(), "strategy_stage": strategy_stage, "is_illustrative": is_illustrative},
        allowed=["team", "strategy_stage", "is_illustrative"])
    Rating.objects.bulk_create([Rating(assessment=assessment, criterion=c) for c in framework.criteria.all()])
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
    _require_country_writer(actor, str(assessment.country))
    _require_draft(assessment)
    fields = {name: value for name, value in (("team", team.strip() if team is not None else None),
                                              ("strategy_stage", strategy_stage)) if value is not None}
    return save_audited(assessment, actor=actor, action="assessment.updated", fields=fields,
                        allowed=["team", "strategy_stage"])


@transaction.atomic
def rating_update(*, actor: Actor, rating: Rating, level: Any = None, target_level: Any = None,
                  comments: str | None = None) -> Rating:
    """Set a criterion's level (0–4, or none yet), its target level and comments, in a draft round."""
    assessment = _locked(rating.assessment)
    _require_country_writer(actor, str(assessment.country))
    _require_draft(assessment)
    rating = Rating.objects.select_related("criterion").get(pk=rating.pk)
    fields: dict[str, Any] = {"level": _level(level, "level")}
    if target_level is not None:
        target = _level(target_level, "target_level")
        fields["target_level"] = 3 if target is None else target
    if comments is not None:
        fields["comments"] = comments.strip()
    # The level may be "none yet" (null); full_clean's unique check is the round's own rows: left out.
    return save_audited(rating, actor=actor, action="rating.updated", fields=fields,
                        allowed=["level", "target_level", "comments"], exclude=["assessment", "criterion"])


@transaction.atomic
def evidence_add(*, actor: Actor, rating: Rating, kind: str, title: str, url: str = "", file: Any = None,
                 is_public: bool = False) -> Evidence:
    """Attach a link or a document (PDF or an Office/OpenDocument file up to 10 MB) to a draft rating."""
    assessment = _locked(rating.assessment)
    _require_country_writer(actor, str(assessment.country))
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
    _require_country_writer(actor, str(assessment.country))
    _require_draft(assessment)
    audit.record(actor=actor, action="evidence.removed", target=evidence,
                 changes={"title": [evidence.title, None]})
    stored = evidence.file.name if evidence.file else ""
    evidence.delete()
    if stored:
        storage = Evidence._meta.get_field("file").storage
        transaction.on_commit(partial(storage.delete, stored))


def _move(assessment: Assessment, actor: Actor, action: str, **fields: Any) -> Assessment:
    """One step in the life of a round (status and its date), audited as ``action``."""
    return save_audited(assessment, actor=actor, action=action, fields=fields,
                        allowed=["status", "submitted_at", "validated_at", "validated_by", "summary", "published_at",
                                 "pillar_means"])


@transaction.atomic
def assessment_submit(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Hand a draft round to the secretariat. Every criterion needs a level first."""
    assessment = _locked(assessment)
    _require_country_writer(actor, str(assessment.country))
    _require_draft(assessment)
    missing = list(assessment.ratings.filter(level__isnull=True).values_list("criterion__code", flat=True))
    if missing:
        raise ValidationError(_("Give a level for every criterion before submitting; missing: %(codes)s.")
                              % {"codes": ", ".join(missing)})
    _move(assessment, actor, "assessment.submitted", status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    transaction.on_commit(partial(tasks.notify_assessment_submitted.enqueue, assessment_id=assessment.pk))
    return assessment


@transaction.atomic
def assessment_return(*, actor: Actor, assessment: Assessment) -> Assessment:
    """The secretariat sends a submitted round back to the national team as a draft."""
    access.require_secretariat(actor)
    assessment = _locked(assessment)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted round can be returned to its team."))
    return _move(assessment, actor, "assessment.returned", status=Assessment.Status.DRAFT)


@transaction.atomic
def assessment_validate(*, actor: Actor, assessment: Assessment) -> Assessment:
    """The secretariat validates a submitted round. From now on it is never edited."""
    access.require_secretariat(actor)
    assessment = _locked(assessment)
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted round can be validated."))
    means = selectors.pillar_means([assessment.pk]).get(assessment.pk, {})
    return _move(assessment, actor, "assessment.validated", status=Assessment.Status.VALIDATED,
                 validated_at=timezone.now(), validated_by=access.signed_in(actor),
                 pillar_means={str(number): mean for number, mean in sorted(means.items())})


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
    return _move(assessment, actor, "assessment.published", status=Assessment.Status.PUBLISHED, summary=summary,
                 published_at=timezone.now())


# --- Action plans -----------------------------------------------------------------------------------

ACTION_FIELDS = ["title", "owner", "due_on", "status"]


def _serves_country(assessment: Assessment, projects: list | None, agreements: list | None) -> Callable[[Action], None]:
    """A project or agreement serves an action only if it names the round's country (it then counts in
    that country's plan, and shows on its page)."""
    code = str(assessment.country)

    def check(action: Action) -> None:
        errors = {}
        for name, values in (("projects", projects), ("agreements", agreements)):
            outside = [str(v) for v in values or [] if code not in {str(c) for c in v.countries}]
            if outside:
                errors[name] = _("%(names)s: does not name %(country)s among the countries it serves; "
                                 "add the country to it first.") % {"names": "; ".join(outside),
                                                                     "country": assessment.country_name}
        if errors:
            raise ValidationError(errors)

    return check


def _links(activities: list | None, projects: list | None, agreements: list | None, partners: list | None) -> dict:
    return {"activities": activities, "projects": projects, "agreements": agreements, "partners": partners}


@transaction.atomic
def action_create(
    *, actor: Actor, assessment: Assessment, criterion: Criterion, title: str, owner: Any, due_on: date,
    status: str = Action.Status.PLANNED, activities: list | None = None, projects: list | None = None,
    agreements: list | None = None, partners: list | None = None,
) -> Action:
    """Add an action to a country's plan, closing a gap (a criterion below its target) of a validated round."""
    assessment = _locked(assessment)
    _require_country_writer(actor, str(assessment.country))
    if assessment.status not in (Assessment.Status.VALIDATED, Assessment.Status.PUBLISHED):
        raise ValidationError(_("Plan actions on a validated round: its gaps are settled."))
    rating = assessment.ratings.filter(criterion=criterion).first()
    if rating is None:
        raise ValidationError({"criterion": _("This criterion is not part of the round's framework.")})
    if not rating.is_gap:
        raise ValidationError({"criterion": _("%(code)s already meets its target level: it is not a gap.")
                               % {"code": criterion.code}})
    fields = {"title": (title or "").strip(), "owner": owner, "due_on": due_on, "status": status}
    return save_audited(Action(assessment=assessment, criterion=criterion), actor=actor, action="action.created",
                        fields=fields, allowed=ACTION_FIELDS, check=_serves_country(assessment, projects, agreements),
                        m2m=_links(activities, projects, agreements, partners))


@transaction.atomic
def action_update(*, actor: Actor, action: Action, activities: list | None = None, projects: list | None = None,
                  agreements: list | None = None, partners: list | None = None, **fields: Any) -> Action:
    """Change an action: its title, owner, due date, status, and the activities, projects, agreements and
    partners serving it."""
    _require_country_writer(actor, str(action.assessment.country))
    if isinstance(fields.get("title"), str):
        fields["title"] = fields["title"].strip()
    return save_audited(action, actor=actor, action="action.updated", fields=fields, allowed=ACTION_FIELDS,
                        check=_serves_country(action.assessment, projects, agreements),
                        m2m=_links(activities, projects, agreements, partners))


def organisation_replaced(*, actor: Actor, old: Any, new: Any) -> dict[str, int]:
    """Actions owned or supported by ``old`` are ``new``'s (a merge of organisations), audited."""
    moved = {
        "strategies.Action.owner": repoint(actor=actor, rows=Action.objects.filter(owner=old), field="owner", new=new,
                                           action="action.organisation_replaced"),
        "strategies.Action.partners": repoint_m2m(actor=actor, owners=Action.objects.all(), name="partners", old=old,
                                                  new=new, action="action.organisation_replaced"),
    }
    return {label: count for label, count in moved.items() if count}
