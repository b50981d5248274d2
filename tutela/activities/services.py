"""Writes to occasions, activities (with partners, participation, outcomes, links) and projects.

Permission: a service called with a user as ``actor`` checks it may do the write (secretariat:
anything; a focal point: only activities their organisation organises or co-organises). System
writes (demo loading, tasks) pass ``actor=None``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries

from tutela.core import access, audit, review, translations
from tutela.core.access import Actor
from tutela.core.choices import CHILD_MAX_AGE, FigureKind, StakeholderGroup
from tutela.core.services import repoint, repoint_m2m, save_audited
from tutela.initiatives.models import Pillar
from tutela.partners.models import Organisation

from .models import (
    PROJECT_LIFECYCLE,
    Activity,
    ActivityLink,
    ActivityPartner,
    ActivityPerson,
    Occasion,
    Outcome,
    Participation,
    Project,
    Topic,
)

OCCASION_FIELDS = ["name", "short_name", "kind", "starts_on", "ends_on", "city", "country", "venue", "theme",
                   "organiser", "website", "is_published"]
ACTIVITY_FIELDS = ["title", "kind", "status", "starts_on", "ends_on", "date_is_approximate", "city", "country",
                   "venue", "online", "occasion", "project", "parent", "summary", "objective", "focus", "follows_up",
                   "audiences", "is_published", "is_illustrative", "source"]
PROJECT_FIELDS = ["name", "description", "stage", "countries", "region", "starts_on", "ends_on", "follows", "is_published"]


@dataclass(frozen=True)
class Count:
    """One participation row: how many of a group took part (children: with an age band)."""

    group: str
    count: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    kind: str = FigureKind.COUNTED
    description: str = ""
    unit: str = Participation.Unit.PEOPLE


def _check_country(obj: Any) -> None:
    code = getattr(obj.country, "code", obj.country) or ""
    if code and code not in countries:
        raise ValidationError({"country": _("“%(code)s” is not a known ISO 3166 country code (e.g. ET, OM, ID).")
                               % {"code": code}})


def _check_countries(obj: Any) -> None:
    """The countries a record covers (a project's): each a known ISO 3166 code. The one check of them; the
    form and the API leave it to this."""
    unknown = [code for c in obj.countries or [] if (code := str(getattr(c, "code", c))) not in countries]
    if unknown:
        raise ValidationError({"countries": _(
            "Unknown ISO 3166 country code(s): %(codes)s. Use two-letter codes such as ET, KE or OM.")
            % {"codes": ", ".join(unknown)}})


def _dates(obj: Any) -> None:
    if obj.starts_on and obj.ends_on and obj.ends_on < obj.starts_on:
        raise ValidationError({"ends_on": _("The end date (%(end)s) is before the start date (%(start)s).")
                               % {"end": obj.ends_on, "start": obj.starts_on}})


# --- Occasions ------------------------------------------------------------------------------

@transaction.atomic
def occasion_create(*, actor: Actor, name: str, **fields: Any) -> Occasion:
    if actor is not None:
        access.require_secretariat(actor)

    def check(occasion: Occasion) -> None:
        if occasion.starts_on and not occasion.ends_on:
            occasion.ends_on = occasion.starts_on
        _dates(occasion)
        _check_country(occasion)

    return save_audited(Occasion(name=(name or "").strip()), actor=actor, action="occasion.created", fields=fields,
                        allowed=OCCASION_FIELDS, check=check)


@transaction.atomic
def occasion_update(*, actor: Actor, occasion: Occasion, **fields: Any) -> Occasion:
    if actor is not None:
        access.require_secretariat(actor)
    return save_audited(occasion, actor=actor, action="occasion.updated", fields=fields, allowed=OCCASION_FIELDS,
                        check=_dates)


# --- Topics ---------------------------------------------------------------------------------

def topics_for(names: list[str]) -> list[Topic]:
    """The topics with these names, created when new (reference data, not audited)."""
    topics = []
    for name in names:
        name = " ".join(str(name).split())
        if not name:
            continue
        topic, _created = Topic.objects.get_or_create(slug=slugify(name)[:100] or name[:100], defaults={"name": name[:100]})
        topics.append(topic)
    return topics


# --- Activities -----------------------------------------------------------------------------

def _check_partners(partners: list[tuple[Any, str]] | None) -> None:
    if partners is None:
        return
    roles = set(ActivityPartner.Role.values)
    seen = set()
    for org, role in partners:
        if role not in roles:
            raise ValidationError({"partners": _("Unknown partner role “%(role)s”.") % {"role": role}})
        if (org.pk, role) in seen:
            raise ValidationError({"partners": _("%(org)s is listed twice as %(role)s.") % {"org": org, "role": role}})
        seen.add((org.pk, role))


def _check_counts(counts: list[Count] | None) -> None:
    if counts is None:
        return
    groups = set(StakeholderGroup.values)
    for i, row in enumerate(counts, start=1):
        where = _("Participation row %(n)s") % {"n": i}
        if row.group not in groups:
            raise ValidationError({"participation": f"{where}: " + _("unknown group “%(g)s”.") % {"g": row.group}})
        if row.unit not in Participation.Unit.values:
            raise ValidationError({"participation": f"{where}: " + _("count people, countries or Member States.")})
        if row.unit != Participation.Unit.PEOPLE and row.group == StakeholderGroup.CHILDREN:
            raise ValidationError({"participation": f"{where}: " + _(
                "children are counted as people, by age band: choose “people” for this row.")})
        if row.count is not None and (isinstance(row.count, bool) or not isinstance(row.count, int) or row.count < 0):
            raise ValidationError({"participation": f"{where}: " + _("a count must be a whole number, 0 or more.")})
        if row.kind not in FigureKind.values:
            raise ValidationError({"participation": f"{where}: " + _("say whether the count was counted, estimated or modelled.")})
        for bound in (row.min_age, row.max_age):
            if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int) or bound < 0):
                raise ValidationError({"participation": f"{where}: " + _("ages must be whole numbers.")})
        if row.group == StakeholderGroup.CHILDREN:
            if row.min_age is None or row.max_age is None:
                raise ValidationError({"participation": f"{where}: " + _("children are counted by age band: give the youngest and oldest age (0–17).")})
            if row.max_age > CHILD_MAX_AGE:
                raise ValidationError({"participation": f"{where}: " + _("a child age band must lie within 0–17; count people aged 18 or more in an adult group.")})
        if row.min_age is not None and row.max_age is not None and row.max_age < row.min_age:
            raise ValidationError({"participation": f"{where}: " + _("the age band ends before it starts.")})


def _check_outcomes(outcomes: list[dict] | None) -> None:
    """Each outcome has a known kind and says at most once who made it: a person who may be named, an
    organisation or a named group (a report names one maker)."""
    for i, o in enumerate(outcomes or [], start=1):
        where = _("Outcome %(n)s") % {"n": i}
        if o.get("kind") not in Outcome.Kind.values:
            raise ValidationError({"outcomes": f"{where}: " + _("choose its kind (%(kinds)s).")
                                   % {"kinds": ", ".join(str(label).lower() for label in Outcome.Kind.labels)}})
        person = o.get("made_by")
        if person is not None and not person.may_be_named:
            raise ValidationError({"outcomes": f"{where}: " + _("%(p)s has not consented to be named.")
                                   % {"p": person.full_name}})
        makers = [person, o.get("made_by_organisation"), str(o.get("made_by_group") or "").strip()]
        if sum(1 for m in makers if m) > 1:
            raise ValidationError({"outcomes": f"{where}: " + _(
                "say who made it once: a person, an organisation or a named group, not more than one.")})


def _check_pillars(pillars: list | None) -> None:
    if pillars is None:
        return
    if not pillars:
        raise ValidationError({"pillars": _("Choose at least one of the five pillars.")})
    known = set(Pillar.objects.values_list("pk", flat=True))
    for p in pillars:
        if getattr(p, "pk", p) not in known:
            raise ValidationError({"pillars": _("Pillar %(p)s does not exist: choose among the five GCA pillars.") % {"p": p}})


def _check_may_own(actor: Actor | None, partners: list[tuple[Any, str]] | None, activity: Activity | None = None) -> None:
    """A focal point may only create or keep activities their organisation (co-)organises."""
    if actor is None or access.is_secretariat(actor):
        return
    if activity is not None and not access.can_write(actor, activity):
        raise PermissionDenied
    if partners is not None:
        owners = {org.pk for org, role in partners if role in ActivityPartner.OWNER_ROLES}
        if not access.can_create(actor, owners):
            raise ValidationError({"partners": _("List your own organisation as organiser or co-organiser.")})


def _write_relations(activity: Activity, *, partners, counts, outcomes, links, people) -> dict:
    changes: dict = {}
    if partners is not None:
        before = sorted((p.organisation_id, p.role) for p in activity.partner_roles.all())
        activity.partner_roles.all().delete()
        ActivityPartner.objects.bulk_create(ActivityPartner(activity=activity, organisation=o, role=r) for o, r in partners)
        after = sorted((o.pk, r) for o, r in partners)
        if before != after:
            changes["partners"] = [before, after]
    if counts is not None:
        counts_before = [str(p) for p in activity.participation.all()]
        activity.participation.all().delete()
        Participation.objects.bulk_create(
            Participation(activity=activity, group=c.group, count=c.count, min_age=c.min_age, max_age=c.max_age,
                          kind=c.kind, description=c.description, unit=c.unit)
            for c in counts
        )
        counts_after = [str(p) for p in activity.participation.all()]
        if counts_before != counts_after:
            changes["participation"] = [counts_before, counts_after]
    if outcomes is not None:
        activity.outcomes.all().delete()
        for i, o in enumerate(outcomes):
            if not str(o.get("text", "")).strip():
                raise ValidationError({"outcomes": _("Outcome %(n)s has no text.") % {"n": i + 1}})
            Outcome.objects.create(activity=activity, order=i, kind=o["kind"], text=o["text"].strip(),
                                   points=list(o.get("points", [])), made_by=o.get("made_by"),
                                   made_by_organisation=o.get("made_by_organisation"),
                                   made_by_group=str(o.get("made_by_group") or "").strip(),
                                   addressed_to=o.get("addressed_to", ""))
        changes["outcomes"] = [None, len(outcomes)]
    if links is not None:
        activity.links.all().delete()
        for title, url in links:
            link = ActivityLink(activity=activity, title=title, url=url)
            link.full_clean(exclude=["activity"])
            link.save()
    if people is not None:
        activity.people.all().delete()
        for person, role in people:
            if not person.may_be_named:
                raise ValidationError({"people": _("%(p)s has not consented to be named.") % {"p": person.full_name}})
            ActivityPerson.objects.create(activity=activity, person=person, role=role)
    return changes


def _review_texts(activity: Activity, *, fields: dict, counts: list[Count] | None, outcomes: list[dict] | None,
                  links: list[tuple[str, str]] | None) -> tuple[dict, bool]:
    """Every free text of the activity as it will be saved, and whether it is about children."""
    existing = activity.pk is not None
    if counts is None:
        rows = [(p.group, p.description) for p in activity.participation.all()] if existing else []
    else:
        rows = [(c.group, c.description) for c in counts]
    if outcomes is None:
        outcome_texts = ([t for o in activity.outcomes.all() for t in (o.text, *o.points, o.addressed_to, o.made_by_group)]
                         if existing else [])
    else:
        outcome_texts = [str(t) for o in outcomes for t in (o.get("text", ""), *o.get("points", []),
                                                            o.get("addressed_to", ""), o.get("made_by_group", ""))]
    if links is None:
        link_texts = [t for lk in activity.links.all() for t in (lk.title, lk.url)] if existing else []
    else:
        link_texts = [str(t) for pair in links for t in pair]
    about_children = (any(g == StakeholderGroup.CHILDREN for g, _d in rows)
                      or StakeholderGroup.CHILDREN in (activity.audiences or []))
    texts = {"title": activity.title, "summary": activity.summary, "objective": activity.objective,
             "follows_up": activity.follows_up, "participation": [d for _g, d in rows], "outcomes": outcome_texts,
             "links": link_texts}
    return texts, about_children


def _review(activity: Activity, *, actor: Actor | None, fields: dict, counts, outcomes, links) -> None:
    texts, about_children = _review_texts(activity, fields=fields, counts=counts, outcomes=outcomes, links=links)
    review.prepare(activity, actor=actor, texts=texts, about_children=about_children,
                   publish_requested=fields.get("is_published"))


@transaction.atomic
def activity_create(
    *, actor: Actor | None, title: str, kind: str, starts_on, ends_on=None, pillars: list,
    partners: list[tuple[Any, str]] | None = None, topics: list[str] | None = None,
    deliverables: list | None = None, participation: list[Count] | None = None,
    outcomes: list[dict] | None = None, links: list[tuple[str, str]] | None = None,
    people: list[tuple[Any, str]] | None = None, **fields: Any,
) -> Activity:
    """Record an activity with its partners, pillars, topics, participation, outcomes and links."""
    _check_may_own(actor, partners or [])
    _check_pillars(pillars)
    _check_partners(partners)
    _check_counts(participation)
    _check_outcomes(outcomes)

    def check(activity: Activity) -> None:
        _dates(activity)
        _check_country(activity)
        if activity.occasion_id is None and fields.get("occasion") is not None:
            raise ValidationError({"occasion": _("Unknown occasion.")})
        _review(activity, actor=actor, fields=fields, counts=participation or [], outcomes=outcomes or [], links=links or [])

    return save_audited(
        Activity(title=" ".join((title or "").split()), kind=kind, starts_on=starts_on, ends_on=ends_on or starts_on),
        actor=actor, action="activity.created", fields=fields, allowed=ACTIVITY_FIELDS, check=check,
        m2m={"pillars": pillars, "topics": topics_for(topics) if topics else None, "deliverables": deliverables or None},
        after=lambda activity: _write_relations(activity, partners=partners or [], counts=participation or [],
                                                outcomes=outcomes, links=links, people=people),
    )


@transaction.atomic
def activity_update(
    *, actor: Actor, activity: Activity, pillars: list | None = None,
    partners: list[tuple[Any, str]] | None = None, topics: list[str] | None = None,
    deliverables: list | None = None, participation: list[Count] | None = None,
    outcomes: list[dict] | None = None, links: list[tuple[str, str]] | None = None,
    people: list[tuple[Any, str]] | None = None, **fields: Any,
) -> Activity:
    """Change an activity. Relations given (not None) are replaced as a whole."""
    _check_may_own(actor, partners, activity)
    _check_pillars(pillars)
    _check_partners(partners)
    _check_counts(participation)
    _check_outcomes(outcomes)

    def check(activity: Activity) -> None:
        _dates(activity)
        _check_country(activity)
        _review(activity, actor=actor, fields=fields, counts=participation, outcomes=outcomes, links=links)

    return save_audited(
        activity, actor=actor, action="activity.updated", fields=fields, allowed=ACTIVITY_FIELDS, check=check,
        m2m={"pillars": pillars, "topics": topics_for(topics) if topics is not None else None,
             "deliverables": deliverables},
        after=lambda activity: _write_relations(activity, partners=partners, counts=participation, outcomes=outcomes,
                                                links=links, people=people),
    )


@transaction.atomic
def activity_translate(*, actor: Actor | None, activity: Activity, language: str, values: dict[str, Any]) -> Activity:
    """Write the activity's title and summary in ``language`` (secretariat; an empty text removes it,
    so the English shows again with its note). Audited as ``activity.translated``."""
    return translations.save(activity, actor=actor, action="activity.translated", language=language, values=values)


def activity_set_published(*, actor: Actor, activity: Activity, published: bool) -> Activity:
    """Publish (secretariat; refused while a child-identity flag is open) or take offline."""
    if published:
        return activity_publish(actor=actor, activity=activity)
    return review.unpublish(actor=actor, obj=activity)


def activity_publish(*, actor: Actor, activity: Activity) -> Activity:
    """The secretariat makes a submitted (or unpublished) activity public. Audited as activity.published."""
    return review.publish(actor=actor, obj=activity)


def activity_submit(*, actor: Actor, activity: Activity) -> Activity:
    """Whoever may edit an unpublished activity asks the secretariat to review it. Audited as activity.submitted."""
    return review.submit(actor=actor, obj=activity)


def activity_clear_flags(*, actor: Actor, activity: Activity) -> Activity:
    """The secretariat has checked the flagged text: no child's identity. Audited as activity.flags_cleared."""
    return review.clear_flags(actor=actor, obj=activity)


