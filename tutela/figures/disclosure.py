"""Disclosure control for figures: the rules of ``tutela.core.disclosure`` applied to Figure rows.

It lives here, not in core, because it reads the figures table (core sits below figures,
docs/architecture.md "Layers"). Every page, export and report that shows figures calls
``withhold_figures`` before it shows them.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Q

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.disclosure import SMALL, Shown, controlled, is_children, is_small, protect

from .models import Figure


def figure_is_about_children(figure: Any) -> bool:
    """A figure counts children when its breakdown says so or its indicator's unit is children."""
    if is_children(getattr(figure, "group", "")):
        return True
    indicator = getattr(figure, "indicator", None)
    unit = (getattr(indicator, "unit", "") or "").lower()
    return unit.startswith("child")


def _figure_group_key(f: Any) -> tuple:
    # Figures that may be breakdowns of one another: same indicator, measure, kind, subject, period.
    return (f.indicator_id, f.measure, f.kind, f.subject_type_id, f.subject_id, f.period_start, f.period_end)


# What the decision reads of a figure (the dashboard's refresh decides over every published
# children's figure at once: millions of rows, so not the whole row).
_DECIDED_ON = ("id", "value", "indicator_id", "measure", "kind", "subject_type_id", "subject_id", "period_start",
               "period_end", "group", "owner_organisation_id", "indicator__unit")


# Subjects a query names at most (a long OR, or a long IN list on SQLite, is slow or refused).
_SUBJECTS_A_QUERY = 500


def _subject_filters(subjects: set[tuple[Any, Any, Any]]) -> Iterator[Q]:
    """Filters that together select the figures of these (indicator, subject type, subject id): one
    OR of a few, or for an export batch or the dashboard's refresh (thousands) the subjects of one
    type a chunk at a time, each a lookup of ``figure_subject_idx``."""
    if len(subjects) <= 50:
        q = Q()
        for indicator_id, type_id, subject_id in subjects:
            q |= Q(indicator_id=indicator_id, subject_type_id=type_id, subject_id=subject_id)
        yield q
        return
    by_type: dict[Any, set[Any]] = {}
    indicators: dict[Any, set[Any]] = {}
    for indicator_id, type_id, subject_id in subjects:
        by_type.setdefault(type_id, set()).add(subject_id)
        indicators.setdefault(type_id, set()).add(indicator_id)
    for type_id, ids in by_type.items():
        if type_id is None:  # about no record (initiative-wide)
            yield Q(subject_type__isnull=True, indicator_id__in=indicators[type_id])
            continue
        ordered = sorted(i for i in ids if i is not None)
        for start in range(0, len(ordered), _SUBJECTS_A_QUERY):
            yield Q(subject_type_id=type_id, subject_id__in=ordered[start:start + _SUBJECTS_A_QUERY],
                    indicator_id__in=indicators[type_id])
        if None in ids:
            yield Q(subject_type_id=type_id, subject_id__isnull=True, indicator_id__in=indicators[type_id])


def withhold_figures(user: Actor, items: Sequence[Any]) -> None:
    """Withhold, on these Figure instances (never saved), what ``user`` may not see.

    Sets ``withheld`` ("" / SMALL / COMPLEMENTARY) and ``shown`` (a ``Shown``) on each, and
    blanks ``value``, ``low`` and ``high`` when withheld. Complementary suppression runs over the
    published figures that could be breakdowns of one another (``_figure_group_key``), so the
    decision is the same for every viewer and for every page a figure appears on.
    """
    items = list(items)
    for f in items:
        f.withheld, f.shown = "", Shown(f.value)
    if not items or access.is_secretariat(user):
        return
    wanted = {_figure_group_key(f) for f in items}
    siblings: dict[tuple, list[Any]] = {}
    for q in _subject_filters({(k[0], k[3], k[4]) for k in wanted}):
        for s in Figure.objects.public().filter(q).select_related("indicator").only(*_DECIDED_ON).order_by("pk"):
            key = _figure_group_key(s)
            if key in wanted:
                siblings.setdefault(key, []).append(s)
    decided: dict[int, str] = {}
    for key in wanted:
        group = siblings.get(key, [])
        statuses = protect([s.value for s in group], sensitive=[figure_is_about_children(s) for s in group])
        decided.update({s.pk: st for s, st in zip(group, statuses, strict=True)})
    for f in items:
        if not controlled(user, f):
            continue
        status = decided.get(f.pk)
        if status is None:  # not published (a focal point's own draft is not controlled; others' are unreadable)
            status = SMALL if figure_is_about_children(f) and is_small(f.value) else ""
        if status:
            f.withheld, f.shown = status, Shown(None, status)
            f.value = f.low = f.high = None
