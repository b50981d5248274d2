"""Server-rendered SVG charts: pure functions returning safe SVG strings. No JS, no external assets.

Every label is escaped here, so a hostile organisation or country name cannot inject markup.
Each chart is an image (``role="img"``, named by its title) and holds no link: a text table equivalent,
with the links, is always rendered next to it by the page (charts are decoration for sighted readers,
the table is the record; a link inside an image would be one no assistive technology can reach).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The palette and inks every chart shares (Okabe–Ito: told apart with the common colour-vision deficiencies).
from tutela.core.charts import GRID, INK, MUTED, PALETTE

__all__ = ["GRID", "INK", "MUTED", "PALETTE", "Bar", "Series", "bar_chart", "stacked_column_chart"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | int | Decimal


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | int | Decimal]


def _num(value: float | int | Decimal) -> str:
    v = float(value)
    return f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"


def _ticks(value: float, wanted: int = 4) -> tuple[float, int]:
    """A round tick step (1, 2, 5 × 10ⁿ, never below 1) and how many ticks reach ``value``."""
    if value <= 0:
        return 1, 1
    raw = value / wanted
    magnitude = 10 ** max(0, len(str(int(raw))) - 1)
    step = next((m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude), 10 * magnitude)
    count = max(1, -(-int(value) // int(step)))
    return step, count


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = 640, bar_height: int = 22, label_width: int = 190,
              color: str = PALETTE[0]) -> SafeString:
    """Horizontal bars, one per row, labelled on the left and with their value at the end."""
    gap = 8
    top = 8
    height = top + len(bars) * (bar_height + gap) + 4
    top_value = max((float(b.value) for b in bars), default=0) or 1
    plot = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bar-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = top + i * (bar_height + gap)
        w = max(1.0, plot * float(bar.value) / top_value) if float(bar.value) > 0 else 0
        fits = max(8, label_width // 8)  # ~7.5 px per character at 13 px
        label = bar.label if len(bar.label) <= fits else bar.label[: fits - 1] + "…"
        row = (
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" rx="3" fill="{color}">'
            f"<title>{escape(bar.label)}: {_num(bar.value)}</title></rect>"
            f'<text x="{label_width + w + 6:.1f}" y="{y + bar_height * 0.7:.1f}" font-size="13" '
            f'fill="{INK}">{_num(bar.value)}</text>'
        )
        parts.append(f"<g>{row}</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated label is escaped above


def stacked_column_chart(categories: Sequence[str], series: Sequence[Series], *, title: str, width: int = 640,
                         height: int = 300, show_totals: bool = True) -> SafeString:
    """Vertical columns per category (e.g. year), stacked by series (e.g. pillar), with a legend.

    ``show_totals=False`` when a record can sit in several series (an activity under two pillars):
    then the stack height is not a count of records, and labelling it as one would mislead.
    """
    left, right, top, bottom = 44, 12, 12, 30
    legend_rows = (len(series) + 2) // 3
    legend_h = legend_rows * 20 + 8
    plot_w = width - left - right
    plot_h = height - top - bottom
    totals = [sum(float(s.values[i]) for s in series) for i in range(len(categories))]
    step, ticks = _ticks(max(totals, default=0))
    top_value = step * ticks
    n = max(len(categories), 1)
    slot = plot_w / n
    col_w = min(56.0, slot * 0.6)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart column-chart" viewBox="0 0 {width} {height + legend_h}" '
        f'width="100%" role="img" aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for k in range(ticks + 1):
        value = step * k
        y = top + plot_h - plot_h * k / ticks
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">{_num(value)}</text>')
    for i, category in enumerate(categories):
        x = left + slot * i + (slot - col_w) / 2
        base: float = top + plot_h
        for j, s in enumerate(series):
            v = float(s.values[i])
            if v <= 0:
                continue
            h = plot_h * v / top_value
            base -= h
            parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[j % len(PALETTE)]}" stroke="#fff" stroke-width="1">'
                         f"<title>{escape(category)} · {escape(s.label)}: {_num(v)}</title></rect>")
        parts.append(f'<text x="{x + col_w / 2:.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="12" '
                     f'fill="{INK}">{escape(category)}</text>')
        if show_totals and totals[i]:
            parts.append(f'<text x="{x + col_w / 2:.1f}" y="{base - 4:.1f}" text-anchor="middle" font-size="11" '
                         f'fill="{MUTED}">{_num(totals[i])}</text>')
    for j, s in enumerate(series):
        lx = left + (j % 3) * (plot_w / 3)
        ly = height + 4 + (j // 3) * 20
        parts.append(f'<rect x="{lx:.1f}" y="{ly}" width="12" height="12" rx="2" fill="{PALETTE[j % len(PALETTE)]}"/>'
                     f'<text x="{lx + 18:.1f}" y="{ly + 11}" font-size="12" fill="{INK}">{escape(s.label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated label is escaped above
