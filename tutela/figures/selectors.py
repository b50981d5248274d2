"""Reads for figures and the public dashboard. Sums are kept per kind and per target/actual."""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.lookups import IsNull
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from tutela.activities.models import Activity, Participation
from tutela.core import access, disclosure
from tutela.core.access import Actor
from tutela.core.choices import FigureKind, StakeholderGroup
from tutela.core.pagination import KeysetPage, keyset_page
from tutela.initiatives.models import Pillar
from tutela.partners.models import Organisation

from .disclosure import withhold_figures
from .models import DashboardSummary, Figure, Indicator

FIGURE_ORDERING = ["-as_of", "-id"]

# Indicator codes the dashboard puts first (demo data and imports use these codes).
PEOPLE_TRAINED = "people-trained"
CHILDREN_REACHED = "children-reached"
HEADLINE_CODES = [PEOPLE_TRAINED, CHILDREN_REACHED]


@dataclass
class FigureFilters:
    indicator: Indicator | None = None
    kind: str = ""
    measure: str = ""
    country: str = ""
    subject_type: ContentType | None = None
    subject_id: int | None = None
    year: int | None = None
    top_level: bool = False  # only figures that are not a breakdown of another (see ``top_level``)

    def apply(self, qs: QuerySet[Figure]) -> QuerySet[Figure]:
        if self.indicator is not None:
            qs = qs.filter(indicator=self.indicator)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.measure:
            qs = qs.filter(measure=self.measure)
        if self.country:
            qs = qs.filter(country=self.country)
        if self.subject_type is not None:
            qs = qs.filter(subject_type=self.subject_type)
        if self.subject_id is not None:
            qs = qs.filter(subject_id=self.subject_id)
        if self.year:
            qs = qs.filter(as_of__gte=date(self.year, 1, 1), as_of__lte=date(self.year, 12, 31))
        return qs


def indicators(user: Actor) -> QuerySet[Indicator]:
    """Every indicator (reference data: public), by name; for the secretariat each says whether figures use it
    (``in_use``: its code then stays, services.indicator_update). An EXISTS per row, on the foreign key's index."""
    qs = Indicator.objects.order_by("name", "pk")
    if access.is_secretariat(user):
        qs = qs.annotate(in_use=Exists(Figure.objects.filter(indicator=OuterRef("pk"))))
    return qs


def figure_queryset(user: Actor, filters: FigureFilters | None = None) -> QuerySet[Figure]:
    filters = filters or FigureFilters()
    qs = filters.apply(access.readable(user, Figure.objects.all()))
    return top_level(user, qs) if filters.top_level else qs


def figure_page(user: Actor, filters: FigureFilters, *, cursor: str | None, size: int = 25) -> KeysetPage:
    qs = figure_queryset(user, filters).select_related("indicator", "owner_organisation", "subject_type")
    page = keyset_page(qs, ordering=FIGURE_ORDERING, cursor=cursor, size=size)
    attach_subjects(user, page.items)
    withhold_figures(user, page.items)
    return page


