"""Children reached, by age band: counted and estimated drawn apart, as a server-rendered SVG with its table.

Input is a reach result as the page shows it (``reach.compute`` for staff, ``reach.for_public`` for everyone
else), so disclosure control has already been decided by ``tutela.core.disclosure``: a withheld count is
drawn as no bar and labelled "withheld", never as its value. Children only, by age band; no other detail.

Counted reach is a solid bar; an estimate is a hatched, outlined range from low to high with a mark at
the central value — a different shape, not only a different colour, so they are told apart in grey too.
A 360-unit-wide viewBox keeps it readable on a phone.
"""

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tutela.core import disclosure
from tutela.core.choices import StakeholderGroup
from tutela.figures.charts import INK, MUTED, PALETTE

WIDTH = 360


def _band(lo: Any, hi: Any) -> str:
    return f"{lo}–{hi}" if lo is not None else _("age not given")


def _n(value: Any) -> str:
    return f"{value:,}" if value is not None else _("fewer than %(n)s") % {"n": disclosure.threshold()}


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
                            _("counted %(n)s") % {"n": f"{r['counted']:,}"}
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
    return {
        "rows": ordered,
        "summary": summary,
        "counted_total": counted,
        "svg": _svg(ordered, title=_("Children reached by age band, counted and estimated"), summary=summary),
    }


def _svg(rows: list[dict[str, Any]], *, title: str, summary: str) -> SafeString:
    if not rows:
        return mark_safe("")
    label_w, right, bar_h, top = 62, 50, 14, 4
    plot = WIDTH - label_w - right
    largest = max([r["counted"] or 0 for r in rows] + [r["high"] or r["central"] or 0 for r in rows]) or 1
    counted_colour, estimate_colour = PALETTE[0], PALETTE[1]
    group_h = 2 * bar_h + 14
    legend_top = top + len(rows) * group_h + 6
    height = legend_top + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart reach-age-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}. {escape(summary)}" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>"
        f'<defs><pattern id="reach-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{estimate_colour}" stroke-width="3"/>'
        f"</pattern></defs>"
    ]

    def x_of(value: float) -> float:
        return label_w + plot * value / largest

    for i, r in enumerate(rows):
        y = top + i * group_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h + 4}" text-anchor="end" font-size="12" fill="{INK}">'
            f"{escape(r['band'])}</text>"
        )
        if r["has_count"]:
            if r["counted"] is None:
                parts.append(
                    f'<text x="{label_w + 2}" y="{y + bar_h - 3}" font-size="11" fill="{MUTED}" '
                    f'class="withheld">{escape(_("count withheld"))}</text>'
                )
            else:
                w = max(1.0, x_of(r["counted"]) - label_w) if r["counted"] else 0
                parts.append(
                    f'<rect class="counted" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                    f'fill="{counted_colour}"><title>{escape(r["band"])} · {escape(_("counted"))}: '
                    f"{r['counted']:,}</title></rect>"
                    f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" font-size="11" fill="{INK}">'
                    f"{r['counted']:,}</text>"
                )
        if r["has_estimate"]:
            y2 = y + bar_h + 3
            lo, hi = r["low"] or 0, r["high"] or r["central"] or 0
            x1, x2 = x_of(lo), max(x_of(hi), x_of(lo) + 2)
            parts.append(
                f'<rect class="estimated" x="{x1:.1f}" y="{y2}" width="{x2 - x1:.1f}" height="{bar_h}" '
                f'fill="url(#reach-hatch)" stroke="{estimate_colour}" stroke-dasharray="3 2">'
                f"<title>{escape(r['band'])} · {escape(_('estimated'))}: {lo:,}–{hi:,}</title></rect>"
            )
            if r["central"] is not None:
                xc = x_of(r["central"])
                parts.append(
                    f'<line x1="{xc:.1f}" x2="{xc:.1f}" y1="{y2 - 2}" y2="{y2 + bar_h + 2}" stroke="{INK}" '
                    f'stroke-width="2"/>'
                )
            parts.append(
                f'<text x="{x2 + 4:.1f}" y="{y2 + bar_h - 3}" font-size="11" fill="{MUTED}">~{r["central"] or hi:,}</text>'
            )
    parts.append(
        f'<rect x="{label_w}" y="{legend_top}" width="14" height="12" fill="{counted_colour}"/>'
        f'<text x="{label_w + 20}" y="{legend_top + 11}" font-size="12" fill="{INK}">{escape(_("Counted"))}</text>'
        f'<rect x="{label_w}" y="{legend_top + 20}" width="14" height="12" fill="url(#reach-hatch)" '
        f'stroke="{estimate_colour}" stroke-dasharray="3 2"/>'
        f'<text x="{label_w + 20}" y="{legend_top + 31}" font-size="12" fill="{INK}">'
        f"{escape(_('Estimated (low to high, mark at central)'))}</text></svg>"
    )
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated label is escaped above
