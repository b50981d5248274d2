"""Disclosure control for numbers about children: the one place that decides what the public sees.

Every public number about children (activity participation, figures, outreach reach, drafted
reports, exports, charts) goes through here. The rules (docs/disclosure.md explains them):

* **Primary suppression**: a count from 1 to ``threshold() - 1`` (5 by default) is withheld.
  Zero is not sensitive and is shown.
* **Complementary suppression**: in a group of numbers published together with their total (or
  from which a total can be read elsewhere), the withheld numbers must add up to at least the
  threshold; otherwise the next-smallest sibling is withheld too, until they do, and when no
  sibling is left the total is withheld. So ``total - visible cells`` is never a small number,
  and never the exact value of one withheld cell.
* **Totals over many records** (the dashboard) add up only what the viewer is shown, so a total
  cannot be differenced against the list of records it sums.
* **Granularity**: a public query is answered by whole calendar months at finest (``check_period``),
  and no public query selects a single institution (there is no such filter; do not add one).
* **Rounding** (the ``DISCLOSURE_ROUND_TO`` setting, 5 by default, 0 to turn it off): public
  totals and the cells of queries the public may shape (reach by country and period) are rounded
  to the nearest multiple, so the difference of two public numbers is a multiple of it and can
  never be a count from 1 to 4.

Staff see exact numbers: the secretariat always, a focal point for what their organisation may
change. ``controlled(user, obj)`` says whether output for ``user`` must be controlled.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tutela.core import access
from tutela.core.choices import StakeholderGroup

from .access import Actor

SMALL = "small"  # withheld because it is a count under the threshold
COMPLEMENTARY = "complementary"  # withheld so that a small one cannot be worked out from a total


def threshold() -> int:
    return int(getattr(settings, "DISCLOSURE_THRESHOLD", 5))


def round_to() -> int:
    return int(getattr(settings, "DISCLOSURE_ROUND_TO", 5) or 0)


def controlled(user: Actor, obj: Any = None) -> bool:
    """Must numbers about children be disclosure-controlled for ``user``?

    No for the secretariat, and no for a focal point about a record (``obj``) their organisation
    may change; yes for everyone else (anonymous, stakeholders, focal points looking at others'
    records or at aggregates across organisations).
    """
    if access.is_secretariat(user):
        return False
    if obj is not None and access.can_write(user, obj):
        return False
    return True


def is_children(group: str | None) -> bool:
    return group == StakeholderGroup.CHILDREN


def is_small(value: Any) -> bool:
    return value is not None and 0 < float(value) < threshold()


@dataclass(frozen=True)
class Shown:
    """One number as published: ``value`` is None when withheld, and ``withheld`` says why."""

    value: Any
    withheld: str = ""  # "" (shown), SMALL or COMPLEMENTARY
    rounded: bool = False

    @property
    def suppressed(self) -> bool:
        return bool(self.withheld)

    def display(self) -> str:
        if self.withheld == SMALL:
            return _("fewer than %(n)s") % {"n": threshold()}
        if self.withheld:
            return _("withheld")
        if self.value is None:
            return _("unknown")
        v = float(self.value)
        text = f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"
        return _("about %(n)s") % {"n": text} if self.rounded else text

    def __str__(self) -> str:
        return self.display()


def exact(value: Any) -> Shown:
    return Shown(value)


def round_public(value: Any) -> Any:
    """``value`` rounded to the nearest multiple of ``DISCLOSURE_ROUND_TO`` (halves up); unchanged when off."""
    base = round_to()
    if value is None or base <= 1:
        return value
    number = Decimal(str(value))
    rounded = int((number / base + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR")) * base
    return type(value)(rounded) if isinstance(value, (int, Decimal)) else float(rounded)


def cell(value: Any, *, control: bool = True) -> Shown:
    """A number published on its own (no total beside it): withheld when small."""
    if control and is_small(value):
        return Shown(None, SMALL)
    return Shown(value)


def protect(values: Sequence[Any], *, sensitive: Sequence[bool] | None = None, control: bool = True,
            candidates: Sequence[bool] | None = None) -> list[str]:
    """Primary and complementary suppression for a group of numbers whose total is (or may be) known.

    Returns, per value, "" (show), SMALL or COMPLEMENTARY. ``sensitive[i]`` says whether value i
    is about children (only those get primary suppression; all default to True). Complementary
    cells are chosen among ``candidates`` (default: all), smallest positive first, until the
    withheld ones add up to at least the threshold. If that cannot be reached, every candidate is
    withheld; the caller must then withhold the total as well (``total_withheld``).
    """
    n = len(values)
    if not control:
        return [""] * n
    sensitive = sensitive if sensitive is not None else [True] * n
    candidates = candidates if candidates is not None else [True] * n
    status = [SMALL if sensitive[i] and is_small(values[i]) else "" for i in range(n)]
    hidden = [i for i in range(n) if status[i]]
    if not hidden:
        return status
    limit = threshold()
    withheld_sum = sum(float(values[i]) for i in hidden)
    order = sorted((i for i in range(n) if not status[i] and candidates[i] and values[i] is not None and float(values[i]) > 0),
                   key=lambda i: (float(values[i]), i))
    for i in order:
        # One withheld cell alone is recoverable from the total, whatever its size: at least two.
        if withheld_sum >= limit and len(hidden) >= 2:
            break
        status[i] = COMPLEMENTARY
        hidden.append(i)
        withheld_sum += float(values[i])
    return status


def total_withheld(values: Sequence[Any], status: Sequence[str]) -> bool:
    """Must the total of a protected group be withheld too? Yes when the withheld part is small or one cell."""
    hidden = [i for i, s in enumerate(status) if s]
    if not hidden:
        return False
    withheld_sum = sum(float(values[i]) for i in hidden)
    return len(hidden) < 2 or withheld_sum < threshold()


def table(values: Sequence[Any], *, control: bool = True, rounding: bool = False,
          sensitive: Sequence[bool] | None = None) -> tuple[list[Shown], Shown]:
    """Cells published with their total: ``(cells, total)``, protected and optionally rounded."""
    status = protect(values, sensitive=sensitive, control=control)
    total_value = sum((v for v in values if v is not None), 0)
    if not control:
        return [Shown(v) for v in values], Shown(total_value)
    cells = [Shown(None, s) if s else _maybe_round(v, rounding) for v, s in zip(values, status, strict=True)]
    if total_withheld(values, status) or is_small(total_value):
        total = Shown(None, SMALL if is_small(total_value) else COMPLEMENTARY)
    else:
        total = _maybe_round(total_value, rounding)
    return cells, total


def _maybe_round(value: Any, rounding: bool) -> Shown:
    if not rounding or value is None or round_to() <= 1:
        return Shown(value)
    r = round_public(value)
    return Shown(r, rounded=r != value)


def public_total(shown: Iterable[Shown], *, control: bool = True) -> Shown:
    """A total over many records: only what is shown is added, then rounded (when the setting is on)."""
    values = [s.value for s in shown if not s.withheld and s.value is not None]
    total = sum(values, 0)
    if not control:
        return Shown(total)
    if is_small(total):
        return Shown(None, SMALL)
    return _maybe_round(total, True)


# --- Granularity of public queries ----------------------------------------------------------------

def check_period(start: date | None, end: date | None, *, control: bool = True,
                 fields: tuple[str, str] = ("start", "end")) -> None:
    """A public period must be whole calendar months: ``start`` on a 1st, ``end`` on a month's last day."""
    if not control:
        return
    errors = {}
    if start is not None and start.day != 1:
        errors[fields[0]] = _("Public figures are published by calendar month: start on the first day of a month "
                              "(e.g. %(d)s).") % {"d": start.replace(day=1).isoformat()}
    if end is not None and (end + timedelta(days=1)).day != 1:
        last = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        errors[fields[1]] = _("Public figures are published by calendar month: end on the last day of a month "
                              "(e.g. %(d)s).") % {"d": last.isoformat()}
    if errors:
        raise ValidationError(errors)


