"""Writes to indicators and figures. A figure always says how it was made and where it comes from."""

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.core import access, review, summaries
from tutela.core.access import Actor
from tutela.core.choices import CHILD_MAX_AGE, FigureKind, StakeholderGroup
from tutela.core.services import apply_fields, repoint, save_audited
from tutela.partners.models import Organisation

from .models import DashboardRefresh, DashboardSummary, Figure, Indicator

FIGURE_FIELDS = ["low", "high", "method", "assumptions", "source_url", "period_start", "period_end", "country",
                 "group", "min_age", "max_age", "sex", "owner_organisation", "note", "is_illustrative", "is_published",
                 "value", "kind", "measure", "source", "as_of", "indicator"]


def indicator_get_or_create(*, code: str, name: str, unit: str, definition: str = "") -> Indicator:
    """Reference data: the indicator with this code, created on first use."""
    indicator, _created = Indicator.objects.get_or_create(code=code, defaults={"name": name, "unit": unit, "definition": definition})
    return indicator


INDICATOR_FIELDS = ["code", "name", "unit", "definition"]


def _check_indicator(indicator: Indicator, *, code_before: str | None) -> None:
    """The rules of an indicator the secretariat sets up: a code free and well formed, a name and a unit;
    the code of an indicator figures already use stays (imports and exports name it)."""
    indicator.code = (indicator.code or "").strip().lower()
    indicator.name = " ".join((indicator.name or "").split())
    indicator.unit = " ".join((indicator.unit or "").split())
    if not indicator.name:
        raise ValidationError({"name": _("Give the indicator a name, e.g. Children reached.")})
    if not indicator.unit:
        raise ValidationError({"unit": _("Say what it counts, e.g. people, children, schools.")})
    if code_before is not None and indicator.code != code_before and indicator.figures.exists():
        raise ValidationError({"code": _("Figures already use the code “%(code)s” (imports and exports name it), "
                                          "so it cannot change; change the name instead.") % {"code": code_before}})
    taken = Indicator.objects.filter(code=indicator.code).exclude(pk=indicator.pk).first()
    if taken is not None:
        raise ValidationError({"code": _("The code “%(code)s” is already used by the indicator “%(name)s”; "
                                          "choose another code or use that indicator.") % {"code": indicator.code,
                                                                                           "name": taken.name}})


@transaction.atomic
def indicator_create(*, actor: Actor | None, code: str, name: str, unit: str, definition: str = "") -> Indicator:
    """The secretariat adds an indicator (reference data every figure names). Audited as indicator.created."""
    if actor is not None:
        access.require_secretariat(actor)
    return save_audited(Indicator(), actor=actor, action="indicator.created", allowed=INDICATOR_FIELDS,
                        fields={"code": code, "name": name, "unit": unit, "definition": definition},
                        check=lambda indicator: _check_indicator(indicator, code_before=None))


@transaction.atomic
def indicator_update(*, actor: Actor | None, indicator: Indicator, **fields: Any) -> Indicator:
    """The secretariat renames or redefines an indicator. Audited as indicator.updated."""
    if actor is not None:
        access.require_secretariat(actor)
    code_before = Indicator.objects.values_list("code", flat=True).get(pk=indicator.pk)
    return save_audited(indicator, actor=actor, action="indicator.updated", fields=fields, allowed=INDICATOR_FIELDS,
                        check=lambda indicator: _check_indicator(indicator, code_before=code_before))


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


class FigureDraft(SimpleNamespace):
    """A figure's values, checked for a bulk insert, without a model instance (several times cheaper).
    Same attribute names as ``Figure`` (``indicator`` and ``indicator_id``…; ``country`` is the code)."""


