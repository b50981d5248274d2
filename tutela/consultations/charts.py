"""Comments per paragraph and their decisions: a server-rendered SVG chart (no script) with its table.

One GROUP BY (paragraph × decision) over the consultation's comments, spam left out (the same comments the
report's synopsis counts). The chart is drawn for a phone first: a 360-unit-wide viewBox, one horizontal
stacked bar per paragraph (the whole document first, then in reading order), one colour per decision, and
"undecided" in grey. Every label is escaped; the table beside it is the record, the SVG its picture.
"""

from typing import Any

from django.db.models import Count, F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tutela.core.charts import INK, MUTED, PALETTE, svg_open

from .models import Comment, Consultation, Disposition

UNDECIDED = ""
UNDECIDED_COLOUR = "#bfc5cc"
WIDTH = 360


def paragraph_decisions(consultation: Consultation) -> dict[str, Any]:
    """``{"decisions": [(key, label)], "rows": [{"label", "counts": {key: n}, "total"}], "svg", "summary"}``."""
    labels = [(k, str(v)) for k, v in Disposition.Decision.choices] + [(UNDECIDED, _("Undecided"))]
    found = (
        consultation.comments.exclude(status=Comment.Status.SPAM)
        .values(
            "paragraph_id",
            "paragraph__number",
            "paragraph__kind",
            "paragraph__position",
            "disposition__decision",
        )
        .annotate(n=Count("id"))
        .order_by(F("paragraph__position").asc(nulls_first=True), "paragraph_id")
    )
    rows: dict[Any, dict[str, Any]] = {}
    for r in found:
        number = r["paragraph__number"]
        label = (
            (f"§ {number}" if r["paragraph__kind"] == "section" else f"¶ {number}")
            if r["paragraph_id"]
            else _("Whole document")
        )
        row = rows.setdefault(
            r["paragraph_id"], {"label": label, "counts": {k: 0 for k, _l in labels}, "total": 0}
        )
        row["counts"][r["disposition__decision"] or UNDECIDED] += r["n"]
        row["total"] += r["n"]
    used = [(k, label) for k, label in labels if any(row["counts"][k] for row in rows.values())]
    result_rows = [{**row, "cells": [row["counts"][k] for k, _l in used]} for row in rows.values()]
    total = sum(row["total"] for row in result_rows)
    summary = ngettext(
        "%(n)s comment on %(p)s part of the text", "%(n)s comments on %(p)s parts of the text", total
    ) % {"n": total, "p": len(result_rows)}
    if result_rows:
        top = max(result_rows, key=lambda row: row["total"])
        summary += "; " + _("most on %(label)s (%(n)s)") % {"label": top["label"], "n": top["total"]}
    return {
        "decisions": used,
        "rows": result_rows,
        "total": total,
        "summary": summary,
        "svg": _svg(
            result_rows, used, title=_("Comments per paragraph and their decisions"), summary=summary
        ),
    }


def _colour(key: str, index: int) -> str:
    return UNDECIDED_COLOUR if key == UNDECIDED else PALETTE[index % len(PALETTE)]


def _svg(rows: list[dict], decisions: list[tuple[str, str]], *, title: str, summary: str) -> SafeString:
    if not rows:
        return mark_safe("")
    label_w, right, bar_h, gap, top = 74, 34, 16, 6, 4
    plot = WIDTH - label_w - right
    largest = max(row["total"] for row in rows) or 1
    legend_top = top + len(rows) * (bar_h + gap) + 8
    height = legend_top + len(decisions) * 18 + 4
    parts = [svg_open(css_class="paragraph-chart", width=WIDTH, height=height, title=title, summary=summary)]
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h * 0.75:.1f}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(row["label"][:11])}</text>'
        )
        x = float(label_w)
        for j, (key, label) in enumerate(decisions):
            n = row["counts"][key]
            if not n:
                continue
            w = plot * n / largest
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{_colour(key, j)}" '
                f'stroke="#fff" stroke-width="1" data-decision="{escape(key or "undecided")}">'
                f"<title>{escape(row['label'])} · {escape(label)}: {n}</title></rect>"
            )
            x += w
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + bar_h * 0.75:.1f}" font-size="12" fill="{MUTED}">{row["total"]}</text>'
        )
    for j, (key, label) in enumerate(decisions):
        y = legend_top + j * 18
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="12" height="12" rx="2" fill="{_colour(key, j)}"/>'
            f'<text x="{label_w + 18}" y="{y + 11}" font-size="12" fill="{INK}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated label is escaped above
