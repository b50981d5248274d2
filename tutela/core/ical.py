"""The one iCalendar (RFC 5545) writer, built with the ``icalendar`` package.

Apps turn their records into ``CalendarEvent``s (coordination's meetings, the hub's activities and
occasions) and hand them here; nothing else writes VCALENDAR text.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

CONTENT_TYPE = "text/calendar; charset=utf-8"


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


def calendar(events: Iterable[CalendarEvent], name: str, *, prodid: str = "-//Tutela//Calendar//EN") -> bytes:
    cal = Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", item.summary)
        # All-day events: DTEND is exclusive, so the day after the last day.
        event.add("dtstart", item.starts_on)
        event.add("dtend", max(item.ends_on, item.starts_on) + timedelta(days=1))
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        event.add("status", "CANCELLED" if item.cancelled else "TENTATIVE" if item.tentative else "CONFIRMED")
        if item.description:
            event.add("description", item.description)
        if item.categories:
            event.add("categories", list(item.categories))
        cal.add_component(event)
    return cal.to_ical()
