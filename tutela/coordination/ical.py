"""iCalendar (RFC 5545) feeds of meetings, written by ``tutela.core.ical``."""

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tutela.core import ical
from tutela.core.ical import CalendarEvent

from .models import Meeting, ordinal_label

FEED_SALT = "coordination.calendar.v1"


def calendar_for(meetings: Iterable[Meeting], name: str) -> bytes:
    return ical.calendar((CalendarEvent(
        uid=f"coordination-meeting-{meeting.pk}@tutela",
        summary=f"{meeting.body.short_name} {ordinal_label(meeting.ordinal)} meeting",
        starts_on=meeting.starts_on, ends_on=meeting.ends_on, location=meeting.place,
        url=settings.SITE_URL + reverse("coordination:meeting_detail", args=[meeting.body.slug, meeting.ordinal]),
        cancelled=meeting.status == Meeting.Status.CANCELLED,
        description=f"{meeting.body.name}. {meeting.summary}".strip(),
    ) for meeting in meetings), name, prodid="-//Tutela//Coordination meetings//EN")


def feed_token(user) -> str:
    """A URL token for a user's personal feed; calendar apps cannot sign in."""
    return signing.dumps(user.pk, salt=FEED_SALT, compress=True)


def user_id_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=FEED_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None
