"""The one iCalendar (RFC 5545) writer.

Apps turn their records into ``CalendarEvent``s (coordination's meetings, the hub's activities and
occasions) and hand them here; nothing else writes VCALENDAR text. The subset written is small
(all-day VEVENTs in one VCALENDAR), so it is written directly rather than through the ``icalendar``
package, whose general component model cost about 1.7 ms per event (bench/RESULTS.md, issue 19);
tests parse the output back with ``icalendar``.

RFC 5545 rules kept here: lines end in CRLF (3.1) and are folded at 75 octets, never inside a
UTF-8 character, continuation lines starting with one space (3.1); TEXT values escape backslash,
semicolon, comma and line breaks (3.3.11); control characters other than tab are not allowed in
values (3.1, 3.3.11) and are dropped; all-day DTSTART/DTEND are DATE values and DTEND is exclusive
(3.6.1); DTSTAMP is a UTC date-time (3.8.7.2).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

CONTENT_TYPE = "text/calendar; charset=utf-8"

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_TEXT_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\;,]")
_TEXT_SPECIALS = {ord("\\"): "\\\\", ord(";"): "\\;", ord(","): "\\,"}


@dataclass(frozen=True)
class CalendarEvent:
    """An all-day event: ``ends_on`` is the last day (inclusive), as the records store it."""

    uid: str
    summary: str
    starts_on: date
    ends_on: date
    url: str = ""
    location: str = ""
    description: str = ""
    cancelled: bool = False
    tentative: bool = False
    categories: tuple[str, ...] = ()


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): escaped, line breaks as ``\\n``, other control characters dropped."""
    value = str(value)
    if not _TEXT_UNSAFE.search(value):  # most values: nothing to escape or drop
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n").translate(_TEXT_SPECIALS)
    return _CONTROL.sub("", value.replace("\n", "\\n"))


def _plain(value: str) -> str:
    """A value that is not TEXT (UID is TEXT but written by us; URI): only control characters dropped."""
    return _CONTROL.sub("", str(value))


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded at 75 octets without splitting a character, ending in CRLF."""
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    parts = []
    start, width = 0, 75
    while start < len(data):
        end = min(start + width, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a UTF-8 continuation byte: step back
            end -= 1
        parts.append(data[start:end])
        start, width = end, 74  # continuation lines: one space, then 74 octets
    return b"\r\n ".join(parts) + b"\r\n"


def _day(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def _event(item: CalendarEvent, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{text(item.summary)}",
        f"DTSTART;VALUE=DATE:{_day(item.starts_on)}",
        f"DTEND;VALUE=DATE:{_day(max(item.ends_on, item.starts_on) + timedelta(days=1))}",
        f"DTSTAMP:{stamp}",
        f"UID:{text(item.uid)}",
    ]
    if item.location:
        lines.append(f"LOCATION:{text(item.location)}")
    if item.url:
        lines.append(f"URL:{_plain(item.url)}")
    lines.append(
        "STATUS:" + ("CANCELLED" if item.cancelled else "TENTATIVE" if item.tentative else "CONFIRMED")
    )
    if item.description:
        lines.append(f"DESCRIPTION:{text(item.description)}")
    if item.categories:
        lines.append("CATEGORIES:" + ",".join(text(c) for c in item.categories))
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[CalendarEvent], name: str, *, prodid: str = "-//Tutela//Calendar//EN") -> bytes:
    stamp = timezone.now().astimezone(UTC)
    stamp_text = datetime.strftime(stamp, "%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{text(prodid)}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{text(name)}",
    ]
    for item in events:
        lines.extend(_event(item, stamp_text))
    lines.append("END:VCALENDAR")
    # A short ASCII line needs no folding: kept as text and encoded with the rest at once.
    return "".join(line + "\r\n" if len(line) <= 75 and line.isascii() else fold(line).decode()
                   for line in lines).encode()