# --- Projects -------------------------------------------------------------------------------

@transaction.atomic
def project_create(*, actor: Actor, name: str, partners: list | None = None, pillars: list | None = None,
                   activities: list[Activity] | None = None, **fields: Any) -> Project:
    if actor is not None and not access.can_create(actor, {p.pk for p in partners or []}):
        raise PermissionDenied
    project = save_audited(Project(name=(name or "").strip()), actor=actor, action="project.created", fields=fields,
                           allowed=PROJECT_FIELDS, check=_project_check(actor, fields),
                           m2m={"partners": partners, "pillars": pillars})
    if activities:
        Activity.objects.filter(pk__in=[a.pk for a in activities]).update(project=project)
    return project


@transaction.atomic
def project_update(*, actor: Actor, project: Project, partners: list | None = None, pillars: list | None = None,
                   **fields: Any) -> Project:
    if actor is not None and not access.can_write(actor, project):
        raise PermissionDenied
    if "stage" in fields:
        PROJECT_LIFECYCLE.check(project.stage, fields["stage"])
    return save_audited(project, actor=actor, action="project.updated", fields=fields, allowed=PROJECT_FIELDS,
                        check=_project_check(actor, fields), m2m={"partners": partners, "pillars": pillars})


@transaction.atomic
def project_move(*, actor: Actor, project: Project, stage: str) -> Project:
    """Move a project to another stage, as PROJECT_LIFECYCLE allows (idea → planned → active → closed,
    or cancelled before it closes); any other jump is refused with the reason. Audited as project.moved."""
    if actor is not None and not access.can_write(actor, project):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=project.pk)
    PROJECT_LIFECYCLE.check(project.stage, stage)
    return save_audited(project, actor=actor, action="project.moved", fields={"stage": stage}, allowed=["stage"])


