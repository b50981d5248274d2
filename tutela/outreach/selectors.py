"""Reads for outreach pages and the API. Visibility always through ``tutela.core.access``."""

import dataclasses
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Q
from django.db.models.query import QuerySet
from django.http import Http404

from tutela.activities.models import Activity
from tutela.core import access, disclosure
from tutela.core.access import Actor
from tutela.figures.disclosure import withhold_figures
from tutela.figures.models import Figure

from . import reach
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
