"""Reads for activities, occasions and projects. Visibility always through ``tutela.core.access``."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import ExtractYear, TruncMonth

from tutela.core import access, disclosure
from tutela.core.access import Actor
from tutela.core.pagination import KeysetPage, keyset_page
from tutela.initiatives.models import Pillar

from .models import Activity, ActivityPartner, Occasion, Project

ACTIVITY_ORDERING = ["-starts_on", "-id"]
OCCASION_ORDERING = ["-starts_on", "-id"]
PROJECT_ORDERING = ["name", "id"]

@dataclass
class ActivityFilters:
    """The list filters; the same for the web list, the timeline, the API and exports."""

    pillar: Pillar | None = None
    country: str = ""
    organisation: Any = None
    kind: str = ""
    status: str = ""
    year: int | None = None
    occasion: Occasion | None = None
    project: Project | None = None
    group: str = ""
    q: str = ""

    def apply(self, qs: QuerySet[Activity]) -> QuerySet[Activity]:
        if self.pillar is not None:
            qs = qs.filter(pillars=self.pillar)
        if self.country:
            qs = qs.filter(country=self.country)
        if self.organisation is not None:
            qs = qs.filter(partner_roles__organisation=self.organisation)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.year:
            # A range, not __year, so the (starts_on, id) index serves it.
            qs = qs.filter(starts_on__gte=date(self.year, 1, 1), starts_on__lte=date(self.year, 12, 31))
        if self.occasion is not None:
            qs = qs.filter(occasion=self.occasion)
        if self.project is not None:
            qs = qs.filter(project=self.project)
        if self.group:
            qs = qs.filter(participation__group=self.group)
        if self.q:
            qs = qs.filter(title__icontains=self.q)
        if self.organisation is not None or self.pillar is not None or self.group:
            # Joins through to-many relations can repeat a row; keep one per activity.
            qs = qs.distinct()
        return qs


def _with_list_relations(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    owners = ActivityPartner.objects.filter(role__in=ActivityPartner.OWNER_ROLES).select_related("organisation")
    return qs.select_related("occasion").prefetch_related(
        "pillars", Prefetch("partner_roles", queryset=owners, to_attr="owner_roles")
    )


def activity_queryset(user: Actor, filters: ActivityFilters | None = None) -> QuerySet[Activity]:
    """Activities ``user`` may read, filtered."""
    qs = access.readable(user, Activity.objects.all())
    return (filters or ActivityFilters()).apply(qs)


def activity_page(user: Actor, filters: ActivityFilters, *, cursor: str | None, size: int = 25) -> KeysetPage:
    """One keyset page of the activity list, with organisers and pillars in a constant number of queries."""
    qs = _with_list_relations(activity_queryset(user, filters))
    return keyset_page(qs, ordering=ACTIVITY_ORDERING, cursor=cursor, size=size)


def activity_editable_page(user: Actor, *, cursor: str | None, size: int = 25) -> KeysetPage:
    """The activities ``user`` may change: all for the secretariat, their organisation's for a focal point."""
    qs = _with_list_relations(access.writable(user, Activity.objects.all()))
    return keyset_page(qs, ordering=ACTIVITY_ORDERING, cursor=cursor, size=size)


def activity_detail(user: Actor, pk: Any) -> Activity:
    qs = Activity.objects.select_related("occasion", "project", "parent").prefetch_related(
        "pillars", "topics", "deliverables", "links", "parts",
        Prefetch("partner_roles", queryset=ActivityPartner.objects.select_related("organisation")),
        "participation", "outcomes__made_by", "outcomes__made_by_organisation", "people__person",
    )
    return access.get_for_user(user, qs, pk)


def suppress_small_cells(user: Actor, activity: Activity) -> bool:
    """Whether children's counts are disclosure-controlled for ``user`` (see ``tutela.core.disclosure``)."""
    return disclosure.controlled(user, activity)


def participation_rows(activity: Activity, *, suppress: bool) -> list[dict]:
    """Participation as shown: children by age band, protected by ``tutela.core.disclosure`` in public output."""
    records = list(activity.participation.all())
    rows = []
    for p, shown in zip(records, disclosure.participation(records, control=suppress), strict=True):
        rows.append({
            "group": p.group, "group_label": p.get_group_display(), "min_age": p.min_age, "max_age": p.max_age,
            "age_band": p.age_band, "count": shown.value, "suppressed": shown.suppressed,
            "shown": shown.display(), "kind": p.kind, "description": p.description,
            "unit": p.unit, "unit_label": p.get_unit_display(),
        })
    return rows


def timeline(user: Actor, filters: ActivityFilters, *, limit: int = 500) -> list[tuple[date, list[Activity]]]:
    """Activities grouped by month, newest first (at most ``limit`` rows; the list page paginates)."""
    qs = _with_list_relations(activity_queryset(user, filters)).order_by(*ACTIVITY_ORDERING)[:limit]
    months: dict[date, list[Activity]] = {}
    for activity in qs:
        months.setdefault(activity.starts_on.replace(day=1), []).append(activity)
    return list(months.items())