def figure_problems(*, kind: str, value: Decimal | None, low: Decimal | None, high: Decimal | None, method: str,
                    source: str, group: str, min_age: int | None, max_age: int | None,
                    period_start: date | None, period_end: date | None) -> dict[str, str]:
    """The honest-number rules, over plain values: ``{field: what to fix}``, empty when the figure may
    be recorded. The only place they are written: the form and the API (``figure_create`` /
    ``figure_update``) and every row of an import, bulk or not (``figure_build``), call it."""
    problems: dict[str, str] = {}
    if kind not in _KINDS:
        problems["kind"] = _("Say whether the figure was counted, estimated or modelled.")
    if value is None:
        problems["value"] = _("A figure needs a value.")
    elif value < 0:
        problems["value"] = _("A figure cannot be negative.")
    if kind in _KINDS and kind != FigureKind.COUNTED and not (method or "").strip():
        problems["method"] = _("Say how the number was estimated or modelled (method and assumptions).")
    if not (source or "").strip():
        problems["source"] = _("Say where the figure comes from (document, page or record).")
    if value is not None and low is not None and low > value:
        problems["low"] = _("The low end of the range is above the value.")
    if value is not None and high is not None and high < value:
        problems["high"] = _("The high end of the range is below the value.")
    if group and group not in _GROUPS:
        problems["group"] = _("Unknown group.")
    if group == StakeholderGroup.CHILDREN:
        if min_age is None or max_age is None:
            problems["min_age"] = _("Figures about children need an age band (youngest and oldest age, 0–17).")
        elif max_age > CHILD_MAX_AGE:
            problems["max_age"] = _("A child age band must lie within 0–17.")
    if min_age is not None and max_age is not None and max_age < min_age:
        problems.setdefault("max_age", _("The age band ends before it starts."))
    if period_start and period_end and period_end < period_start:
        problems["period_end"] = _("The period ends before it starts.")
    return problems


def _check(figure: Figure | FigureDraft) -> None:
    problems = figure_problems(
        kind=figure.kind, value=figure.value, low=figure.low, high=figure.high, method=figure.method,
        source=figure.source, group=figure.group, min_age=figure.min_age, max_age=figure.max_age,
        period_start=figure.period_start, period_end=figure.period_end)
    if problems:
        raise ValidationError(problems)


def _may_write(actor: Actor | None, figure: Figure) -> None:
    if actor is None or access.is_secretariat(actor):
        return
    if not access.can_create(actor, {figure.owner_organisation_id} if figure.owner_organisation_id else None):
        raise PermissionDenied


def _review(figure: Any, *, actor: Actor | None, fields: dict) -> None:
    """A focal point's figure waits for the secretariat; a note naming a child is refused or flagged."""
    review.prepare(figure, actor=actor, texts={"note": figure.note, "method": figure.method,
                                               "assumptions": figure.assumptions},
                   about_children=figure.group == StakeholderGroup.CHILDREN,
                   publish_requested=fields.get("is_published"))


def figure_publish(*, actor: Actor, figure: Figure) -> Figure:
    """The secretariat publishes a submitted figure (refused while flagged). Audited as figure.published."""
    return review.publish(actor=actor, obj=figure)


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


def figure_build(*, actor: Actor | None, indicator: Indicator, value: Any, kind: str, source: str, as_of,
                 subject: Any = None, measure: str = Figure.Measure.ACTUAL, draft: bool = False,
                 **fields: Any) -> Figure | FigureDraft:
    """An unsaved figure checked by ``figure_problems`` and the permission. ``draft=True`` (the bulk
    import, for every row) gives a ``FigureDraft`` for ``figures_insert``, also checked without a query
    by every field's own validation (null, blank, choices, length, digits, address) as ``full_clean``
    would, read from the model's fields; a model instance is left to ``figure_create``'s ``full_clean``.
    Related records (indicator, organisation, subject) are objects the caller has loaded. Raises
    ValidationError or PermissionDenied."""
    for name in ("low", "high"):
        if name in fields:
            fields[name] = _number(fields[name], name)
    if not fields.keys() <= _FIGURE_FIELDS:
        raise TypeError(f"Unknown fields for Figure: {', '.join(sorted(fields.keys() - _FIGURE_FIELDS))}")
    figure: Any  # a Figure, or for the bulk path a FigureDraft (the same attributes, no model machinery)
    if draft:
        figure = FigureDraft(**_draft_defaults())
        figure.__dict__.update(fields)
        figure.kind, figure.measure, figure.source, figure.as_of = kind, measure, source or "", as_of
        figure.indicator, figure.indicator_id = indicator, indicator.pk
        org = fields.get("owner_organisation")
        figure.owner_organisation_id = org.pk if org is not None else None
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
    _review(figure, actor=actor, fields=fields)
    if draft:
        _check_fields(figure)
    return figure


