"""The reach engine: how many children (and parents, educators) were reached, and always how.

Three answers are kept apart and never added into one unlabelled number:

* **counted**: sessions ambassadors delivered, de-duplicated by ``COUNTED_RULE``;
* **estimated**: a cascade model for a programme and a placement model for a campaign, each
  from stored, sourced (or explicitly assumed) parameters, as a low–central–high range;
* **combined**: for each audience, the bounds of the union of the two (``UNION_RULE``).

Results are plain JSON-able dicts so they can be stored in a ``ReachSnapshot``, rendered and
returned by the API unchanged. ``for_public`` applies ``tutela.core.disclosure``.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tutela.core import disclosure
from tutela.core.choices import StakeholderGroup

from .models import Campaign, DeliveredSession, Placement, ReachParameter, Trainee, TrainingProgramme

# The rules and methods stay English in the results (the API's and the stored ones); pages show them in their
# language through outreach_tags.reach_text, hence gettext_noop: marked for the catalogues, not translated here.
COUNTED_RULE = gettext_noop(
    "Counted reach adds up sessions ambassadors delivered, de-duplicated within the period asked about: "
    "at an institution, for each audience and age band, only the largest session counts (the same class "
    "reached twice counts once); sessions not held at an institution are added up as reported. "
    "Different age bands are different people."
)
CASCADE_METHOD = gettext_noop(
    "Cascade model: ambassadors × sessions per ambassador × mean class size × share of ambassadors who "
    "actually deliver. Low multiplies every low value, high every high value, so the range is deliberately wide."
)
PLACEMENT_METHOD = gettext_noop(
    "Placement model: for each placement, the audience the broadcaster or school reports × the times the "
    "message ran, added up (impressions), × the share of those impressions that are distinct people."
)
UNION_RULE = gettext_noop(
    "Counted and estimated reach may describe the same people, and the overlap is unknown: people reached "
    "by either route are at least the larger of the two and at most their sum."
)

RULES = frozenset({COUNTED_RULE, CASCADE_METHOD, PLACEMENT_METHOD, UNION_RULE})


@dataclass(frozen=True)
class Scope:
    """What to answer for. All empty: the whole initiative, all time."""

    programme_id: int | None = None
    campaign_id: int | None = None
    country: str | None = None
    start: date | None = None
    end: date | None = None
    published_only: bool = False

    def label(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items()
                if v is not None and k != "published_only"}


# --- Counted --------------------------------------------------------------------------------

def sessions_in(scope: Scope) -> QuerySet[DeliveredSession]:
    qs = DeliveredSession.objects.all()
    if scope.published_only:
        # The unpublished programmes' ids (drafts: usually few, often none), not a join: the filter
        # then stays on the covering index's scan, which keeps the cells in order (a hash join would
        # not, and PostgreSQL would sort 2 M rows instead); with no draft there is no filter at all.
        drafts = list(TrainingProgramme.objects.filter(is_published=False).values_list("pk", flat=True))
        if drafts:
            qs = qs.exclude(programme_id__in=drafts)
    if scope.programme_id is not None:
        qs = qs.filter(programme_id=scope.programme_id)
    if scope.campaign_id is not None:
        qs = qs.filter(campaign_id=scope.campaign_id)
    if scope.country:
        qs = qs.filter(country=scope.country)
    if scope.start:
        qs = qs.filter(held_on__gte=scope.start)
    if scope.end:
        qs = qs.filter(held_on__lte=scope.end)
    return qs


def counted(scope: Scope) -> dict[str, Any]:
    """Counted reach by audience and age band under ``COUNTED_RULE``, in one scan of the sessions."""
    base = sessions_in(scope)
    # Per institution × audience × band: the largest session (the rule) and, for sessions with no
    # institution (one NULL group per band), the sum. The inner query is the ORM's own SQL; only
    # the outer SUM is written here, because Django cannot aggregate over an aggregate.
    inner = (
        base.values("institution_id", "audience", "min_age", "max_age")
        # COUNT(*), not COUNT(id): every column read is in outreach_session_cell_idx (index-only scan).
        .annotate(largest=Max("count"), total=Sum("count"), n=Count("*"),
                  illustrative=Count("is_illustrative", filter=Q(is_illustrative=True)))
        .order_by()
    )
    cells: dict[tuple, int] = {}
    tally = {"n": 0, "illustrative": 0}
    try:
        inner_sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # e.g. nothing is published yet: no session can count
        fetched = []
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.audience, t.min_age, t.max_age, "
                "SUM(CASE WHEN t.institution_id IS NULL THEN t.total ELSE t.largest END), SUM(t.n), SUM(t.illustrative) "
                f"FROM ({inner_sql}) t GROUP BY t.audience, t.min_age, t.max_age",
                params,
            )
            fetched = cursor.fetchall()
    for audience, lo, hi, value, n, illustrative in fetched:
        cells[(audience, lo, hi)] = int(value)
        tally["n"] += int(n)
        tally["illustrative"] += int(illustrative)
    rows = [
        {"audience": a, "audience_label": str(StakeholderGroup(a).label), "min_age": lo, "max_age": hi, "value": v}
        for (a, lo, hi), v in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1] if kv[0][1] is not None else -1))
    ]
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["audience"]] = totals.get(row["audience"], 0) + row["value"]
    return {"rule": COUNTED_RULE, "cells": rows, "totals": totals, "sessions": tally["n"],
            "illustrative_sessions": tally["illustrative"]}


# --- Estimated ------------------------------------------------------------------------------

def _parameters(qs) -> dict[str, ReachParameter]:
    return {p.key: p for p in qs}


def parameter_row(p: ReachParameter) -> dict[str, Any]:
    return {
        "key": p.key, "label": str(p.get_key_display()), "low": float(p.low), "central": float(p.central),
        "high": float(p.high), "source": p.source, "is_assumption": p.is_assumption, "note": p.note,
    }


def cascade_estimate(programme: TrainingProgramme, params: dict[str, ReachParameter] | None = None,
                     completed: int | None = None) -> dict[str, Any]:
    """Children reached according to the programme's cascade model, or what is missing for it."""
    params = params if params is not None else _parameters(programme.parameters.all())
    rows = []
    missing = []
    values = []
    if ReachParameter.Key.AMBASSADORS in params:
        p = params[ReachParameter.Key.AMBASSADORS]
        rows.append(parameter_row(p))
        values.append((p.low, p.central, p.high))
    else:
        # No stated number: use the adults recorded as having completed, a counted input.
        n = completed if completed is not None else programme.trainees.filter(status=Trainee.Status.COMPLETED).count()
        rows.append({"key": "ambassadors", "label": str(ReachParameter.Key.AMBASSADORS.label), "low": n, "central": n,
                     "high": n, "source": _("counted: trainees recorded as completed"), "is_assumption": False, "note": ""})
        values.append((Decimal(n), Decimal(n), Decimal(n)))
    for key in ReachParameter.CASCADE_KEYS[1:]:
        if key in params:
            rows.append(parameter_row(params[key]))
            values.append((params[key].low, params[key].central, params[key].high))
        else:
            missing.append(str(ReachParameter.Key(key).label))
    result = {
        "model": "cascade", "subject": programme.name, "subject_id": programme.pk,
        "audience": StakeholderGroup.CHILDREN.value, "audience_label": str(StakeholderGroup.CHILDREN.label),
        "min_age": programme.reach_min_age, "max_age": programme.reach_max_age,
        "method": CASCADE_METHOD, "parameters": rows, "missing": missing,
        "low": None, "central": None, "high": None,
    }
    if not missing:
        low = central = high = Decimal(1)
        for lo, ce, hi in values:
            low, central, high = low * lo, central * ce, high * hi
        result.update(low=round(float(low)), central=round(float(central)), high=round(float(high)))
    return result


