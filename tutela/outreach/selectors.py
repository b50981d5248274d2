"""Reads for outreach pages and the API. Visibility always through ``tutela.core.access``."""

import dataclasses
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Min, Q
from django.db.models.query import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.activities.models import Activity
from tutela.core import access, disclosure
from tutela.core.access import Actor
from tutela.figures.disclosure import withhold_figures
from tutela.figures.models import Figure

from . import charts, reach
from .models import (
    Campaign,
    Certificate,
    DeliveredSession,
    Institution,
    ReachSnapshot,
    Sector,
    Trainee,
    TrainingProgramme,
)
from .services import normalise_code, reach_recompute

TREE_LIMIT = 400


def programmes_for(user: Actor) -> QuerySet[TrainingProgramme]:
    return access.readable(user, TrainingProgramme.objects.all()).prefetch_related("organisers", "funders")


def campaigns_for(user: Actor) -> QuerySet[Campaign]:
    return access.readable(user, Campaign.objects.all()).select_related("owner_organisation").prefetch_related("partners")


def stored_reach(user: Actor, *, programme: TrainingProgramme | None = None, campaign: Campaign | None = None) -> dict:
    """The stored reach (computed now if never stored), with small cells withheld from the public."""
    subject = programme or campaign
    if subject is None:
        raise TypeError("stored_reach needs a programme or a campaign")
    try:
        snapshot = subject.reach_snapshot
    except ReachSnapshot.DoesNotExist:
        snapshot = None
    if snapshot is None:
        snapshot = reach_recompute(programme_id=programme.pk if programme else None,
                                   campaign_id=campaign.pk if campaign else None)
    if snapshot is None:  # deleted meanwhile
        raise Http404
    result = snapshot.result
    return reach.for_public(result) if disclosure.controlled(user, subject) else result


def live_reach(user: Actor, scope: reach.Scope) -> dict:
    """Reach computed now for any scope (country, period, whole initiative); public output suppressed.

    A scope may span organisations, so only the secretariat sees unpublished programmes and
    campaigns and unsuppressed cells here; everyone else gets the published records' reach.
    """
    if not access.is_secretariat(user):
        # Public queries: whole calendar months at finest (a ValidationError names the field).
        disclosure.check_period(scope.start, scope.end)
        scope = dataclasses.replace(scope, published_only=True)
    result = reach.compute(scope)
    return reach.for_public(result) if disclosure.controlled(user) else result


def cascade(programme: TrainingProgramme, limit: int = TREE_LIMIT) -> dict[str, Any]:
    """Who trained whom: roots with nested trainees (first ``limit`` people), depth, and people per generation."""
    per_generation = list(
        programme.trainees.values("generation").annotate(people=Count("id"), completed=Count("id", filter=Q(status="completed")))
        .order_by("generation")
    )
    rows = list(programme.trainees.order_by("generation", "label", "pk")
                .values("pk", "label", "full_name", "consent_to_be_named", "sector", "status", "generation", "trained_by_id")[:limit])
    nodes: dict[int, dict[str, Any]] = {r["pk"]: {**r, "name": r["full_name"] if r["consent_to_be_named"] and r["full_name"] else r["label"],
                       "sector_label": str(Sector(r["sector"]).label), "children": []} for r in rows}
    roots: list[dict[str, Any]] = []
    for r in rows:
        node = nodes[r["pk"]]
        parent = nodes.get(r["trained_by_id"]) if r["trained_by_id"] else None
        if parent is not None:
            parent["children"].append(node)
        elif r["trained_by_id"] is None:
            roots.append(node)
    total = sum(g["people"] for g in per_generation)
    return {
        "roots": roots, "depth": max((g["generation"] for g in per_generation), default=0),
        "per_generation": per_generation, "total": total, "shown": len(rows), "truncated": total > len(rows),
    }


def sector_summary(programme: TrainingProgramme) -> list[dict[str, Any]]:
    """Per sector: trainees recorded (enrolled, completed)."""
    counts: dict[str, Any] = {
        r["sector"]: r for r in programme.trainees.values("sector").annotate(
            enrolled=Count("id"), completed=Count("id", filter=Q(status=Trainee.Status.COMPLETED))).order_by()
    }
    return [{"sector": s.value, "label": str(s.label), "enrolled": counts.get(s.value, {}).get("enrolled", 0),
             "completed": counts.get(s.value, {}).get("completed", 0)} for s in Sector]


