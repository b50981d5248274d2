"""Reads for strategies: what each user may see, scores by pillar, gaps, country profiles, comparison."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django_countries import countries

from tutela.core import access
from tutela.core.access import Actor

from .models import Action, Assessment, Criterion, Evidence, Framework, Rating, StrategyStage

STAGE_ORDER = list(StrategyStage.values)


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.annotate(n_criteria=Count("criteria"), n_assessments=Count("assessments", distinct=True))


def framework_criteria(framework: Framework) -> QuerySet[Criterion]:
    return framework.criteria.select_related("pillar")


def assessments_for(user: Actor) -> QuerySet[Assessment]:
    return access.readable(user, Assessment.objects.select_related("framework"))


def assessment_ratings(assessment: Assessment) -> list[Rating]:
    return list(
        assessment.ratings.select_related("criterion__pillar").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
    )


def gaps(assessment: Assessment) -> list[Rating]:
    """The criteria below their target level (or not rated), with the actions already planned for each."""
    ratings = assessment.ratings.select_related("criterion__pillar").filter(
        Q(level__isnull=True) | Q(level__lt=F("target_level")))
    return list(ratings)


def actions_for(user: Actor, assessment: Assessment) -> QuerySet[Action]:
    return access.readable(user, assessment.actions.select_related("criterion", "owner")).prefetch_related(
        "activities", "projects", "agreements", "partners")


def pillar_means(assessment_ids: list[int], rating_model: Any = Rating) -> dict[int, dict[int, float]]:
    """The rule: ``{assessment_id: {pillar_number: mean level}}`` over the rated criteria, rounded to
    2 places, in one grouped query. ``rating_model`` lets the migration that stores it for existing
    rounds pass its historical model (the same rule, not a copy)."""
    rows = (rating_model.objects.filter(assessment_id__in=assessment_ids, level__isnull=False)
            .values("assessment_id", "criterion__pillar__number").annotate(mean=Avg("level")))
    scores: dict[int, dict[int, float]] = defaultdict(dict)
    for row in rows:
        scores[row["assessment_id"]][row["criterion__pillar__number"]] = round(float(row["mean"]), 2)
    return dict(scores)


def stored_means(assessment: Assessment) -> dict[int, float] | None:
    """A validated round's means as stored at validation (JSON keys are strings), or None."""
    if assessment.pillar_means is None:
        return None
    return {int(number): float(mean) for number, mean in assessment.pillar_means.items()}


def pillar_scores(assessments: list[Assessment]) -> dict[int, dict[int, float]]:
    """``{assessment_id: {pillar_number: mean level}}``: stored for validated rounds, computed for the others."""
    scores = {a.pk: means for a in assessments if (means := stored_means(a)) is not None}
    missing = [a.pk for a in assessments if a.pk not in scores]
    if missing:
        scores.update(pillar_means(missing))
    return scores


def _pillars() -> list:
    from tutela.initiatives.models import Pillar

    return list(Pillar.objects.order_by("number"))


def progress(rounds: list[Assessment]) -> dict[str, Any]:
    """Per-pillar mean level over ``rounds`` (oldest first): the table and the SVG chart's geometry."""
    pillars = _pillars()
    rounds = sorted(rounds, key=lambda a: a.held_on)
    scores = pillar_scores(rounds)
    rows = [{"round": a, "scores": [scores.get(a.pk, {}).get(p.number) for p in pillars]} for a in rounds]
    return {"pillars": pillars, "rows": rows, "chart": _chart(pillars, rows)}


# The chart is drawn by the template as plain SVG (no script): one group of bars per pillar, one
# bar per round. These are its coordinates, in a 0 0 W H view box.
CHART_W, CHART_H, CHART_PAD = 600, 240, 30


def _chart(pillars: list, rows: list[dict]) -> dict[str, Any]:
    if not rows:
        return {"bars": [], "width": CHART_W, "height": CHART_H}
    group = (CHART_W - CHART_PAD) / max(1, len(pillars))
    bar = (group - 12) / len(rows)
    plot_h = CHART_H - 2 * CHART_PAD
    bars, labels = [], []
    for pi, pillar in enumerate(pillars):
        x0 = CHART_PAD + pi * group + 6
        labels.append({"x": round(x0 + (group - 12) / 2, 1), "text": pillar.short_name})
        for ri, row in enumerate(rows):
            value = row["scores"][pi]
            h = 0 if value is None else plot_h * value / 4
            bars.append({"x": round(x0 + ri * bar, 1), "y": round(CHART_H - CHART_PAD - h, 1), "w": round(bar - 2, 1),
                         "h": round(h, 1), "series": ri % 6, "value": value, "pillar": pillar.short_name,
                         "round": row["round"].held_on})
    grid = [{"y": round(CHART_H - CHART_PAD - plot_h * level / 4, 1), "level": level} for level in range(5)]
    return {"bars": bars, "labels": labels, "grid": grid, "width": CHART_W, "height": CHART_H,
            "label_y": CHART_H - CHART_PAD + 16, "series": [{"n": i % 6, "round": r["round"].held_on} for i, r in enumerate(rows)]}


_NAMES: dict[str, dict[str, str]] = {}


def country_names() -> dict[str, str]:
    """``{code: name}`` for every country in the active language, built once per language and process
    (django-countries translates every name each time it is iterated: 249 gettext calls)."""
    language = get_language() or ""
    names = _NAMES.get(language)
    if names is None:
        names = _NAMES[language] = {str(code): str(name) for code, name in countries}
    return names


def country_name(code: str) -> str:
    return country_names().get(code.upper(), code)