_FIGURE_FIELDS = frozenset(FIGURE_FIELDS)


@cache
def _field_checks() -> tuple[list, list]:
    """The model's own field checks, once: ``(field, choices as a set)`` for the choice fields (a set
    instead of ``Field.validate``'s walk through every choice, ~1 ms a figure for the countries), and
    the other fields ``full_clean`` would check (relations and timestamps are set by the code)."""
    choice_fields, other_fields = [], []
    for f in Figure._meta.concrete_fields:
        if f.primary_key or f.name in _FK or f.name == "subject_id" or getattr(f, "auto_now", False) \
                or getattr(f, "auto_now_add", False):
            continue
        if f.choices:
            choice_fields.append((f, frozenset(str(key) for key, _label in f.flatchoices)))
        else:
            other_fields.append((f, bool(f.validators)))
    return choice_fields, other_fields


def _check_fields(figure: FigureDraft) -> None:
    """What ``Figure.clean_fields`` checks (null, blank, choices, validators), with its messages."""
    errors: dict[str, list] = {}
    choice_fields, other_fields = _field_checks()
    values = figure.__dict__
    for field, choices in choice_fields:
        value = values[field.attname]
        if not value and value in field.empty_values:
            if not field.blank:
                errors[field.name] = [ValidationError(field.error_messages["blank"], code="blank")]
        elif str(value) not in choices:
            errors[field.name] = [ValidationError(field.error_messages["invalid_choice"], code="invalid_choice",
                                                  params={"value": value})]
    for field, has_validators in other_fields:
        value = values[field.attname]
        if value is None:
            if not field.null:
                errors[field.name] = [ValidationError(field.error_messages["null"], code="null")]
        elif not value and value in field.empty_values:
            if not field.blank:
                errors[field.name] = [ValidationError(field.error_messages["blank"], code="blank")]
        elif has_validators:
            try:
                field.run_validators(value)
            except ValidationError as exc:
                errors[field.name] = exc.error_list
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def figure_create(*, actor: Actor | None, indicator: Indicator, value: Any, kind: str, source: str, as_of,
                  subject: Any = None, measure: str = Figure.Measure.ACTUAL, **fields: Any) -> Figure:
    """Record a figure. Raises ValidationError with what to fix: no kind, negative, child without age band…"""
    figure = figure_build(actor=actor, indicator=indicator, value=value, kind=kind, source=source, as_of=as_of,
                          subject=subject, measure=measure, **fields)
    assert isinstance(figure, Figure)  # not a draft
    return save_audited(figure, actor=actor, action="figure.created")


