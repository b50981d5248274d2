"""A body's meetings and liaison-statement deadlines on a timeline: a server-rendered SVG (``core.charts``)
with its table.

Time runs left to right in three lanes, each named above its marks (so the names fit a 360 px phone):
meetings (a bar from first to last day, at least a dot wide), replies this body owes (liaisons sent to it
for action or comment: solid diamonds) and replies owed to it (its own liaisons: outlined diamonds). A
dashed line marks today when it falls inside the span. Years are ticked on the axis. Shape, lane and
words carry the meaning; colour repeats it. The table lists the same events by date.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tutela.core.charts import (
    GRID,
    INK,
    MUTED,
    PALETTE,
    PAPER,
    PHONE_WIDTH,
    Chart,
    Table,
    rect,
    svg_close,
    svg_open,
    text,
)

WIDTH = PHONE_WIDTH
MEETING, OWED_BY, OWED_TO = "meeting", "owed_by", "owed_to"
COLOURS = {MEETING: PALETTE[0], OWED_BY: PALETTE[5], OWED_TO: PALETTE[2]}


@dataclass(frozen=True)
class Event:
    lane: str  # MEETING, OWED_BY (a reply this body owes) or OWED_TO (a reply owed to this body)
    starts_on: date
    ends_on: date
    label: str  # the meeting, or the liaison's subject
    detail: str = ""  # the other body, the purpose


def _lanes() -> list[tuple[str, str]]:
    return [(MEETING, _("Meetings")), (OWED_BY, _("Replies this body owes (deadline)")),
            (OWED_TO, _("Replies owed to this body (deadline)"))]


def timeline(events: list[Event], *, today: date, body_name: str) -> Chart:
    events = sorted(events, key=lambda e: (e.starts_on, e.lane, e.label))
    lanes = dict(_lanes())
    kinds = {MEETING: _("meeting"), OWED_BY: _("reply owed by this body"), OWED_TO: _("reply owed to this body")}
    counts = {lane: sum(1 for e in events if e.lane == lane) for lane in lanes}
    summary = (_("%(meetings)s meetings and %(deadlines)s liaison deadlines of %(body)s, from %(first)s to %(last)s.")
               % {"meetings": counts[MEETING], "deadlines": counts[OWED_BY] + counts[OWED_TO], "body": body_name,
                  "first": date_format(events[0].starts_on, "j M Y"),
                  "last": date_format(max(e.ends_on for e in events), "j M Y")}) if events else ""
    title = _("Meetings and liaison deadlines on a timeline")
    table = Table(
        caption=_("Meetings and liaison deadlines, by date"),
        columns=[_("Date"), _("What"), _("Kind")],
        rows=[(date_format(e.starts_on, "j M Y") + (f" – {date_format(e.ends_on, 'j M Y')}" if e.ends_on != e.starts_on
                                                     else ""),
               [e.label + (f" ({e.detail})" if e.detail else ""), str(kinds[e.lane])]) for e in events],
        numeric=False,
    )
    return Chart(key="body-timeline", heading=_("Timeline"), svg=_svg(events, lanes, today, title, summary),
                 table=table, summary=summary)


def _svg(events: list[Event], lanes: dict[str, str], today: date, title: str, summary: str) -> SafeString:
    if not events:
        return mark_safe("")  # nothing to draw: the component shows nothing either
    left, right, top, lane_h = 10, 10, 6, 44
    plot = WIDTH - left - right
    first = min(e.starts_on for e in events)
    last = max(e.ends_on for e in events)
    show_today = first <= today <= date.fromordinal(last.toordinal() + 120)
    if show_today:
        last = max(last, today)
    first = date(first.year, 1, 1) if (last - first).days > 400 else date.fromordinal(first.toordinal() - 15)
    last = date.fromordinal(last.toordinal() + 15)
    span = max(1, (last - first).days)

    def x_of(day: date) -> float:
        return left + plot * (day - first).days / span

    used = [lane for lane in lanes if any(e.lane == lane for e in events)]
    axis_y = top + len(used) * lane_h + 4
    height = axis_y + 34
    parts = [svg_open(css_class="timeline-chart", width=WIDTH, height=height, title=title, summary=summary)]
    for year in range(first.year + (0 if first == date(first.year, 1, 1) else 1), last.year + 1):
        x = x_of(date(year, 1, 1))
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{axis_y}" stroke="{GRID}"/>')
        anchor = "start" if x < left + 16 else "end" if x > WIDTH - right - 16 else "middle"  # never cut off
        parts.append(text(x, axis_y + 14, str(year), size=11, fill=MUTED, anchor=anchor))
    parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{axis_y}" y2="{axis_y}" stroke="{MUTED}"/>')
    for i, lane in enumerate(used):
        y = top + i * lane_h
        parts.append(text(left, y + 12, lanes[lane], size=12, css_class=f"lane-{lane}"))
        mid = y + 28
        parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{mid}" y2="{mid}" stroke="{GRID}" '
                     f'stroke-dasharray="1 3"/>')
        for e in (e for e in events if e.lane == lane):
            x1 = x_of(e.starts_on)
            tip = f"{date_format(e.starts_on, 'j M Y')} · {e.label}" + (f" ({e.detail})" if e.detail else "")
            if lane == MEETING:
                w = max(6.0, x_of(e.ends_on) - x1)
                parts.append(rect(x1 - 3, mid - 7, w, 14, fill=COLOURS[lane], stroke=PAPER, css_class="meeting",
                                  tooltip=tip, rx=3))
            else:
                solid = lane == OWED_BY
                parts.append(
                    f'<path class="deadline {lane}" d="M{x1:.1f} {mid - 8} l8 8 l-8 8 l-8 -8 z" '
                    f'fill="{COLOURS[lane] if solid else PAPER}" stroke="{COLOURS[lane] if solid else INK}" '
                    f'stroke-width="{1 if solid else 2}"><title>{escape(tip)}</title></path>')
    if show_today:
        x = x_of(today)
        parts.append(f'<line class="today" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{axis_y + 4}" stroke="{INK}" '
                     f'stroke-dasharray="4 3" stroke-width="1.5"/>')
        anchor = "end" if x > WIDTH - 50 else "start"
        parts.append(text(x + (-3 if anchor == "end" else 3), axis_y + 28, _("today"), size=11, anchor=anchor,
                          weight="bold"))
    return svg_close(parts)