def country_profile(user: Actor, code: str) -> dict[str, Any]:
    """What the public (or ``user``) sees about one country: published rounds and their progress,
    the latest summary and strategy stage, its action plan, activities and projects there, the partners
    working there, documents, and reach (children's numbers through the outreach selectors, which
    apply ``core.disclosure``)."""
    from tutela.activities.models import Activity, ActivityPartner
    from tutela.activities.selectors import projects_serving
    from tutela.outreach.reach import Scope
    from tutela.outreach.selectors import live_reach
    from tutela.partners.models import Organisation
    from tutela.partners.selectors import agreements_serving

    rounds = list(assessments_for(user).filter(country=code).order_by("held_on"))
    published = [a for a in rounds if a.is_public]
    latest = published[-1] if published else None
    activities = list(access.readable(user, Activity.objects.filter(country=code)).order_by("-starts_on")[:50])
    # Programmes across countries: the projects and agreements that name this country among those they serve.
    projects = list(projects_serving(user=user, country=code))
    agreements = list(agreements_serving(user=user, country=code))
    partner_ids = set(ActivityPartner.objects.filter(activity__in=[a.pk for a in activities]).values_list("organisation_id", flat=True))
    partner_ids |= {o.pk for p in projects for o in p.partners.all()}
    partner_ids |= {o.pk for ag in agreements for o in ag.parties.all()}
    actions = []
    if latest is not None:
        actions = list(actions_for(user, latest))
    partner_ids |= {o.pk for a in actions for o in a.partners.all()}
    partners = list(access.readable(user, Organisation.objects.filter(pk__in=partner_ids)).order_by("name"))
    documents = list(Evidence.objects.filter(rating__assessment=latest, public_flag=True)
                     .select_related("rating__criterion")) if latest else []
    return {
        "code": code, "name": country_name(code), "rounds": rounds, "latest": latest,
        "progress": progress(published), "actions": actions, "activities": activities, "projects": projects,
        "agreements": agreements, "programme_count": len(projects) + len(agreements), "programmes_serving_plan": _serving_plan(actions, projects, agreements),
        "partners": partners, "documents": documents, "reach": live_reach(user, Scope(country=code)),
    }


def _serving_plan(actions: list[Action], projects: list, agreements: list) -> dict[str, set[int]]:
    """Which of the country's programmes an action of its plan names: ``{"projects": ids, "agreements": ids}``."""
    named = {"projects": {p.pk for a in actions for p in a.projects.all()},
             "agreements": {ag.pk for a in actions for ag in a.agreements.all()}}
    return {"projects": named["projects"] & {p.pk for p in projects},
            "agreements": named["agreements"] & {ag.pk for ag in agreements}}


def latest_published() -> QuerySet[Assessment]:
    """The newest published round of each country (one query with a correlated subquery)."""
    newest = (Assessment.objects.filter(status=Assessment.Status.PUBLISHED, country=OuterRef("country"))
              .order_by("-held_on").values("pk")[:1])
    return (Assessment.objects.filter(status=Assessment.Status.PUBLISHED, pk=Subquery(newest))
            .select_related("framework").order_by("country"))


@dataclass(frozen=True)
class ComparisonRow:
    """One country on the comparison page, ready to print (the page has 194 of them): ``held`` and
    ``cells`` are already in the active language's formats, so the table needs no filter per cell."""

    assessment: Assessment
    code: str
    name: str
    url: str
    stage_label: str
    held: str  # the round's month, e.g. "June 2015"
    scores: list[float | None]  # mean level per pillar, one decimal
    cells: list[str]  # the same, as printed: "2.5" ("2,5" in French), "—" for a pillar without a rated criterion


def comparison() -> dict[str, Any]:
    """Every country's newest published round with its mean level per pillar, and its stage."""
    pillars = _pillars()
    # What the rows print, and no more (the framework's texts are long and nobody reads them here).
    latest = list(latest_published().select_related(None).only("country", "held_on", "strategy_stage", "pillar_means"))
    scores = pillar_scores(latest)
    names = country_names()
    stages = {value: str(label) for value, label in StrategyStage.choices}
    # The country page's address, reversed once and filled in per row.
    url = reverse("strategies:country_profile", args=["ZZ"]).replace("/ZZ/", "/{}/")
    rows = []
    for a in latest:
        code = str(a.country)
        means = [_one_decimal(scores.get(a.pk, {}).get(p.number)) for p in pillars]
        rows.append(ComparisonRow(
            assessment=a, code=code, name=names.get(code, code), url=url.format(code),
            stage_label=stages.get(a.strategy_stage, a.strategy_stage), held=date_format(a.held_on, "YEAR_MONTH_FORMAT"),
            scores=means, cells=["—" if m is None else number_format(m, 1) for m in means]))
    rows.sort(key=lambda r: r.name)
    return {"pillars": pillars, "rows": rows}


def comparison_key() -> str:
    """What the comparison page's rendered table and map are kept under (``views.country_list``).

    The page shows published rounds only, the same to everyone. A round enters it only by being
    published (``services.assessment_publish`` sets ``published_at``) and is never changed after
    validation, so the number of published rounds and the newest publication time, with the
    pillars' headings and the language, name one state of the page: a new publication gives a new
    key and is shown at once. Two small queries."""
    published = Assessment.objects.filter(status=Assessment.Status.PUBLISHED).aggregate(
        n=Count("pk"), newest=Max("published_at"))
    newest = published["newest"].isoformat() if published["newest"] else "-"
    pillars = hashlib.sha256("|".join(f"{p.number}={p.short_name}" for p in _pillars()).encode()).hexdigest()[:16]
    return f"strategies:comparison:{published['n']}:{newest}:{get_language()}:{pillars}"


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def stages_by_country() -> dict[str, str]:
    """``{country code: strategy stage}`` from each country's newest published round."""
    return {str(a.country): a.strategy_stage for a in latest_published().select_related(None).only("country", "strategy_stage")}