def figures_insert(figures: list[FigureDraft]) -> int:
    """Write figures that ``figure_build(draft=True)`` checked, in one statement: COPY on PostgreSQL, a
    multi-row INSERT elsewhere. No audit entry per figure: the caller (a bulk import job) records one
    entry for the batch, with its counts. Must run inside the caller's transaction."""
    if not figures:
        return 0
    summaries.touched(Figure)  # the batch's one audit entry is about the import, not a figure
    now = timezone.now()
    fields = [f for f in Figure._meta.concrete_fields if not f.primary_key]
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        raw = connection.cursor().cursor  # psycopg 3
        from psycopg.types.json import Jsonb
        row_of = itemgetter(*(f.attname for f in fields))  # a FigureDraft's values are its __dict__
        with raw.copy(f"COPY {connection.ops.quote_name(Figure._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for figure in figures:
                figure.created_at = figure.updated_at = now
                figure.review_flags = Jsonb(figure.review_flags)  # a jsonb column: COPY needs the adapter
                copy.write_row(row_of(vars(figure)))
    else:
        for figure in figures:
            figure.created_at = figure.updated_at = now
        Figure.objects.bulk_create([Figure(**{f.attname: getattr(d, f.attname) for f in fields}) for d in figures],
                                   batch_size=500)
    return len(figures)


@transaction.atomic
def figure_update(*, actor: Actor, figure: Figure, subject: Any = None, **fields: Any) -> Figure:
    """Change a figure; ``subject`` (when given) moves it to another record."""
    if actor is not None and not access.can_write(actor, figure):
        raise PermissionDenied
    for name in ("value", "low", "high"):
        if name in fields:
            fields[name] = _number(fields[name], name)

    def check(figure: Figure) -> None:
        if subject is not None:
            figure.subject_type = ContentType.objects.get_for_model(subject)
            figure.subject_id = subject.pk
        _check(figure)
        _may_write(actor, figure)
        _review(figure, actor=actor, fields=fields)

    return save_audited(figure, actor=actor, action="figure.updated", fields=fields, allowed=FIGURE_FIELDS, check=check)


@transaction.atomic
def organisation_replaced(*, actor: Actor, old: Organisation, new: Organisation) -> dict[str, int]:
    """Figures reported by or about ``old`` are ``new``'s (a merge), audited."""
    moved = {
        "figures.Figure.owner_organisation": repoint(
            actor=actor, rows=Figure.objects.filter(owner_organisation=old), field="owner_organisation", new=new,
            action="figure.organisation_replaced"),
        "figures.Figure.subject": repoint(
            actor=actor, rows=Figure.objects.about(old), field="subject_id", new=new,
            action="figure.organisation_replaced"),
    }
    return {label: count for label, count in moved.items() if count}


# --- The dashboard's summary (derived data: not audited) ---------------------------------------

def dashboard_stale() -> None:
    """The records the dashboard rolls up changed (and were committed): queue one refresh.

    Called after the commit of any audited write to them (``tutela.core.summaries``), in
    autocommit. Coalesced: only the call that turns ``queued`` on enqueues the task; while a
    refresh is queued and has not started, further changes queue nothing (it will read them).
    """
    state = _refresh_state()
    if DashboardRefresh.objects.filter(pk=state.pk, queued=False).update(queued=True, requested_at=timezone.now()):
        from .tasks import refresh_dashboard

        refresh_dashboard.enqueue()


def _refresh_state() -> DashboardRefresh:
    state = DashboardRefresh.objects.order_by("pk").first()
    if state is None:
        state, _created = DashboardRefresh.objects.get_or_create(pk=1)
    return state


def dashboard_refresh() -> list[DashboardSummary]:
    """Recompute the dashboard's summary for both scopes and store it in one transaction, so a reader
    sees the old numbers or the new ones, never half of each. Run by the worker (``tasks``)."""
    from . import selectors

    state = _refresh_state()
    started = timezone.now()
    # Turned off before reading, and committed: a change committed from now on queues another refresh.
    DashboardRefresh.objects.filter(pk=state.pk).update(queued=False, started_at=started)
    numbers = {scope: selectors.dashboard_numbers(selectors.dashboard_viewer(scope))
               for scope in DashboardSummary.Scope.values}
    finished = timezone.now()
    with transaction.atomic():
        # "as of" the start: every change committed before it is in; a later one queued another refresh.
        rows = [DashboardSummary.objects.update_or_create(scope=scope, defaults={"data": data, "refreshed_at": started})[0]
                for scope, data in numbers.items()]
        DashboardRefresh.objects.filter(pk=state.pk).update(finished_at=finished,
                                                            seconds=(finished - started).total_seconds())
    return rows