def placement_estimate(campaign: Campaign, scope: Scope | None = None,
                       params: dict[str, ReachParameter] | None = None) -> list[dict[str, Any]]:
    """People reached by a campaign's placements, per audience and age band."""
    params = params if params is not None else _parameters(campaign.parameters.all())
    qs = Placement.objects.filter(message__campaign=campaign)
    if scope is not None:
        if scope.country:
            qs = qs.filter(country=scope.country)
        if scope.start:
            qs = qs.filter(ends_on__gte=scope.start)
        if scope.end:
            qs = qs.filter(starts_on__lte=scope.end)
    share = params.get(ReachParameter.Key.UNIQUE_SHARE)
    out = []
    groups = (
        qs.values("audience", "min_age", "max_age")
        .annotate(placements=Count("id"), impressions=Sum(F("reported_audience") * F("frequency")))
        .order_by("audience", "min_age")
    )
    for g in groups:
        impressions = int(g["impressions"] or 0)
        row = {
            "model": "placement", "subject": campaign.banner, "subject_id": campaign.pk,
            "audience": g["audience"], "audience_label": str(StakeholderGroup(g["audience"]).label),
            "min_age": g["min_age"], "max_age": g["max_age"], "impressions": impressions,
            "placements": g["placements"], "method": PLACEMENT_METHOD,
            "parameters": [parameter_row(share)] if share else [],
            "missing": [] if share else [str(ReachParameter.Key.UNIQUE_SHARE.label)],
            "low": None, "central": None, "high": None,
        }
        if share:
            row.update(low=round(impressions * float(share.low)), central=round(impressions * float(share.central)),
                       high=round(impressions * float(share.high)))
        out.append(row)
    return out


def _programmes_in(scope: Scope) -> QuerySet[TrainingProgramme]:
    qs = TrainingProgramme.objects.all()
    if scope.published_only:
        qs = qs.filter(is_published=True)
    if scope.programme_id is not None:
        qs = qs.filter(pk=scope.programme_id)
    if scope.campaign_id is not None:
        return qs.none()
    if scope.country:
        qs = qs.filter(country=scope.country)
    if scope.start:
        qs = qs.filter(ends_on__gte=scope.start)
    if scope.end:
        qs = qs.filter(starts_on__lte=scope.end)
    return qs