def activity_years(user: Actor) -> list[int]:
    qs = access.readable(user, Activity.objects.all())
    return sorted(
        {y for y in qs.annotate(y=ExtractYear("starts_on")).values_list("y", flat=True).distinct() if y},
        reverse=True,
    )


def months_with_counts(user: Actor, filters: ActivityFilters) -> list[tuple[date, int]]:
    qs = activity_queryset(user, filters).order_by()
    rows = qs.annotate(m=TruncMonth("starts_on")).values("m").annotate(n=Count("id", distinct=True)).order_by("-m")
    return [(r["m"], r["n"]) for r in rows]


# --- Occasions and projects -------------------------------------------------------------------

def occasion_page(user: Actor, *, cursor: str | None, size: int = 25) -> KeysetPage:
    qs = access.readable(user, Occasion.objects.all()).annotate(activity_count=Count("activities", distinct=True))
    return keyset_page(qs, ordering=OCCASION_ORDERING, cursor=cursor, size=size)


def occasion_detail(user: Actor, pk: Any) -> Occasion:
    return access.get_for_user(user, Occasion.objects.select_related("organiser"), pk)


def project_page(user: Actor, *, stage: str = "", cursor: str | None, size: int = 25) -> KeysetPage:
    qs = access.readable(user, Project.objects.all())
    if stage:
        qs = qs.filter(stage=stage)
    qs = qs.prefetch_related("partners").annotate(activity_count=Count("activities", distinct=True))
    return keyset_page(qs, ordering=PROJECT_ORDERING, cursor=cursor, size=size)


def projects_serving(*, user: Actor, country: str) -> QuerySet[Project]:
    """The projects ``user`` may read that name ``country`` among the countries they serve."""
    return access.readable(user, Project.objects.serving_country(country)).prefetch_related("partners").order_by("name", "pk")


def project_detail(user: Actor, pk: Any) -> Project:
    qs = Project.objects.select_related("follows").prefetch_related("partners", "pillars")
    return access.get_for_user(user, qs, pk)



# --- Activities on the pages of apps below (shown through core.panels, see activities.panels) ----

def organisation_activity_roles(user: Actor, organisation: Any, *, limit: int = 50) -> list[ActivityPartner]:
    """The roles an organisation has in activities ``user`` may read, newest first."""
    return list(
        ActivityPartner.objects.filter(organisation=organisation)
        .filter(activity__in=access.readable(user, Activity.objects.all()))
        .select_related("activity", "activity__occasion")
        .order_by("-activity__starts_on", "-activity_id")[:limit]
    )


def organisation_ids_taking_part(user: Actor) -> QuerySet:
    """Ids of organisations with a role in an activity ``user`` may read (the partners list's filter)."""
    activities = access.readable(user, Activity.objects.all()).values("pk")
    return ActivityPartner.objects.filter(activity__in=activities).values("organisation_id")


def deliverable_evidence(user: Actor, deliverable: Any) -> list[Activity]:
    """The activities that show progress on a deliverable, as ``user`` may see them."""
    return list(
        access.readable(user, Activity.objects.filter(deliverables=deliverable))
        .select_related("occasion")
        .prefetch_related("partner_roles__organisation")
        .order_by("-starts_on", "-id")[:100]
    )


def pillar_activities(user: Actor, pillar: Pillar, *, limit: int = 20) -> tuple[list[Activity], int]:
    """The most recent activities under a pillar that ``user`` may read, and how many there are."""
    activities = access.readable(user, Activity.objects.filter(pillars=pillar)).select_related("occasion").order_by("-starts_on", "-id")
    return list(activities[:limit]), activities.count()


# --- For the home page and the workspaces (tutela.home) ---------------------------------------

def upcoming_activities(user: Actor, *, today: date, limit: int = 5) -> list[Activity]:
    """The next activities ``user`` may read that have not ended, soonest first."""
    qs = activity_queryset(user).filter(ends_on__gte=today).select_related("occasion")
    return list(qs.order_by("starts_on", "id")[:limit])


def upcoming_occasions(user: Actor, *, today: date, limit: int = 5) -> list[Occasion]:
    """The next occasions (conferences, days, weeks) ``user`` may read that have not ended."""
    qs = access.readable(user, Occasion.objects.all()).filter(ends_on__gte=today)
    return list(qs.order_by("starts_on", "id")[:limit])


def unpublished_editable(user: Actor) -> QuerySet[Activity]:
    """Activities ``user`` may change that the public cannot see yet: drafts and submissions."""
    from django.db.models import Q

    return access.writable(user, Activity.objects.all()).filter(Q(is_published=False) | Q(awaiting_review=True))


def editable_activities(user: Actor) -> QuerySet[Activity]:
    """Every activity ``user`` may change (all for the secretariat, their organisation's for a focal point)."""
    return access.writable(user, Activity.objects.all())
