"""Writes to indicators and figures. A figure always says how it was made and where it comes from."""

from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
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


_KINDS = frozenset(FigureKind.values)  # (``.values`` builds a new list on every use)
_GROUPS = frozenset(StakeholderGroup.values)


def _check(figure: Figure) -> None:
    if figure.kind not in _KINDS:
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
    if figure.group and figure.group not in _GROUPS:
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


class FigureDraft(SimpleNamespace):
    """A figure's values, checked for a bulk insert, without a model instance (several times cheaper).
    Same attribute names as ``Figure`` (``indicator`` and ``indicator_id``…; ``country`` is the code)."""


_FK = {"indicator", "owner_organisation", "subject_type"}


_DEFAULTS: dict[str, Any] = {}


def _draft_defaults() -> dict[str, Any]:
    if _DEFAULTS:
        return _DEFAULTS
    values: dict[str, Any] = _DEFAULTS
    for f in Figure._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.name in _FK:
            values[f.name] = values[f.attname] = None
        else:
            values[f.attname] = f.get_default()
    values["country"] = ""
    return values


def figure_build(*, actor: Any, indicator: Indicator, value: Any, kind: str, source: str, as_of,
                 subject: Any = None, measure: str = Figure.Measure.ACTUAL, draft: bool = False,
                 **fields: Any) -> Figure | FigureDraft:
    """An unsaved figure checked by the honest-number rules and the permission. ``draft=True`` (the bulk
    path) gives a ``FigureDraft`` for ``figures_insert``, also checked without a query for every field's own
    validation (choices, length, digits, address), as ``full_clean`` would; a model instance is left to
    ``figure_create``'s ``full_clean``. Related records (indicator, organisation, subject) are objects the
    caller has loaded. Raises ValidationError or PermissionDenied."""
    for name in ("low", "high"):
        if name in fields:
            fields[name] = _number(fields[name], name)
    if draft:
        unknown = set(fields) - set(FIGURE_FIELDS)
        if unknown:
            raise TypeError(f"Unknown fields for Figure: {', '.join(sorted(unknown))}")
        figure = FigureDraft(**_draft_defaults())
        for name, v in (("kind", kind), ("measure", measure), ("source", source or ""), ("as_of", as_of), *fields.items()):
            setattr(figure, name, v)
        figure.indicator, figure.indicator_id = indicator, indicator.pk
        org = fields.get("owner_organisation")
        figure.owner_organisation, figure.owner_organisation_id = org, (org.pk if org is not None else None)
        figure.country = getattr(figure.country, "code", figure.country) or ""
    else:
        figure = Figure(indicator=indicator, kind=kind, measure=measure, source=source or "", as_of=as_of)
        apply_fields(figure, fields, FIGURE_FIELDS)
    figure.value = _number(value, "value")
    if subject is not None:
        subject_type = ContentType.objects.get_for_model(subject)
        figure.subject_type = subject_type
        if draft:
            figure.subject_type_id = subject_type.pk
        figure.subject_id = subject.pk
    _check(figure)
    _may_write(actor, figure)
    if draft:
        # The check constraints are the rules _check applied (and the database enforces them again); the
        # choice fields are checked with sets (Field.validate walks every choice: ~1 ms a figure).
        _check_choices(figure)
        _check_draft_fields(figure)
    return figure


def _check_draft_fields(figure: FigureDraft) -> None:
    """What ``clean_fields`` checks on the other fields (null, blank, validators), with its messages."""
    errors: dict[str, list] = {}
    for field in _DRAFT_CHECKED:
        value = getattr(figure, field.attname)
        if value is None and not field.null:
            errors[field.name] = [ValidationError(field.error_messages["null"], code="null")]
        elif value in field.empty_values:
            if not field.blank:
                errors[field.name] = [ValidationError(field.error_messages["blank"], code="blank")]
        else:
            try:
                field.run_validators(value)
            except ValidationError as exc:
                errors[field.name] = exc.error_list
    if errors:
        raise ValidationError(errors)


_CHOICE_FIELDS = ["kind", "measure", "group", "sex", "country"]
_CHOICES: dict[str, frozenset[str]] = {}
_DRAFT_CHECKED = [f for f in Figure._meta.concrete_fields
                  if not f.primary_key and f.name not in {*_FK, *_CHOICE_FIELDS} and not getattr(f, "auto_now", False)
                  and not getattr(f, "auto_now_add", False) and f.name != "subject_id"]


def _check_choices(figure: FigureDraft) -> None:
    """The choice fields' validation, with the message ``full_clean`` gives, without walking the choices."""
    if not _CHOICES:
        for name in _CHOICE_FIELDS:
            field = Figure._meta.get_field(name)
            _CHOICES[name] = frozenset(str(key) for key, _label in field.flatchoices)
    errors = {}
    for name in _CHOICE_FIELDS:
        field = Figure._meta.get_field(name)
        value = getattr(figure, field.attname)
        raw = getattr(value, "code", value)  # CountryField gives a Country
        if raw in field.empty_values:
            if not field.blank:
                errors[name] = [ValidationError(field.error_messages["blank"], code="blank")]
            continue
        if str(raw) not in _CHOICES[name]:
            errors[name] = [ValidationError(field.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": raw})]
    if errors:
        raise ValidationError(errors)


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


def figures_insert(figures: list[FigureDraft]) -> int:
    """Write figures that ``figure_build(draft=True)`` checked, in one statement: COPY on PostgreSQL, a
    multi-row INSERT elsewhere. No audit entry per figure: the caller (a bulk import job) records one
    entry for the batch, with its counts. Must run inside the caller's transaction."""
    if not figures:
        return 0
    now = timezone.now()
    fields = [f for f in Figure._meta.concrete_fields if not f.primary_key]
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        raw = connection.cursor().cursor  # psycopg 3
        names = [f.attname for f in fields]
        with raw.copy(f"COPY {connection.ops.quote_name(Figure._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for figure in figures:
                figure.created_at = figure.updated_at = now
                copy.write_row([getattr(figure, name) for name in names])
    else:
        for figure in figures:
            figure.created_at = figure.updated_at = now
        Figure.objects.bulk_create([Figure(**{f.attname: getattr(d, f.attname) for f in fields}) for d in figures],
                                   batch_size=500)
    return len(figures)


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