def _project_check(actor: Actor, fields: dict) -> Callable[[Project], None]:
    def check(project: Project) -> None:
        _dates(project)
        _check_countries(project)
        review.prepare(project, actor=actor, texts={"description": project.description},
                       publish_requested=fields.get("is_published"))
    return check


def project_publish(*, actor: Actor, project: Project) -> Project:
    """The secretariat publishes a submitted project (refused while flagged). Audited as project.published."""
    return review.publish(actor=actor, obj=project)


@transaction.atomic
def organisation_replaced(*, actor: Actor, old: Organisation, new: Organisation) -> dict[str, int]:
    """The occasions, projects and activity roles of ``old`` are ``new``'s (a merge), audited. Where
    an activity already names ``new`` in the same role, ``old``'s role is removed (audited) rather
    than doubled."""
    doubled = ActivityPartner.objects.filter(organisation=old).filter(
        Exists(ActivityPartner.objects.filter(activity=OuterRef("activity"), role=OuterRef("role"), organisation=new))
    )
    for role in doubled.select_related("activity"):
        audit.record(actor=actor, action="activity.partner_removed", target=role.activity,
                     changes={"partners": [f"{old} ({role.role})", None]})
        role.delete()
    moved = {
        "activities.Occasion.organiser": repoint(
            actor=actor, rows=Occasion.objects.filter(organiser=old), field="organiser", new=new,
            action="occasion.organisation_replaced"),
        "activities.Project.partners": repoint_m2m(
            actor=actor, owners=Project.objects.all(), name="partners", old=old, new=new,
            action="project.organisation_replaced"),
        "activities.ActivityPartner.organisation": repoint(
            actor=actor, rows=ActivityPartner.objects.filter(organisation=old), field="organisation", new=new,
            action="activity_partner.organisation_replaced"),
    }
    return {label: count for label, count in moved.items() if count}
