"""A commitment's cadence against what was delivered: a server-rendered SVG (``core.charts``) with its table.

One block per commitment of an agreement: its text, then one cell per period of this year (twelve months,
four quarters, the year; once-only: one cell, ever), then the rule's sentence ("quarterly: 3 of 4 delivered
this year", ``selectors.cadence_against_deliveries``). A period with deliveries is a solid cell with their
number; a period begun with none is an outlined cell with "0"; a period not begun yet is a dashed outline —
shape and number carry the meaning, colour only repeats it. Drawn 360 units wide for a phone.
"""

from typing import Any

from django.utils.translation import gettext as _

from tutela.core.charts import (
    INK,
    MUTED,
    PALETTE,
    PAPER,
    PHONE_WIDTH,
    Chart,
    Key,
    Table,
    fit,
    legend,
    rect,
    svg_close,
    svg_open,
    text,
)

from .selectors import CadenceCheck

WIDTH = PHONE_WIDTH
DELIVERED = PALETTE[0]


def _state_words(state: str) -> str:
    return {"delivered": _("delivered"), "none": _("none delivered"), "ahead": _("not begun")}[state]


def cadence(rows: list[tuple[Any, CadenceCheck]]) -> Chart:
    """The chart and table for ``(commitment, check)`` pairs (``selectors.agreement_cadences``)."""
    behind, not_begun = " (" + _("behind") + ")", _("not begun")
    summary = "; ".join(f"{fit(c.text, 60)}: {check.sentence}" + (behind if check.behind else "")
                        for c, check in rows)
    title = _("Commitments: cadence against what was delivered this year")
    table = Table(
        caption=_("Each commitment's deliveries this year, per period, against its cadence"),
        columns=[_("Commitment"), _("This year"), _("Per period")],
        rows=[(c.text, [check.sentence + (behind if check.behind else ""),
                        " · ".join(f"{p.label}: {p.delivered if p.state != 'ahead' else not_begun}"
                                   for p in check.periods)]) for c, check in rows],
        numeric=False,
    )
    return Chart(key="commitment-cadence", heading=_("Cadence against deliveries"),
                 svg=_svg(rows, title=title, summary=summary), table=table, summary=summary)


def _svg(rows: list[tuple[Any, CadenceCheck]], *, title: str, summary: str) -> Any:
    left, gap, cell_h, group_h, top = 8, 3, 22, 84, 4
    plot = WIDTH - 2 * left
    legend_top = top + len(rows) * group_h + 4
    keys, keys_h = legend([Key(_("Delivered (the number in the cell)"), DELIVERED),
                           Key(_("Period begun, none delivered"), PAPER, stroke=INK),
                           Key(_("Period not begun yet"), PAPER, stroke=MUTED, dashed=True)], x=left, y=legend_top)
    parts = [svg_open(css_class="cadence-chart", width=WIDTH, height=legend_top + keys_h + 2, title=title,
                      summary=summary)]
    for i, (commitment, check) in enumerate(rows):
        y = top + i * group_h
        parts.append(text(left, y + 13, fit(commitment.text, 52), size=13, weight="bold"))
        n = max(1, len(check.periods))
        w = min(72.0, (plot - gap * (n - 1)) / n)
        cy = y + 20
        for j, p in enumerate(check.periods):
            x = left + j * (w + gap)
            tip = f"{p.label}: {p.delivered} · {_state_words(p.state)}"
            if p.state == "delivered":
                parts.append(rect(x, cy, w, cell_h, fill=DELIVERED, css_class="delivered", tooltip=tip, rx=2))
                parts.append(text(x + w / 2, cy + 15, str(p.delivered), size=12, fill=PAPER, anchor="middle",
                                  weight="bold"))
            elif p.state == "none":
                parts.append(rect(x + 0.5, cy + 0.5, w - 1, cell_h - 1, fill=PAPER, stroke=INK, css_class="none",
                                  tooltip=tip, rx=2))
                parts.append(text(x + w / 2, cy + 15, "0", size=12, anchor="middle"))
            else:
                parts.append(rect(x + 0.5, cy + 0.5, w - 1, cell_h - 1, fill=PAPER, stroke=MUTED, dashed=True,
                                  css_class="ahead", tooltip=tip, rx=2))
            # Twelve month names do not fit a phone (nor do Arabic ones): their numbers then; the table names them.
            short = p.label if w >= 34 else str(j + 1)
            parts.append(text(x + w / 2, cy + cell_h + 12, short, size=10, fill=MUTED, anchor="middle"))
        sentence = check.sentence + (" — " + _("behind") if check.behind else "")
        parts.append(text(left, cy + cell_h + 30, sentence, size=12, css_class="behind" if check.behind else "",
                          weight="bold" if check.behind else ""))
    parts.append(keys)
    return svg_close(parts)