def _campaigns_in(scope: Scope) -> QuerySet[Campaign]:
    qs = Campaign.objects.all()
    if scope.published_only:
        qs = qs.filter(is_published=True)
    if scope.campaign_id is not None:
        qs = qs.filter(pk=scope.campaign_id)
    if scope.programme_id is not None:
        return qs.none()
    if scope.country:
        qs = qs.filter(messages__placements__country=scope.country).distinct()
    if scope.start:
        qs = qs.filter(ends_on__gte=scope.start)
    if scope.end:
        qs = qs.filter(starts_on__lte=scope.end)
    return qs


def estimated(scope: Scope) -> list[dict[str, Any]]:
    """Every model estimate that falls in the scope, one entry per programme or campaign and band."""
    programmes = list(_programmes_in(scope).order_by("pk"))
    completed = dict(
        Trainee.objects.filter(programme__in=[p.pk for p in programmes], status=Trainee.Status.COMPLETED)
        .values_list("programme_id").annotate(n=Count("id")).order_by()
    )
    params_by: dict[tuple[str, int | None], dict[str, ReachParameter]] = {}
    for p in ReachParameter.objects.filter(Q(programme__in=[p.pk for p in programmes]) | Q(campaign__in=_campaigns_in(scope))):
        subject = ("programme", p.programme_id) if p.programme_id else ("campaign", p.campaign_id)
        params_by.setdefault(subject, {})[p.key] = p
    out = [cascade_estimate(p, params_by.get(("programme", p.pk), {}), completed.get(p.pk, 0)) for p in programmes]
    for c in _campaigns_in(scope).order_by("pk"):
        out.extend(placement_estimate(c, scope, params_by.get(("campaign", c.pk), {})))
    return out


# --- Combined -------------------------------------------------------------------------------

def combined(count: dict[str, Any], estimates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per audience: counted, the estimated range, and the union bounds (``UNION_RULE``)."""
    audiences = set(count["totals"]) | {e["audience"] for e in estimates if e["central"] is not None}
    rows = []
    for audience in sorted(audiences):
        c = count["totals"].get(audience, 0)
        usable = [e for e in estimates if e["audience"] == audience and e["central"] is not None]
        est_low = sum(e["low"] for e in usable)
        est_high = sum(e["high"] for e in usable)
        rows.append({
            "audience": audience, "audience_label": str(StakeholderGroup(audience).label),
            "counted": c, "estimated_low": est_low if usable else None, "estimated_high": est_high if usable else None,
            "low": max(c, est_low), "high": c + est_high, "rule": UNION_RULE,
        })
    return rows


def compute(scope: Scope) -> dict[str, Any]:
    """The full answer for a scope: counted, estimated and combined, each with its method."""
    count = counted(scope)
    estimates = estimated(scope)
    return {
        "scope": scope.label(),
        "counted": count,
        "estimated": estimates,
        "combined": combined(count, estimates),
        "union_rule": UNION_RULE,
        "suppressed_below": None,
        "computed_at": timezone.now().isoformat(),
    }


# --- Public output --------------------------------------------------------------------------

def for_public(result: dict[str, Any]) -> dict[str, Any]:
    """A copy safe to publish, decided by ``tutela.core.disclosure``.

    Counted cells of each audience are protected with their total (primary and complementary
    suppression) and rounded (the ``DISCLOSURE_ROUND_TO`` setting), because the public may ask for
    many overlapping scopes (country, months) whose differences must not isolate a small number.
    The combined bounds are computed from the published total, never from a withheld one. Model
    estimates under the threshold are withheld as before.
    """
    out = {**result, "suppressed_below": disclosure.threshold()}
    count = result["counted"]
    cells = [dict(c) for c in count["cells"]]
    totals: dict[str, int | None] = {}
    for audience in dict.fromkeys(c["audience"] for c in cells):
        mine = [c for c in cells if c["audience"] == audience]
        shown, total = disclosure.table([c["value"] for c in mine], rounding=True)
        for c, s in zip(mine, shown, strict=True):
            c["value"], c["suppressed"], c["withheld"] = s.value, s.suppressed, s.withheld
        totals[audience] = total.value
    out["counted"] = {**count, "cells": cells, "totals": totals}
    out["estimated"] = [{**e, **{k: disclosure.cell(e[k]).value for k in ("low", "central", "high")}}
                        for e in result["estimated"]]
    combined_rows = []
    for r in result["combined"]:
        published = totals.get(r["audience"], 0) if r["audience"] in totals else 0
        row = {**r, "estimated_low": disclosure.cell(r["estimated_low"]).value,
               "estimated_high": disclosure.cell(r["estimated_high"]).value}
        if published is None:
            row.update(counted=None, low=None, high=None)
        else:
            est_low, est_high = row["estimated_low"] or 0, row["estimated_high"] or 0
            row.update(counted=published, low=disclosure.cell(max(published, est_low)).value,
                       high=disclosure.cell(published + est_high).value)
        combined_rows.append(row)
    out["combined"] = combined_rows
    out["rounded_to"] = disclosure.round_to() or None
    return out
