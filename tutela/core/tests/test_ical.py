"""The iCalendar writer, read back with the ``icalendar`` package and checked against RFC 5545's
line rules: CRLF endings, folding at 75 octets, escaping, no control characters."""

import re
from datetime import date

import pytest
from icalendar import Calendar

from tutela.core import ical
from tutela.core.ical import CalendarEvent

HOSTILE = [
    "Line one\nline two\r\nline three\rfour",
    "Semi; colon, comma \\ backslash \\n not a newline",
    "BEGIN:VEVENT\r\nEND:VCALENDAR",  # an injection attempt stays inside one value
    "Ünïcödé ✓ 子ども オンライン 🙂" * 7,  # multi-byte characters across fold points
    "nul\x00 bell\x07 esc\x1b tab\tend\x7f",
    "x" * 300,
    '"quoted" <b>html</b> DTSTART:20000101',
    "",
]


def _unescape(value: str) -> str:
    """RFC 5545 3.3.11, read side."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def _lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def _unfolded(data: bytes) -> str:
    return data.decode().replace("\r\n ", "")


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_round_trips_and_keeps_the_line_rules(value):
    event = CalendarEvent(
        uid="activity-1@tutela",
        summary=value or "untitled",
        starts_on=date(2031, 4, 1),
        ends_on=date(2031, 4, 3),
        location=value,
        description=value,
        categories=(value, "Pillar, two"),
        url="https://example.org/activities/1/",
    )
    data = ical.calendar([event], value or "Tutela events")
    for line in _lines(data):
        assert len(line) <= 75
        assert b"\n" not in line and b"\r" not in line
        line.decode()  # never split inside a UTF-8 character
    assert b"\x00" not in data and b"\x07" not in data and b"\x1b" not in data and b"\x7f" not in data

    cal = Calendar.from_ical(data)
    vevents = list(cal.walk("VEVENT"))
    assert len(vevents) == 1  # nothing injected
    v = vevents[0]
    expected = value.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(ch for ch in expected if ch in "\t\n" or not (ord(ch) < 32 or ord(ch) == 127))
    assert str(v["summary"]) == (expected or "untitled")
    if value:
        assert str(v["location"]) == expected and str(v["description"]) == expected
        assert [str(c) for c in v["categories"].cats] == [expected, "Pillar, two"]
    # An X- property has no declared type: ``icalendar`` leaves it escaped, so unescape it as TEXT here.
    assert _unescape(str(cal["x-wr-calname"])) == (expected or "Tutela events")
    assert v.decoded("dtstart") == date(2031, 4, 1) and v.decoded("dtend") == date(2031, 4, 4)
    assert str(v["uid"]) == "activity-1@tutela" and str(v["url"]) == "https://example.org/activities/1/"


def test_folding_splits_at_75_octets_with_a_leading_space():
    line = "DESCRIPTION:" + "é" * 100  # 12 + 200 octets
    folded = ical.fold(line)
    parts = folded[:-2].split(b"\r\n")
    assert len(parts[0]) <= 75 and all(p.startswith(b" ") and len(p) <= 75 for p in parts[1:])
    assert parts[0] + b"".join(p[1:] for p in parts[1:]) == line.encode()
    assert ical.fold("SHORT:x") == b"SHORT:x\r\n"
    exact = "X" * 75
    assert ical.fold(exact) == exact.encode() + b"\r\n"
    assert ical.fold(exact + "Y") == exact.encode() + b"\r\n Y\r\n"


def test_calendar_structure_status_and_dates():
    events = [
        CalendarEvent(uid="a@t", summary="Held", starts_on=date(2031, 12, 31), ends_on=date(2031, 12, 31)),
        CalendarEvent(
            uid="b@t", summary="Off", starts_on=date(2031, 1, 5), ends_on=date(2031, 1, 1), cancelled=True
        ),
        CalendarEvent(
            uid="c@t", summary="Maybe", starts_on=date(2031, 2, 1), ends_on=date(2031, 2, 2), tentative=True
        ),
    ]
    data = ical.calendar(events, "Name", prodid="-//Tutela//Test//EN")
    text = _unfolded(data)
    assert text.startswith("BEGIN:VCALENDAR\r\nPRODID:-//Tutela//Test//EN\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    cal = Calendar.from_ical(data)
    by_uid = {str(v["uid"]): v for v in cal.walk("VEVENT")}
    assert by_uid["a@t"].decoded("dtend") == date(2032, 1, 1)  # exclusive end crosses the year
    assert by_uid["b@t"].decoded("dtend") == date(2031, 1, 6)  # never before the start
    assert [str(by_uid[u]["status"]) for u in ("a@t", "b@t", "c@t")] == [
        "CONFIRMED",
        "CANCELLED",
        "TENTATIVE",
    ]
    stamps = {v.decoded("dtstamp") for v in cal.walk("VEVENT")}
    assert len(stamps) == 1 and next(iter(stamps)).utcoffset().total_seconds() == 0
    assert "LOCATION" not in text and "CATEGORIES" not in text  # empty values are left out
    assert list(Calendar.from_ical(ical.calendar([], "Empty")).walk("VEVENT")) == []
