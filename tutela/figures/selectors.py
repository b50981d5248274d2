"""Reads for figures and the public dashboard. Sums are kept per kind and per target/actual."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django_countries import countries

from tutela.activities.models import Activity, Participation
from tutela.core import access
from tutela.core.choices import FigureKind, StakeholderGroup
from tutela.core.pagination import KeysetPage, keyset_page
from tutela.initiatives.models import Pillar
from tutela.partners.models import Organisation

from .models import Figure, Indicator

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


def figure_queryset(user: Any, filters: FigureFilters | None = None) -> QuerySet[Figure]:
    return (filters or FigureFilters()).apply(access.readable(user, Figure.objects.all()))


def figure_page(user: Any, filters: FigureFilters, *, cursor: str | None, size: int = 25) -> KeysetPage:
    qs = figure_queryset(user, filters).select_related("indicator", "owner_organisation", "subject_type")
    page = keyset_page(qs, ordering=FIGURE_ORDERING, cursor=cursor, size=size)
    attach_subjects(user, page.items)
    return page


def attach_subjects(user: Any, figures: list[Figure]) -> None:
    """Set ``figure.shown_subject`` to the subject the user may read (or None): one query per subject type."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for f in figures:
        if f.subject_type_id and f.subject_id:
            wanted[f.subject_type_id].add(f.subject_id)
    found: dict[tuple[int, int], Any] = {}
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
        raise ValidationError({"subject_type": f"Unknown subject type “{label}”; use one of {', '.join(sorted(SUBJECT_TYPES))}."})
    app_label, model = label.split(".")
    return ContentType.objects.get_by_natural_key(app_label, model)


def readable_subject(user: Any, label: str, pk: Any) -> Any:
    """The record ``label`` ``pk`` a figure may be about, if ``user`` may read it; else ValidationError."""
    model = subject_content_type(label).model_class()
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


def figure_detail(user: Any, pk: Any) -> Figure:
    figure = access.get_for_user(user, Figure.objects.select_related("indicator", "owner_organisation"), pk)
    attach_subjects(user, [figure])
    return figure


# --- Dashboard --------------------------------------------------------------------------------

def _readable_activities(user: Any) -> QuerySet[Activity]:
    """Activities ``user`` may read, as a queryset aggregates can group directly (no self-join).

    For the public and the secretariat that is a plain filter; a focal point's readable set is a
    DISTINCT union with joins, so aggregates then go over its ids.
    """
    qs = access.readable(user, Activity.objects.all())
    return Activity.objects.filter(pk__in=qs.values("pk")) if qs.query.distinct else qs


def activities_by_pillar_and_year(user: Any) -> dict:
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
    for pillar in Pillar.objects.all():
        counts = [matrix[pillar.pk].get(y, 0) for y in years]
        rows.append((pillar, counts, sum(counts)))
    return {"years": years, "rows": rows, "totals": [totals_by_year[y] for y in years],
            "total": sum(totals_by_year.values())}


def countries_engaged(user: Any) -> list[dict]:
    """Countries where readable activities took place, with how many, most first."""
    rows = (
        _readable_activities(user).exclude(country="").order_by().values("country")
        .annotate(n=Count("id")).order_by("-n", "country")
    )
    return [{"code": r["country"], "name": countries.name(r["country"]) or r["country"], "n": r["n"]} for r in rows]


def partners_by_kind(user: Any) -> list[dict]:
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


def indicator_totals(user: Any) -> list[dict]:
    """Per indicator: sums per (target/actual, kind), never across kinds or across target and actual."""
    rows = (
        figure_queryset(user).order_by().values("indicator", "measure", "kind")
        .annotate(total=Sum("value"), n=Count("id"))
    )
    by_indicator: dict[int, dict] = {}
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in={r["indicator"] for r in rows})}
    for r in rows:
        entry = by_indicator.setdefault(r["indicator"], {"indicator": indicators[r["indicator"]], "actual": [], "target": []})
        entry[r["measure"]].append({"kind": r["kind"], "total": r["total"], "n": r["n"]})
    order = {code: i for i, code in enumerate(HEADLINE_CODES)}
    kinds = {k: i for i, k in enumerate(FigureKind.values)}
    result = sorted(by_indicator.values(), key=lambda e: (order.get(e["indicator"].code, 99), e["indicator"].name))
    for entry in result:
        entry["actual"].sort(key=lambda c: kinds.get(c["kind"], 9))
        entry["target"].sort(key=lambda c: kinds.get(c["kind"], 9))
    return result


def children_in_activities(user: Any) -> list[dict]:
    """Children taking part in readable activities (participation rows), summed per kind."""
    ids = _readable_activities(user).values("pk")
    rows = (
        Participation.objects.filter(activity__in=ids, group=StakeholderGroup.CHILDREN, count__isnull=False)
        .values("kind").annotate(total=Sum("count"), activities=Count("activity", distinct=True)).order_by("kind")
    )
    return list(rows)


def people_in_trainings(user: Any) -> list[dict]:
    """Adults taking part in readable training activities (participation rows), summed per kind."""
    ids = _readable_activities(user).filter(kind=Activity.Kind.TRAINING).values("pk")
    rows = (
        Participation.objects.filter(activity__in=ids, count__isnull=False).exclude(group=StakeholderGroup.CHILDREN)
        .values("kind").annotate(total=Sum("count"), activities=Count("activity", distinct=True)).order_by("kind")
    )
    return list(rows)