# --- Activity participation -----------------------------------------------------------------------

def participation(rows: Sequence[Any], *, control: bool) -> list[Shown]:
    """One activity's participation rows (objects with ``group`` and ``count``), as published.

    The children's rows of one activity and kind are protected as one group (primary and complementary
    suppression), because their total can be published elsewhere (a figure about the activity, a
    drafted report). Other groups are shown as recorded.
    """
    rows = list(rows)
    by_index: dict[int, str] = {}
    for kind in dict.fromkeys(getattr(r, "kind", "") for r in rows):  # counted and estimated are never added
        kids = [i for i, r in enumerate(rows) if is_children(r.group) and r.count is not None and getattr(r, "kind", "") == kind]
        by_index.update(zip(kids, protect([rows[i].count for i in kids], control=control), strict=True))
    return [Shown(None, by_index[i]) if by_index.get(i) else Shown(r.count) for i, r in enumerate(rows)]


def participation_text(rows: Sequence[Any], *, control: bool) -> list[str]:
    """Each row's count as exported text: the number, "" when unknown, or "<5" / "withheld"."""
    out = []
    for shown in participation(rows, control=control):
        if shown.withheld == SMALL:
            out.append(f"<{threshold()}")
        elif shown.withheld:
            out.append("withheld")
        else:
            out.append("" if shown.value is None else str(shown.value))
    return out
