"""What a user may export, filtered like the lists (the same query-string names), and their import jobs.

Filters understood (any combination; unknown or malformed values are ignored, as in the lists):
activities: ``pillar`` (number or slug), ``country``, ``organisation`` (id), ``kind``, ``status``,
``year``, ``occasion`` (id), ``q`` (title); organisations: ``kind``, ``country``, ``q``;
figures: ``indicator`` (code), ``kind``, ``measure``, ``country``, ``organisation`` (id of the
reporting organisation), ``group``, ``year`` (of ``as_of``).
"""

from typing import Any

from django.db.models import QuerySet

from tutela.activities.models import Activity
from tutela.core import access
from tutela.figures.models import Figure
from tutela.partners.models import Organisation

from .models import ImportJob


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def activities_for_export(user: Any, params: Any) -> QuerySet[Activity]:
    qs = Activity.objects.all()
    if pillar := params.get("pillar"):
        qs = qs.filter(pillars__number=pillar) if pillar.isdigit() else qs.filter(pillars__slug=pillar)
    if country := params.get("country"):
        qs = qs.filter(country=country.upper())
    if (org := _int(params.get("organisation"))) is not None:
        qs = qs.filter(partner_roles__organisation=org)
    if kind := params.get("kind"):
        qs = qs.filter(kind=kind)
    if status := params.get("status"):
        qs = qs.filter(status=status)
    if (year := _int(params.get("year"))) is not None:
        qs = qs.filter(starts_on__year=year)
    if (occasion := _int(params.get("occasion"))) is not None:
        qs = qs.filter(occasion=occasion)
    if q := params.get("q"):
        qs = qs.filter(title__icontains=q)
    if pillar or org is not None:
        qs = qs.distinct()
    return access.readable(user, qs).order_by("-starts_on", "-id")


def organisations_for_export(user: Any, params: Any) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    if kind := params.get("kind"):
        qs = qs.filter(kind=kind)
    if country := params.get("country"):
        qs = qs.filter(country=country.upper())
    if q := params.get("q"):
        qs = qs.filter(name__icontains=q)
    return access.readable(user, qs).order_by("name", "id")


def figures_for_export(user: Any, params: Any) -> QuerySet[Figure]:
    qs = Figure.objects.all()
    if indicator := params.get("indicator"):
        qs = qs.filter(indicator__code=indicator)
    for name in ("kind", "measure", "group"):
        if value := params.get(name):
            qs = qs.filter(**{name: value})
    if country := params.get("country"):
        qs = qs.filter(country=country.upper())
    if (org := _int(params.get("organisation"))) is not None:
        qs = qs.filter(owner_organisation=org)
    if (year := _int(params.get("year"))) is not None:
        qs = qs.filter(as_of__year=year)
    return access.readable(user, qs).order_by("-as_of", "-id")


EXPORTS = {"activities": activities_for_export, "organisations": organisations_for_export, "figures": figures_for_export}


def jobs_for_user(user: Any) -> QuerySet[ImportJob]:
    return access.readable(user, ImportJob.objects.select_related("created_by"))
