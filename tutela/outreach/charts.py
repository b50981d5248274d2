"""Children reached, by age band: counted and estimated drawn apart, as a server-rendered SVG with its table.

Input is a reach result as the page shows it (``reach.compute`` for staff, ``reach.for_public`` for everyone
else), so disclosure control has already been decided by ``tutela.core.disclosure``: a withheld count is
drawn as no bar and labelled "withheld", never as its value. Children only, by age band; no other detail.

Counted reach is a solid bar; an estimate is a hatched, outlined range from low to high with a mark at
the central value — a different shape, not only a different colour, so they are told apart in grey too.
A 360-unit-wide viewBox keeps it readable on a phone.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tutela.core import disclosure
from tutela.core.charts import (
    GRID,
    INK,
    MUTED,
    PALETTE,
    PHONE_WIDTH,
    Chart,
    Key,
    Table,
    hatch,
    legend,
    number,
    rect,
    svg_close,
    svg_open,
    text,
)
from tutela.core.choices import StakeholderGroup

WIDTH = PHONE_WIDTH
COUNTED, ESTIMATED = PALETTE[0], PALETTE[1]
HATCH = "reach-hatch"


def _band(lo: Any, hi: Any) -> str:
    return f"{lo}–{hi}" if lo is not None else _("age not given")


def _n(value: Any) -> str:
    return number(value) if value is not None else _("fewer than %(n)s") % {"n": disclosure.threshold()}


def age_bands(result: dict[str, Any]) -> dict[str, Any]:
    """``{"rows": [{"band", "counted", "withheld", "low", "central", "high"}], "svg", "summary"}`` for children."""
    children = StakeholderGroup.CHILDREN.value
    rows: dict[tuple, dict[str, Any]] = {}

    def row(lo: Any, hi: Any) -> dict[str, Any]:
        return rows.setdefault(
            (lo if lo is not None else -1, hi),
            {
                "band": _band(lo, hi),
                "counted": None,
                "withheld": "",
                "has_count": False,
                "low": None,
                "central": None,
                "high": None,
                "has_estimate": False,
            },
        )

    for cell in result.get("counted", {}).get("cells", []):
        if cell["audience"] != children:
            continue
        r = row(cell["min_age"], cell["max_age"])
        r["has_count"] = True
        r["counted"] = cell["value"]
        r["withheld"] = cell.get("withheld", "") or ("small" if cell["value"] is None else "")
    for e in result.get("estimated", []):
        if (
            e["audience"] != children
            or e.get("central") is None
            and e.get("low") is None
            and e.get("high") is None
        ):
            continue
        r = row(e["min_age"], e["max_age"])
        r["has_estimate"] = True
        for k in ("low", "central", "high"):
            if e.get(k) is not None:
                r[k] = (r[k] or 0) + e[k]
    ordered = [rows[k] for k in sorted(rows)]
    counted = sum(r["counted"] or 0 for r in ordered)
    summary = (
        _("Children reached by age band: %(bands)s.")
        % {
            "bands": "; ".join(
                f"{r['band']}: "
                + ", ".join(
                    (
                        [
                            _("counted %(n)s") % {"n": number(r["counted"])}
                            if r["counted"] is not None
                            else _("count withheld")
                        ]
                        if r["has_count"]
                        else []
                    )
                    + (
                        [_("estimated %(low)s to %(high)s") % {"low": _n(r["low"]), "high": _n(r["high"])}]
                        if r["has_estimate"]
                        else []
                    )
                )
                for r in ordered
            )
        }
        if ordered
        else ""
    )
    svg = _svg(ordered, title=_("Children reached by age band, counted and estimated"), summary=summary)
    shown = _shown(result)
    table = Table(
        caption=_("Children reached by age band: counted, and estimated low – central – high"),
        columns=[_("Age band"), _("Counted"), _("Estimated (low – central – high)")],
        rows=[(r["band"], [_counted_cell(r, shown), _estimate_cell(r, shown)]) for r in ordered],
    )
    return {
        "rows": ordered,
        "summary": summary,
        "counted_total": counted,
        "svg": svg,
        "chart": Chart(key="reach-age", heading=_("Children reached, by age band"), svg=svg, table=table,
                       summary=summary),
    }


def _shown(result: dict[str, Any]) -> str:
    """How a withheld number is written in the table: "<5" on a public page (as its other tables), else "—"."""
    below = result.get("suppressed_below")
    return f"<{below}" if below else "—"


def _counted_cell(r: dict[str, Any], shown: str) -> str:
    if not r["has_count"]:
        return "—"
    if r["counted"] is None:
        return str(_("withheld")) if r["withheld"] == "complementary" else shown
    return number(r["counted"])


def _estimate_cell(r: dict[str, Any], shown: str) -> str:
    if not r["has_estimate"]:
        return "—"
    return " – ".join(number(r[k]) if r[k] is not None else shown for k in ("low", "central", "high"))


def _counted() -> str:
    return _("counted")


def _estimated() -> str:
    return _("estimated")


def _estimate_marks(x_of: Any, y: float, h: float, r: dict[str, Any], label: str) -> list[str]:
    """An estimate: a hatched, dashed-outline range from low to high with a mark at the central value."""
    lo, hi = r["low"] or 0, r["high"] or r["central"] or 0
    x1, x2 = x_of(lo), max(x_of(hi), x_of(lo) + 2)
    parts = [rect(x1, y, x2 - x1, h, fill=f"url(#{HATCH})", stroke=ESTIMATED, dashed=True, css_class="estimated",
                  tooltip=f"{label} · {_estimated()}: {number(lo)}–{number(hi)}")]
    if r["central"] is not None:
        xc = x_of(r["central"])
        parts.append(f'<line x1="{xc:.1f}" x2="{xc:.1f}" y1="{y - 2}" y2="{y + h + 2}" stroke="{INK}" stroke-width="2"/>')
    parts.append(text(x2 + 4, y + h - 3, f"~{number(r['central'] or hi)}", size=11, fill=MUTED))
    return parts


def _counted_marks(x_of: Any, left: float, y: float, h: float, r: dict[str, Any], label: str) -> list[str]:
    """A count: a solid bar with its value, or the word "withheld" and no bar when disclosure withheld it."""
    if r["counted"] is None:
        return [text(left + 2, y + h - 3, _("count withheld"), size=11, fill=MUTED, css_class="withheld")]
    w = max(1.0, x_of(r["counted"]) - left) if r["counted"] else 0
    return [rect(left, y, w, h, fill=COUNTED, css_class="counted",
                 tooltip=f"{label} · {_counted()}: {number(r['counted'])}"),
            text(left + w + 4, y + h - 3, number(r["counted"]), size=11)]


def _keys() -> list[Key]:
    return [Key(_("Counted"), COUNTED),
            Key(_("Estimated (low to high, mark at central)"), f"url(#{HATCH})", stroke=ESTIMATED, dashed=True)]


def _svg(rows: list[dict[str, Any]], *, title: str, summary: str) -> SafeString:
    if not rows:
        return mark_safe("")
    label_w, right, bar_h, top = 62, 50, 14, 4
    plot = WIDTH - label_w - right
    largest = max([r["counted"] or 0 for r in rows] + [r["high"] or r["central"] or 0 for r in rows]) or 1
    group_h = 2 * bar_h + 14
    legend_top = top + len(rows) * group_h + 6
    keys, keys_h = legend(_keys(), x=label_w, y=legend_top, row=20)

    def x_of(value: float) -> float:
        return label_w + plot * value / largest

    parts = [svg_open(css_class="reach-age-chart", width=WIDTH, height=legend_top + keys_h + 2, title=title,
                      summary=summary), hatch(HATCH, ESTIMATED)]
    for i, r in enumerate(rows):
        y = top + i * group_h
        parts.append(text(label_w - 6, y + bar_h + 4, r["band"], anchor="end"))
        if r["has_count"]:
            parts += _counted_marks(x_of, label_w, y, bar_h, r, r["band"])
        if r["has_estimate"]:
            parts += _estimate_marks(x_of, y + bar_h + 3, bar_h, r, r["band"])
    parts.append(keys)
    return svg_close(parts)


# --- Reach over time ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """A period on the time axis: ``label`` in full ("2014 Q1": the table, tooltips), ``short`` under its column
    ("Q1") and ``group`` under that where a new one begins ("2014")."""

    label: str
    short: str
    group: str = ""


def over_time(periods: list[tuple[Period, dict[str, Any]]]) -> Chart:
    """Children reached per period (e.g. quarter), counted and estimated drawn apart, as a chart and a table.

    ``periods`` are ``(label, reach result)`` in time order, each result as the page shows it (``reach.compute``
    for whoever may see every number, ``reach.for_public`` for everyone else), so a withheld count is drawn
    as no column and written as the page's tables write it. An estimate covers its programme's or campaign's
    whole run, so it appears in each period that run overlaps: the note says so, and estimates are never
    added across periods."""
    children = StakeholderGroup.CHILDREN.value
    rows = []
    for period, result in periods:
        label = period.label
        total = result.get("counted", {}).get("totals", {})
        has_count = children in total
        usable = [e for e in result.get("estimated", []) if e["audience"] == children
                  and any(e.get(k) is not None for k in ("low", "central", "high"))]
        row: dict[str, Any] = {"band": label, "has_count": has_count, "counted": total.get(children) if has_count else None,
               "withheld": "" if not has_count or total.get(children) is not None else "small",
               "has_estimate": bool(usable), "low": None, "central": None, "high": None,
               "shown": _shown(result), "short": period.short, "group": period.group}
        for e in usable:
            for k in ("low", "central", "high"):
                if e.get(k) is not None:
                    row[k] = (row[k] or 0) + e[k]
        rows.append(row)
    if not any(r["has_count"] or r["has_estimate"] for r in rows):
        rows = []  # nothing reached and nothing estimated in any period: no chart, no table
    described = [
        f"{r['band']}: " + ", ".join(
            ([_("counted %(n)s") % {"n": number(r["counted"])} if r["counted"] is not None else _("count withheld")]
             if r["has_count"] else [_("nothing counted")])
            + ([_("estimated %(low)s to %(high)s") % {"low": _n(r["low"]), "high": _n(r["high"])}]
               if r["has_estimate"] else []))
        for r in rows
    ]
    summary = _("Children reached per quarter: %(periods)s.") % {"periods": "; ".join(described)} if rows else ""
    title = _("Children reached over time, counted and estimated")
    svg = _columns(rows, title=title, summary=summary)
    table = Table(
        caption=_("Children reached per quarter: counted, and estimated low – central – high"),
        columns=[_("Quarter"), _("Counted"), _("Estimated (low – central – high)")],
        rows=[(r["band"], [_counted_cell(r, r["shown"]) if r["has_count"] else "0",
                           _estimate_cell(r, r["shown"])]) for r in rows],
    )
    has_estimates = any(r["has_estimate"] for r in rows)
    note = (_("An estimate covers a programme's or campaign's whole run: it is shown in each quarter that run "
              "overlaps, so estimates are not added up across quarters.") if has_estimates else "")
    return Chart(key="reach-time", heading=_("Children reached, by quarter"), svg=svg, table=table,
                 summary=summary, note=note)


def _columns(rows: list[dict[str, Any]], *, title: str, summary: str) -> SafeString:
    """One slot per period along the bottom: a solid counted column and a hatched estimate range beside it."""
    if not rows:
        return mark_safe("")
    left, right, top, plot_h = 8, 8, 18, 150
    plot_w = WIDTH - left - right
    slot = plot_w / len(rows)
    col = min(22.0, slot * 0.36)
    largest = max([r["counted"] or 0 for r in rows] + [r["high"] or r["central"] or 0 for r in rows]) or 1
    base = top + plot_h
    legend_top = base + 40
    keys, keys_h = legend(_keys(), x=left, y=legend_top, row=20)
    withheld = any(r["has_count"] and r["counted"] is None for r in rows)

    def y_of(value: float) -> float:
        return base - plot_h * value / largest

    parts = [svg_open(css_class="reach-time-chart", width=WIDTH, height=legend_top + keys_h + (18 if withheld else 2),
                      title=title,
                      summary=summary), hatch(HATCH + "-time", ESTIMATED),
             f'<line x1="{left}" x2="{WIDTH - right}" y1="{base}" y2="{base}" stroke="{MUTED}"/>']
    for i, r in enumerate(rows):
        x = left + slot * i + (slot - 2 * col - 2) / 2
        if r["has_count"] and r["counted"] is None:
            parts.append(text(x + col / 2, base - 4, "×", size=11, fill=MUTED, anchor="middle", css_class="withheld"))
        elif r["counted"]:
            y = y_of(r["counted"])
            parts.append(rect(x, y, col, base - y, fill=COUNTED, css_class="counted",
                              tooltip=f"{r['band']} · {_counted()}: {number(r['counted'])}"))
            if len(rows) <= 8:
                parts.append(text(x + col / 2, y - 3, number(r["counted"]), size=10, anchor="middle"))
        if r["has_estimate"]:
            lo, hi = r["low"] or 0, r["high"] or r["central"] or 0
            y1, y2 = y_of(hi), max(y_of(lo), y_of(hi) + 2)  # at least 2 units tall
            xe = x + col + 2
            parts.append(rect(xe, y1, col, y2 - y1, fill=f"url(#{HATCH}-time)", stroke=ESTIMATED, dashed=True,
                              css_class="estimated",
                              tooltip=f"{r['band']} · {_estimated()}: {number(lo)}–{number(hi)}"))
            if r["central"] is not None:
                yc = y_of(r["central"])
                parts.append(f'<line x1="{xe - 2:.1f}" x2="{xe + col + 2:.1f}" y1="{yc:.1f}" y2="{yc:.1f}" '
                             f'stroke="{INK}" stroke-width="2"/>')
        parts.append(text(left + slot * i + slot / 2, base + 14, r["short"], size=11, anchor="middle"))
        if r["group"]:
            parts.append(text(left + slot * i + 2, base + 28, r["group"], size=11, fill=MUTED))
            if i:
                parts.append(f'<line x1="{left + slot * i:.1f}" x2="{left + slot * i:.1f}" y1="{top}" '
                             f'y2="{base + 30}" stroke="{GRID}"/>')
    parts.append(keys)
    if withheld:
        parts.append(text(left, legend_top + keys_h + 12, "× " + _("count withheld (too few to publish)"), size=12))
    return svg_close(parts)


