"""iCalendar (RFC 5545) feeds of meetings, built with the ``icalendar`` package."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting, ordinal_label

FEED_SALT = "coordination.calendar.v1"


def calendar_for(meetings: Iterable[Meeting], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Tutela//Coordination meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for meeting in meetings:
        event = Event()
        event.add("uid", f"coordination-meeting-{meeting.pk}@tutela")
        event.add("dtstamp", stamp)
        event.add("summary", f"{meeting.body.short_name} {ordinal_label(meeting.ordinal)} meeting")
        # All-day events: DTEND is exclusive, so the day after the last day.
        event.add("dtstart", meeting.starts_on)
        event.add("dtend", meeting.ends_on + timedelta(days=1))
        if meeting.place:
            event.add("location", meeting.place)
        event.add("url", settings.SITE_URL + reverse("coordination:meeting_detail", args=[meeting.body.slug, meeting.ordinal]))
        event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
        event.add("description", f"{meeting.body.name}. {meeting.summary}".strip())
        cal.add_component(event)
    return cal.to_ical()


def feed_token(user) -> str:
    """A URL token for a user's personal feed; calendar apps cannot sign in."""
    return signing.dumps(user.pk, salt=FEED_SALT, compress=True)


def user_id_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=FEED_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None
