"""Writes to indicators and figures. A figure always says how it was made and where it comes from."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.core import access, audit
from tutela.core.choices import CHILD_MAX_AGE, FigureKind, StakeholderGroup
from tutela.core.services import apply_fields

from .models import Figure, Indicator

FIGURE_FIELDS = ["low", "high", "method", "assumptions", "source_url", "period_start", "period_end", "country",
                 "group", "min_age", "max_age", "sex", "owner_organisation", "note", "is_illustrative", "is_published",
                 "value", "kind", "measure", "source", "as_of", "indicator"]


def indicator_get_or_create(*, code: str, name: str, unit: str, definition: str = "") -> Indicator:
    """Reference data: the indicator with this code, created on first use."""
    indicator, _created = Indicator.objects.get_or_create(code=code, defaults={"name": name, "unit": unit, "definition": definition})
    return indicator


def _number(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError({field: _("Enter a number.")})
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("“%(v)s” is not a number.") % {"v": value}}) from exc
    if not number.is_finite():
        raise ValidationError({field: _("Enter a finite number.")})
    return number


def _check(figure: Figure) -> None:
    if figure.kind not in FigureKind.values:
        raise ValidationError({"kind": _("Say whether the figure was counted, estimated or modelled.")})
    if figure.value is None:
        raise ValidationError({"value": _("A figure needs a value.")})
    if figure.value < 0:
        raise ValidationError({"value": _("A figure cannot be negative.")})
    if figure.kind != FigureKind.COUNTED and not figure.method.strip():
        raise ValidationError({"method": _("Say how the number was estimated or modelled (method and assumptions).")})
    if not (figure.source or "").strip():
        raise ValidationError({"source": _("Say where the figure comes from (document, page or record).")})
    if figure.low is not None and figure.low > figure.value:
        raise ValidationError({"low": _("The low end of the range is above the value.")})
    if figure.high is not None and figure.high < figure.value:
        raise ValidationError({"high": _("The high end of the range is below the value.")})
    if figure.group and figure.group not in StakeholderGroup.values:
        raise ValidationError({"group": _("Unknown group.")})
    if figure.group == StakeholderGroup.CHILDREN:
        if figure.min_age is None or figure.max_age is None:
            raise ValidationError({"min_age": _("Figures about children need an age band (youngest and oldest age, 0–17).")})
        if figure.max_age > CHILD_MAX_AGE:
            raise ValidationError({"max_age": _("A child age band must lie within 0–17.")})
    if figure.min_age is not None and figure.max_age is not None and figure.max_age < figure.min_age:
        raise ValidationError({"max_age": _("The age band ends before it starts.")})
    if figure.period_start and figure.period_end and figure.period_end < figure.period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})


def _may_write(actor: Any, figure: Figure) -> None:
    if actor is None or access.is_secretariat(actor):
        return
    if not access.can_create(actor, {figure.owner_organisation_id} if figure.owner_organisation_id else None):
        raise PermissionDenied


def figure_build(*, actor: Any, indicator: Indicator, value: Any, kind: str, source: str, as_of,
                 subject: Any = None, measure: str = Figure.Measure.ACTUAL, **fields: Any) -> Figure:
    """An unsaved figure with the rules ``figure_create`` applies, checked without a query: the honest-number
    rules, the permission, and every field's own validation (length, digits, address). Related records
    (indicator, organisation, subject) are objects the caller has loaded. Raises ValidationError or
    PermissionDenied."""
    figure = Figure(indicator=indicator, kind=kind, measure=measure, source=source or "", as_of=as_of)
    for name in ("low", "high"):
        if name in fields:
            fields[name] = _number(fields[name], name)
    apply_fields(figure, fields, FIGURE_FIELDS)
    figure.value = _number(value, "value")
    if subject is not None:
        figure.subject_type = ContentType.objects.get_for_model(subject)
        figure.subject_id = subject.pk
    _check(figure)
    _may_write(actor, figure)
    # The check constraints are the rules _check applied (and the database enforces them again).
    figure.clean_fields(exclude=["indicator", "owner_organisation", "subject_type"])
    return figure


@transaction.atomic
def figure_create(*, actor: Any, indicator: Indicator, value: Any, kind: str, source: str, as_of,
                  subject: Any = None, measure: str = Figure.Measure.ACTUAL, **fields: Any) -> Figure:
    """Record a figure. Raises ValidationError with what to fix: no kind, negative, child without age band…"""
    figure = figure_build(actor=actor, indicator=indicator, value=value, kind=kind, source=source, as_of=as_of,
                          subject=subject, measure=measure, **fields)
    figure.full_clean()
    figure.save()
    audit.record(actor=actor, action="figure.created", target=figure)
    return figure


def figures_insert(figures: list[Figure]) -> int:
    """Write figures that ``figure_build`` checked, in one statement: COPY on PostgreSQL, a multi-row
    INSERT elsewhere. No audit entry per figure: the caller (a bulk import job) records one entry for
    the batch, with its counts. Must run inside the caller's transaction."""
    if not figures:
        return 0
    now = timezone.now()
    if connection.vendor == "postgresql":
        fields = [f for f in Figure._meta.concrete_fields if not f.primary_key]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        raw = connection.cursor().cursor  # psycopg 3
        with raw.copy(f"COPY {connection.ops.quote_name(Figure._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for figure in figures:
                figure.created_at = figure.updated_at = now
                copy.write_row([_copy_value(figure, f) for f in fields])
    else:
        for figure in figures:
            figure.created_at = figure.updated_at = now
        Figure.objects.bulk_create(figures, batch_size=500)
    return len(figures)


def _copy_value(figure: Figure, field: Any) -> Any:
    value = getattr(figure, field.attname)
    if field.attname == "country":
        return value.code if value else ""
    return value


@transaction.atomic
def figure_update(*, actor: Any, figure: Figure, subject: Any = None, **fields: Any) -> Figure:
    """Change a figure; ``subject`` (when given) moves it to another record."""
    if actor is not None and not access.can_write(actor, figure):
        raise PermissionDenied
    before = audit.snapshot(figure)
    for name in ("value", "low", "high"):
        if name in fields:
            fields[name] = _number(fields[name], name)
    apply_fields(figure, fields, FIGURE_FIELDS)
    if subject is not None:
        figure.subject_type = ContentType.objects.get_for_model(subject)
        figure.subject_id = subject.pk
    _check(figure)
    _may_write(actor, figure)
    figure.full_clean()
    figure.save()
    audit.record(actor=actor, action="figure.updated", target=figure, before=before)
    return figure
