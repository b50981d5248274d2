"""Querysets that the access rules understand, and the date-span condition the calendars filter with."""

from datetime import date

from django.db import models


class PublishableQuerySet(models.QuerySet):
    """For models with ``is_published`` and an owning organisation field ``owner_field``."""

    owner_lookup = "owner_organisation_id__in"

    def public(self):
        """What anyone may read: published, and (models that are reviewed) not waiting for review."""
        if _has_field(self.model, "awaiting_review"):
            return self.filter(is_published=True, awaiting_review=False)
        return self.filter(is_published=True)

    def not_public(self):
        """The rows ``public()`` leaves out: drafts, and (models that are reviewed) rows waiting for review."""
        if _has_field(self.model, "awaiting_review"):
            return self.filter(models.Q(is_published=False) | models.Q(awaiting_review=True))
        return self.filter(is_published=False)

    def awaiting_review(self):
        return self.filter(awaiting_review=True)

    def owned_by(self, org_ids):
        return self.filter(**{self.owner_lookup: list(org_ids)})

    def serving_country(self, code: str):
        """Records whose ``countries`` (a ``CountryField(multiple=True)``) name ``code``.

        The field is stored as sorted codes joined by commas ("ET,NG,OM"), so a code matches as
        the whole value, the first, the last or a middle item: never as part of another code.
        """
        return self.filter(countries_naming(code))


def countries_naming(code: str, field: str = "countries") -> models.Q:
    """The condition "``field`` (a multiple country field) names ``code``"; nothing for an empty code."""
    code = str(code or "").strip().upper()
    if not code or "," in code:
        return models.Q(pk__in=[])
    return (models.Q(**{field: code}) | models.Q(**{f"{field}__startswith": f"{code},"})
            | models.Q(**{f"{field}__endswith": f",{code}"}) | models.Q(**{f"{field}__contains": f",{code},"}))


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return False
    return True


class DaysOverlap(models.Func):
    """The condition "the days ``start``…``end`` of a row (both inclusive, two date fields) share at least one
    day with ``first``…``last``": ``start <= last AND end >= first``.

    One rule, written in SQL per database as Django's ``as_<vendor>`` methods allow. Everywhere it is the two
    comparisons above. On PostgreSQL it is the same condition as ranges, ``daterange(start, end, '[]') &&
    daterange(first, last, '[]')``, so that a GiST index on that range expression (a migration creates one
    where a calendar needs it, e.g. ``activities`` 0011) finds the rows of a month directly: a B-tree on
    either date alone reads every row that starts before the month and discards those that ended before it
    (half of the table for a month in the middle). The range form requires ``end >= start`` (PostgreSQL
    refuses an inverted range): use it only on models whose check constraint ensures that.
    """

    output_field = models.BooleanField()
    conditional = True  # usable in filter() on its own

    def __init__(self, start: str, end: str, first: date, last: date) -> None:
        super().__init__(models.F(start), models.F(end), models.Value(first), models.Value(last))

    def _parts(self, compiler, connection) -> list[tuple[str, list]]:
        return [compiler.compile(e) for e in self.get_source_expressions()]

    def as_sql(self, compiler, connection, **extra):
        (start, p_start), (end, p_end), (first, p_first), (last, p_last) = self._parts(compiler, connection)
        return f"({start} <= {last} AND {end} >= {first})", (*p_start, *p_last, *p_end, *p_first)

    def as_postgresql(self, compiler, connection, **extra):
        (start, p_start), (end, p_end), (first, p_first), (last, p_last) = self._parts(compiler, connection)
        return (f"(DATERANGE({start}, {end}, '[]') && DATERANGE({first}, {last}, '[]'))",
                (*p_start, *p_end, *p_first, *p_last))