def figures_about(user: Actor, programme: TrainingProgramme) -> list[Figure]:
    """Sourced figures (targets and actuals) about the programme or the activity it carries out, protected."""
    subjects = Q(subject_type=ContentType.objects.get_for_model(TrainingProgramme), subject_id=programme.pk)
    if programme.activity_id:
        subjects |= Q(subject_type=ContentType.objects.get_for_model(Activity), subject_id=programme.activity_id)
    figures = list(access.readable(user, Figure.objects.filter(subjects)).select_related("indicator")
                   .order_by("measure", "group", "min_age", "pk"))
    withhold_figures(user, figures)
    return figures


def certificate_lookup(code: str) -> Certificate | None:
    """The certificate with this code, or None. Callers treat revoked ones as not valid."""
    code = normalise_code(code)
    if not code:
        return None
    return Certificate.objects.select_related("trainee__programme", "replaced_by").filter(code=code).first()


def country_overview(user: Actor, country: str) -> dict[str, Any]:
    programmes = programmes_for(user).filter(country=country)
    campaigns = campaigns_for(user).filter(Q(countries__contains=country) | Q(messages__placements__country=country)).distinct()
    institutions = access.readable(user, Institution.objects.filter(country=country))
    return {
        "programmes": programmes, "campaigns": campaigns, "institutions": institutions.count(),
        "sessions": DeliveredSession.objects.filter(country=country, programme__in=programmes).count(),
        "reach": live_reach(user, reach.Scope(country=country)),
    }


def countries_with_outreach(user: Actor) -> list[str]:
    codes = set(programmes_for(user).values_list("country", flat=True))
    for countries in campaigns_for(user).values_list("countries", flat=True):
        codes.update(str(countries).split(",") if countries else [])
    return sorted(c for c in codes if c)


def depth(programme: TrainingProgramme) -> int:
    return programme.trainees.aggregate(depth=Max("generation"))["depth"] or 0


# --- Reach over time -----------------------------------------------------------------------------

QUARTERS_SHOWN = 8  # the latest quarters a reach-over-time chart shows (each is one reach computation)


def quarters(start: date, end: date, *, last: int = QUARTERS_SHOWN) -> list[tuple[charts.Period, date, date]]:
    """The calendar quarters from the one holding ``start`` to the one holding ``end`` (the ``last`` latest),
    each with its label and first and last day. Whole months, so a public query passes ``check_period``."""
    out: list[tuple[charts.Period, date, date]] = []
    year, q = start.year, (start.month - 1) // 3
    while (year, q) <= (end.year, (end.month - 1) // 3):
        first = date(year, 3 * q + 1, 1)
        after = date(year + 1, 1, 1) if q == 3 else date(year, 3 * q + 4, 1)
        short = _("Q%(n)s") % {"n": q + 1}
        period = charts.Period(label=_("%(year)s Q%(n)s") % {"year": year, "n": q + 1}, short=short,
                               group=str(year) if q == 0 or not out else "")
        out.append((period, first, after - timedelta(days=1)))
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)
    if len(out) > last:
        out = out[-last:]
        first_period = out[0][0]
        out[0] = (dataclasses.replace(first_period, group=str(out[0][1].year)), out[0][1], out[0][2])
    return out


def reach_over_time(user: Actor, scope: reach.Scope, start: date | None, end: date | None, *,
                    subject: TrainingProgramme | Campaign | None = None) -> charts.Chart:
    """Reach per quarter from ``start`` to ``end`` (today at latest), each quarter computed by the one reach rule
    and protected as its page protects reach: a programme's or campaign's page as ``stored_reach`` does
    (``subject``), any other scope as ``live_reach`` does. Without dates, the span of the scope's sessions."""
    today = timezone.localdate()
    if start is None or end is None:
        seen = scope if subject is not None or access.is_secretariat(user) else dataclasses.replace(
            scope, published_only=True)  # as live_reach: the public's span is the published records'
        span = reach.sessions_in(seen).aggregate(first=Min("held_on"), last=Max("held_on"))
        start, end = start or span["first"], end or span["last"]
    if start is None or end is None:
        return charts.over_time([])
    end = min(end, today)
    periods = []
    for period, first, last in quarters(start, end) if start <= end else []:
        within = dataclasses.replace(scope, start=first, end=last)
        if subject is not None:
            result = reach.compute(within)
            result = reach.for_public(result) if disclosure.controlled(user, subject) else result
        else:
            result = live_reach(user, within)
        periods.append((period, result))
    return charts.over_time(periods)