def attach_subjects(user: Actor, figures: list[Figure]) -> None:
    """Set ``figure.shown_subject`` to the subject the user may read (or None): one query per subject type."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for f in figures:
        if f.subject_type_id and f.subject_id:
            wanted[f.subject_type_id].add(f.subject_id)
    found: dict[tuple[int | None, int | None], Any] = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        qs = model._default_manager.filter(pk__in=ids)
        if hasattr(qs, "public"):
            qs = access.readable(user, qs)
        for obj in qs:
            found[(type_id, obj.pk)] = obj
    for f in figures:
        f.shown_subject = found.get((f.subject_type_id, f.subject_id))


# Records a figure may be about, as "app_label.model".
SUBJECT_TYPES = {"activities.activity", "activities.project", "activities.occasion", "partners.organisation",
                 "initiatives.deliverable", "initiatives.initiative"}


def subject_content_type(label: str) -> ContentType:
    if label not in SUBJECT_TYPES:
        raise ValidationError({"subject_type": _("Unknown subject type “%(label)s”; use one of %(types)s.") % {
            "label": label[:60], "types": ", ".join(sorted(SUBJECT_TYPES))}})
    app_label, model = label.split(".")
    return ContentType.objects.get_by_natural_key(app_label, model)


def readable_subject(user: Actor, label: str, pk: Any) -> Any:
    """The record ``label`` ``pk`` a figure may be about, if ``user`` may read it; else ValidationError."""
    model = subject_content_type(label).model_class()
    if model is None:  # a subject type whose app is gone
        raise ValidationError({"subject_type": _("Unknown subject type “%(label)s”.") % {"label": label[:60]}})
    qs = model._default_manager.all()
    if hasattr(qs, "public"):
        qs = access.readable(user, qs)
    try:
        subject = qs.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        subject = None
    if subject is None:
        raise ValidationError({"subject_id": f"{label} {pk} does not exist."})
    return subject


def figures_about(user: Actor, subject: Any) -> list[Figure]:
    """The figures about one record (an activity, a project) that ``user`` may read, disclosure applied."""
    figures = list(access.readable(user, Figure.objects.about(subject)).select_related("indicator"))
    withhold_figures(user, figures)
    return figures


def figure_detail(user: Actor, pk: Any) -> Figure:
    figure = access.get_for_user(user, Figure.objects.select_related("indicator", "owner_organisation"), pk)
    attach_subjects(user, [figure])
    withhold_figures(user, [figure])
    return figure


# --- Dashboard --------------------------------------------------------------------------------

def _readable_activities(user: Actor) -> QuerySet[Activity]:
    """Activities ``user`` may read, as a queryset aggregates can group directly (no self-join).

    For the public and the secretariat that is a plain filter; a focal point's readable set is a
    DISTINCT union with joins, so aggregates then go over its ids.
    """
    qs = access.readable(user, Activity.objects.all())
    return Activity.objects.filter(pk__in=qs.values("pk")) if qs.query.distinct else qs


def activities_by_pillar_and_year(user: Actor) -> dict:
    """``{"years": [...], "rows": [(pillar, [n per year], total)], "totals": [n per year]}``.

    An activity under two pillars counts in both rows; the column totals count it once.
    """
    base = _readable_activities(user)
    cells = (
        base.filter(pillars__isnull=False).annotate(year=ExtractYear("starts_on")).values("pillars", "year")
        .annotate(n=Count("id", distinct=True)).order_by()
    )
    per_year = base.annotate(year=ExtractYear("starts_on")).values("year").annotate(n=Count("id")).order_by("year")
    totals_by_year = {r["year"]: r["n"] for r in per_year}
    years = sorted(totals_by_year)
    matrix: dict[int, dict[int, int]] = defaultdict(dict)
    for cell in cells:
        if cell["pillars"] is not None:
            matrix[cell["pillars"]][cell["year"]] = cell["n"]
    rows = []
    pillars = list(Pillar.objects.all())
    for pillar in pillars:
        counts = [matrix[pillar.pk].get(y, 0) for y in years]
        rows.append((pillar, counts, sum(counts)))
    # For the stacked chart: each activity once, under its only pillar, "several pillars" or "no pillar",
    # so a column is as tall as the year's distinct activities.
    through = Activity.pillars.through.objects.filter(activity_id=OuterRef("pk")).order_by().values("activity_id")
    per_activity = (
        base.annotate(year=ExtractYear("starts_on"),
                      # django-stubs does not see annotations on the auto-created through model:
                      np=Coalesce(Subquery(through.annotate(c=Count("*")).values("c")), 0),  # type: ignore[misc]
                      one=Subquery(through.annotate(m=Min("pillar_id")).values("m")))  # type: ignore[misc]
        .values("year", "np", "one").annotate(n=Count("id")).order_by()
    )
    stack: dict[Any, dict[int, int]] = defaultdict(dict)
    for r in per_activity:
        key = r["one"] if r["np"] == 1 else ("several" if r["np"] > 1 else "none")
        stack[key][r["year"]] = stack[key].get(r["year"], 0) + r["n"]
    stacks: list[tuple[Pillar | str, list[int]]] = [(p, [stack[p.pk].get(y, 0) for y in years]) for p in pillars]
    stacks += [(key, [stack[key].get(y, 0) for y in years]) for key in ("several", "none") if key in stack]
    return {"years": years, "rows": rows, "totals": [totals_by_year[y] for y in years],
            "total": sum(totals_by_year.values()), "stacks": stacks}


def countries_engaged(user: Actor) -> list[dict]:
    """Countries where readable activities took place, with how many, most first."""
    rows = (
        _readable_activities(user).exclude(country="").order_by().values("country")
        .annotate(n=Count("id")).order_by("-n", "country")
    )
    return [{"code": r["country"], "name": countries.name(r["country"]) or r["country"], "n": r["n"]} for r in rows]


def partners_by_kind(user: Actor) -> list[dict]:
    """Organisations with a role in readable activities, by kind."""
    ids = _readable_activities(user).values("pk")
    orgs = access.readable(user, Organisation.objects.all())
    if orgs.query.distinct:
        orgs = Organisation.objects.filter(pk__in=orgs.values("pk"))
    rows = (
        orgs.filter(activity_roles__activity__in=ids).values("kind")
        .annotate(n=Count("id", distinct=True)).order_by("-n", "kind")
    )
    labels = dict(Organisation.Kind.choices)
    return [{"kind": r["kind"], "label": labels.get(r["kind"], r["kind"]), "n": r["n"]} for r in rows]


BREAKDOWN_FIELDS = ("group", "sex", "country")


def breakdown_parents(qs: QuerySet[Figure]) -> QuerySet[Figure]:
    """For each figure, the figures in ``qs`` it is a breakdown of (same indicator, measure, kind and
    subject, every breakdown field of the parent either blank or equal, and the parent broader)."""
    parents = qs.annotate(_stid=Coalesce("subject_type_id", 0), _sid=Coalesce("subject_id", 0),
                          _min=Coalesce("min_age", -1), _max=Coalesce("max_age", -1)).filter(
        indicator=OuterRef("indicator"), measure=OuterRef("measure"), kind=OuterRef("kind"),
        _stid=Coalesce(OuterRef("subject_type_id"), 0), _sid=Coalesce(OuterRef("subject_id"), 0),
    )
    for name in BREAKDOWN_FIELDS:
        parents = parents.filter(Q(**{name: ""}) | Q(**{name: OuterRef(name)}))
    parents = parents.filter(Q(min_age__isnull=True) | Q(_min=Coalesce(OuterRef("min_age"), -1), _max=Coalesce(OuterRef("max_age"), -1)))
    # broader: not the very same breakdown
    return parents.exclude(group=OuterRef("group"), sex=OuterRef("sex"), country=OuterRef("country"),
                           _min=Coalesce(OuterRef("min_age"), -1), _max=Coalesce(OuterRef("max_age"), -1))


def top_level(user: Actor, qs: QuerySet[Figure]) -> QuerySet[Figure]:
    """Figures that are not a breakdown of another figure ``user`` can read: the ones a total may add up.

    A target of 50 with its breakdown 30 + 20 totals 50, not 100 (issue 12).
    """
    readable = access.readable(user, Figure.objects.all())
    if readable.query.distinct:
        readable = Figure.objects.filter(pk__in=readable.values("pk"))
    return qs.exclude(Exists(breakdown_parents(readable)))


# What ``indicator_totals`` and the disclosure decision read of a children's figure (every published
# one, at the refresh: not the whole row).
CHILDREN_FIELDS = ("id", "value", "low", "high", "indicator_id", "measure", "kind", "subject_type_id", "subject_id",
                   "period_start", "period_end", "group", "owner_organisation_id", "is_published", "awaiting_review",
                   "indicator__unit")


def about_children() -> Q:
    """Figures about children, as ``disclosure.figure_is_about_children`` decides it, as a filter."""
    return Q(group=StakeholderGroup.CHILDREN) | Q(indicator__unit__istartswith="child")


def _same_group_as_a_small_childrens_figure() -> Exists:
    """Does a published children's figure under the threshold share this figure's disclosure group
    (``disclosure._figure_group_key``)? ``protect`` withholds nothing in a group without one, so the
    disclosure decision only needs the figures for which this holds."""
    small = Figure.objects.public().filter(about_children(), value__gt=0, value__lt=disclosure.threshold())
    same = small.annotate(_stid=Coalesce("subject_type_id", 0), _sid=Coalesce("subject_id", 0)).filter(
        _stid=Coalesce(OuterRef("subject_type_id"), 0), _sid=Coalesce(OuterRef("subject_id"), 0),
        indicator=OuterRef("indicator"), measure=OuterRef("measure"), kind=OuterRef("kind"))
    for name in ("period_start", "period_end"):
        same = same.filter(Q(**{name: OuterRef(name)}) | Q(IsNull(OuterRef(name), True), **{f"{name}__isnull": True}))
    return Exists(same)


def indicator_totals(user: Actor) -> list[dict]:
    """Per indicator: sums per (target/actual, kind), never across kinds or across target and actual.

    Only top-level figures are added (a breakdown is never added to the figure it breaks down).
    For public output, a figure about children that ``tutela.core.disclosure`` withholds is not
    added either, and such totals are rounded, so no total can be differenced against the list.
    """
    base = top_level(user, figure_queryset(user))
    rows = list(base.order_by().values("indicator", "measure", "kind").annotate(
        total=Sum("value"), n=Count("id"), children=Count("id", filter=about_children())))
    by_indicator: dict[int, dict] = {}
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in={r["indicator"] for r in rows})}
    hidden: dict[tuple, list[Figure]] = defaultdict(list)
    original: dict[int, Any] = {}
    control = disclosure.controlled(user)
    if control:
        # Only a figure in a group with a small published children's figure can be withheld (a
        # reader's own unpublished figure never is: they may change it), so only those are decided.
        candidates = list(base.filter(about_children()).filter(_same_group_as_a_small_childrens_figure())
                          .select_related("indicator").only(*CHILDREN_FIELDS))
        original = {f.pk: f.value for f in candidates}
        withhold_figures(user, candidates)
        for f in candidates:
            if f.withheld:
                hidden[(f.indicator_id, f.measure, f.kind)].append(f)
    for r in rows:
        entry = by_indicator.setdefault(r["indicator"], {"indicator": indicators[r["indicator"]], "actual": [], "target": []})
        cell = {"kind": r["kind"], "total": r["total"], "n": r["n"], "withheld": 0, "rounded": False}
        if control and r["children"]:
            withheld = hidden.get((r["indicator"], r["measure"], r["kind"]), [])
            visible_sum = r["total"] - sum((original[f.pk] for f in withheld), 0)
            total = disclosure.public_total([disclosure.Shown(visible_sum)])
            cell.update(total=total.value, withheld=len(withheld), rounded=total.rounded, n=r["n"] - len(withheld))
        entry[r["measure"]].append(cell)
    order = {code: i for i, code in enumerate(HEADLINE_CODES)}
    kinds = {k: i for i, k in enumerate(FigureKind.values)}
    result = sorted(by_indicator.values(), key=lambda e: (order.get(e["indicator"].code, 99), e["indicator"].name))
    for entry in result:
        entry["actual"].sort(key=lambda c: kinds.get(c["kind"], 9))
        entry["target"].sort(key=lambda c: kinds.get(c["kind"], 9))
    return result


def children_in_activities(user: Actor) -> list[dict]:
    """Children taking part in readable activities (participation rows), summed per kind.

    For public output (anyone but the secretariat) each activity's children's rows are protected
    by ``tutela.core.disclosure`` first, and only what an activity page shows is added (then
    rounded), so the total minus the visible rows never gives a withheld one. ``shown`` is the
    ``disclosure.Shown`` to print.
    """
    ids = _readable_activities(user).values("pk")
    control = disclosure.controlled(user)
    found = list(Participation.objects.filter(activity__in=ids, group=StakeholderGroup.CHILDREN, count__isnull=False)
                 .order_by("activity", "min_age", "pk").only("activity_id", "group", "count", "kind"))
    by_activity: dict[int, list[Participation]] = defaultdict(list)
    for p in found:
        by_activity[p.activity_id].append(p)
    sums: dict[str, dict] = {}
    for rows in by_activity.values():
        for p, shown in zip(rows, disclosure.participation(rows, control=control), strict=True):
            entry = sums.setdefault(p.kind, {"kind": p.kind, "total": 0, "activities": set(), "withheld": 0})
            entry["activities"].add(p.activity_id)
            if shown.suppressed:
                entry["withheld"] += 1
            else:
                entry["total"] += p.count
    result = []
    for kind in sorted(sums):
        entry = sums[kind]
        shown = disclosure.public_total([disclosure.Shown(entry["total"])], control=control)
        result.append({**entry, "activities": len(entry["activities"]), "total": shown.value, "shown": shown})
    return result


def people_in_trainings(user: Actor) -> list[dict]:
    """Adults taking part in readable training activities (participation rows), summed per kind."""
    ids = _readable_activities(user).filter(kind=Activity.Kind.TRAINING).values("pk")
    rows = (
        Participation.objects.filter(activity__in=ids, count__isnull=False).exclude(group=StakeholderGroup.CHILDREN)
        .values("kind").annotate(total=Sum("count"), activities=Count("activity", distinct=True)).order_by("kind")
    )
    return [dict(r) for r in rows]



# --- The dashboard's summary ------------------------------------------------------------------
# The aggregates above scan every activity and figure (about 12 s at 1 M activities and 10 M
# figures). The page reads them from ``DashboardSummary``, which the worker refreshes after
# any change (``services.dashboard_refresh``), for two views: the public's and the secretariat's.


def dashboard_viewer(scope: str) -> Any:
    """Whose view a summary scope holds: the anonymous public's, or the secretariat's (everything).
    An unsaved user: nobody signs in as it; ``tutela.core.access`` and ``disclosure`` judge it as any viewer."""
    if scope == DashboardSummary.Scope.ALL:
        return get_user_model()(role="secretariat", email="summary@tutela.invalid")
    return AnonymousUser()


def dashboard_numbers(user: Actor) -> dict:
    """Every number the dashboard shows to ``user``, as plain values (what a summary row stores).

    Computed by the selectors above, so the disclosure decisions are theirs; the page only formats."""
    grid = activities_by_pillar_and_year(user)
    return {
        "grid": {"years": grid["years"], "totals": grid["totals"], "total": grid["total"],
                 "rows": [[pillar.pk, counts, total] for pillar, counts, total in grid["rows"]],
                 "stacks": [[key.pk if isinstance(key, Pillar) else key, counts] for key, counts in grid["stacks"]]},
        "countries": [{"code": c["code"], "n": c["n"]} for c in countries_engaged(user)],
        "partners": [{"kind": p["kind"], "n": p["n"]} for p in partners_by_kind(user)],
        "indicators": [{**entry, "indicator": entry["indicator"].pk} for entry in indicator_totals(user)],
        "children": [{**row, "shown": {"value": row["shown"].value, "withheld": row["shown"].withheld,
                                       "rounded": row["shown"].rounded}} for row in children_in_activities(user)],
        "trained": [dict(row) for row in people_in_trainings(user)],
    }


def _sees_unpublished(user: Actor) -> bool:
    """Does ``user`` read dashboard records the public cannot (a focal point's own drafts)?"""
    mine = access.user_organisation_ids(user)
    if not mine or access.is_secretariat(user):
        return False
    for model in (Activity, Figure, Organisation):
        own = model.objects.owned_by(mine)
        hidden = Q(is_published=False)
        if any(f.name == "awaiting_review" for f in model._meta.concrete_fields):
            hidden |= Q(awaiting_review=True)
        if own.filter(hidden).exists():
            return True
    return False


@dataclass
class Dashboard:
    numbers: dict | None  # as ``dashboard_numbers`` returns them, restored; None until ``dashboard_load``
    refreshed_at: Any  # a datetime; None when computed for this request
    scope: str  # "public", "all" or "own" (a focal point's own unpublished records included, computed now)

    def cache_key(self) -> str | None:
        """What the page's rendered numbers are kept under: the same for everyone in this stored
        scope, refresh and language. None for a view computed for one request."""
        if self.refreshed_at is None:
            return None
        return f"figures:dashboard:{self.scope}:{self.refreshed_at.isoformat()}:{get_language()}"


def dashboard(user: Actor) -> Dashboard | None:
    """The dashboard as ``user`` may see it, or None while the first refresh has not run.

    The secretariat read the summary of every record, the public and stakeholders the published
    one: its time only (``dashboard_load`` reads the numbers, when the page has not rendered them
    for this refresh yet). A focal point reads the published one unless their organisation has
    records the public cannot see: then their view is computed for this request by
    ``dashboard_numbers`` (slow at scale; it says so on the page), since it differs from both stored views.
    """
    if _sees_unpublished(user):
        return Dashboard(_restore(json.loads(json.dumps(dashboard_numbers(user), cls=DjangoJSONEncoder))), None, "own")
    scope = DashboardSummary.Scope.ALL if access.is_secretariat(user) else DashboardSummary.Scope.PUBLIC
    refreshed_at = DashboardSummary.objects.filter(scope=scope).values_list("refreshed_at", flat=True).first()
    if refreshed_at is None:
        return None
    return Dashboard(None, refreshed_at, scope)


def dashboard_load(shown: Dashboard) -> Dashboard:
    """``shown`` with its numbers: the stored scope's row, read with its own time (a refresh may have
    landed since ``dashboard``)."""
    if shown.numbers is not None:
        return shown
    row = DashboardSummary.objects.get(scope=shown.scope)
    return Dashboard(_restore(row.data), row.refreshed_at, shown.scope)


def _restore(numbers: dict) -> dict:
    """Stored plain values back into what the page shows: pillars and indicators, Decimal sums, ``Shown``."""
    pillars = {p.pk: p for p in Pillar.objects.all()}
    grid = numbers["grid"]
    grid["rows"] = [(pillars[pk], counts, total) for pk, counts, total in grid["rows"] if pk in pillars]
    grid["stacks"] = [(pillars.get(key, key) if isinstance(key, int) else key, counts) for key, counts in grid["stacks"]]
    names = dict(countries)  # the translated list, cached by django-countries (194 ``countries.name`` calls: ~15 ms)
    for c in numbers["countries"]:
        c["name"] = names.get(c["code"]) or c["code"]
    labels = dict(Organisation.Kind.choices)
    for p in numbers["partners"]:
        p["label"] = labels.get(p["kind"], p["kind"])
    indicators = Indicator.objects.in_bulk({e["indicator"] for e in numbers["indicators"]})
    numbers["indicators"] = [e for e in numbers["indicators"] if e["indicator"] in indicators]
    for entry in numbers["indicators"]:
        entry["indicator"] = indicators[entry["indicator"]]
        for cell in entry["actual"] + entry["target"]:
            cell["total"] = None if cell["total"] is None else Decimal(str(cell["total"]))
    for row in numbers["children"]:
        row["shown"] = disclosure.Shown(**row["shown"])
    return numbers


def headline_figures(user: Actor, *, limit: int = 4) -> tuple[list[dict], Any]:
    """The first ``limit`` indicators of the dashboard's stored summary, each with its actual totals per
    kind (counted / estimated / modelled, never added across kinds), and when the summary was made.

    Read from the summary the worker refreshes (``dashboard``), so the home page never adds up the
    figures itself: the secretariat read the summary of every record, everyone else the published one,
    whose children's totals ``core.disclosure`` has already controlled. A focal point's unpublished
    figures are not included here (the dashboard computes that view on request; too slow for a home page).
    """
    scope = DashboardSummary.Scope.ALL if access.is_secretariat(user) else DashboardSummary.Scope.PUBLIC
    row = DashboardSummary.objects.filter(scope=scope).first()
    if row is None:
        return [], None
    entries = [e for e in row.data["indicators"] if e["actual"]][:limit]
    indicators = Indicator.objects.in_bulk({e["indicator"] for e in entries})
    result = []
    for entry in entries:
        if entry["indicator"] not in indicators:
            continue
        cells = [{**cell, "total": None if cell["total"] is None else Decimal(str(cell["total"]))} for cell in entry["actual"]]
        result.append({"indicator": indicators[entry["indicator"]], "actual": cells})
    return result, row.refreshed_at


def unpublished_editable(user: Actor) -> QuerySet[Figure]:
    """Figures ``user`` may change that the public cannot see yet: drafts and submissions."""
    return access.writable(user, Figure.objects.all()).filter(Q(is_published=False) | Q(awaiting_review=True))
