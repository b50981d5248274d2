"""The pieces every server-rendered SVG chart shares: no script, no external asset, every label escaped.

A chart is a picture for sighted readers; the record is its table, folded next to it by
``templates/components/chart.html`` ("The same as a table"). Each SVG here:

* has an accessible name and a text alternative: ``role="img"``, ``aria-label`` (title and summary),
  ``<title>`` and ``<desc>``;
* is drawn for a phone first (a viewBox, ``width="100%"``), so it scales to a 360 px screen;
* is laid out left to right whatever the page's direction (``direction="ltr"`` on the root: in an
  Arabic page the text still reads right to left inside each label, but the anchors of labels and
  bars do not flip onto each other);
* never carries meaning by colour alone: counted is solid, estimated hatched and outlined, missing
  or not yet due outlined and dashed, and the legend says so in words.

Used by outreach (reach by age band and over time), consultations (comments per paragraph),
coordination (a body's timeline) and bulletins (a commitment's cadence); figures keeps its dashboard
charts and shares the palette from here.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
INK = "#1b1f24"
MUTED = "#55606e"
GRID = "#d5dbe3"
PAPER = "#ffffff"
PHONE_WIDTH = 360  # viewBox width: one unit is one CSS pixel on a 360 px phone


def number(value: Any) -> str:
    """12,345 in English, 12 345 in French, 12.345 in Arabic: grouped as the page's language writes its
    other numbers (``number_format``), since "1,960" is one point nine six to a French reader."""
    return number_format(value, force_grouping=True)


def fit(label: str, chars: int) -> str:
    """``label`` cut to ``chars`` characters with an ellipsis (the full text is in the table and the tooltip)."""
    label = str(label)
    return label if len(label) <= chars else label[: max(1, chars - 1)] + "…"


def svg_open(*, css_class: str, width: int, height: float, title: str, summary: str) -> str:
    """The root element with its accessible name, title and description."""
    label = f"{title}. {summary}" if summary else title
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css_class)}" viewBox="0 0 {width} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(label)}" direction="ltr" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>"
    )


def svg_close(parts: Sequence[str]) -> SafeString:
    return mark_safe("".join(parts) + "</svg>")  # noqa: S308 — every interpolated label is escaped by its maker


def hatch(pattern_id: str, colour: str) -> str:
    """A diagonal hatch fill (``fill="url(#id)"``): what an estimate is drawn with, told apart in grey too."""
    return (
        f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{PAPER}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="3"/></pattern></defs>'
    )


def text(x: float, y: float, label: str, *, size: int = 12, fill: str = INK, anchor: str = "start",
         css_class: str = "", weight: str = "") -> str:
    attributes = f' text-anchor="{anchor}"' if anchor != "start" else ""
    attributes += f' class="{escape(css_class)}"' if css_class else ""
    attributes += f' font-weight="{weight}"' if weight else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}"{attributes}>{escape(label)}</text>'


def rect(x: float, y: float, w: float, h: float, *, fill: str, tooltip: str = "", stroke: str = "",
         dashed: bool = False, css_class: str = "", rx: float = 0) -> str:
    attributes = f' class="{escape(css_class)}"' if css_class else ""
    attributes += f' stroke="{stroke}"' if stroke else ""
    attributes += ' stroke-dasharray="3 2"' if dashed else ""
    attributes += f' rx="{rx}"' if rx else ""
    inner = f"<title>{escape(tooltip)}</title></rect>" if tooltip else "</rect>"
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}"{attributes}>{inner}'


@dataclass(frozen=True)
class Key:
    """One legend entry: a swatch drawn as the marks are (solid, hatched, dashed outline) and its words."""

    label: str
    fill: str
    stroke: str = ""
    dashed: bool = False


CHAR_WIDTH = 6.6  # about what a character of 12 px text takes, in viewBox units (Noto Sans, Latin)
LINE = 15  # the step between the lines of one legend entry


def wrap(label: str, chars: int) -> list[str]:
    """``label`` in lines of at most ``chars`` characters, broken between words (a longer word keeps its line)."""
    lines: list[str] = []
    for word in str(label).split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def legend(keys: Sequence[Key], *, x: float, y: float, row: int = 18, width: int = PHONE_WIDTH) -> tuple[str, float]:
    """The legend, one entry a line, a long entry wrapped onto more (a translation is often longer than the
    English: it must not run past a phone's edge); returns the SVG and the height it takes."""
    chars = max(12, int((width - x - 20) / CHAR_WIDTH))
    parts, top = [], y
    for k in keys:
        lines = wrap(k.label, chars)
        parts.append(rect(x, top, 14, 12, fill=k.fill, stroke=k.stroke, dashed=k.dashed)
                     + "".join(text(x + 20, top + 11 + j * LINE, line) for j, line in enumerate(lines)))
        top += row + (len(lines) - 1) * LINE
    return "".join(parts), top - y


@dataclass
class Table:
    """The chart's table alternative, its cells already written as the page writes them ("<5", "—")."""

    caption: str
    columns: Sequence[str]
    rows: list[tuple[str, Sequence[str]]] = field(default_factory=list)  # (row header, cells)
    numeric: bool = True  # the cells are numbers (aligned at the end); False for words


@dataclass
class Chart:
    """What ``components/chart.html`` renders: a heading, the SVG, its table folded beside it, a note."""

    key: str  # ids: "<key>-chart" for the block, "<key>-table" for its table, e.g. "reach-age"
    heading: str
    svg: SafeString
    table: Table
    summary: str = ""
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.table.rows
