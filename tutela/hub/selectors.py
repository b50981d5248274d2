"""What the public hub reads: the public's view of every app below it, whoever asks.

A feed or a calendar subscription is read anonymously and cached by readers, so the hub never
shows a signed-in viewer more than the public sees; staff use each app's own pages for that.
"""

import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django_countries import countries

from tutela.activities.models import Activity, Occasion
from tutela.core.ical import CalendarEvent
from tutela.core.querysets import DaysOverlap
from tutela.initiatives.models import Pillar

FEED_LIMIT = 500  # iCalendar feeds: the newest events by start date
MONTH_LIMIT = 400  # events drawn in one month view
YEAR_LIMIT = 1000  # events listed in one year


@dataclass
class Entry:
    """One event of the calendar: a published activity or a published occasion.

    ``path``, ``ics_path`` and ``country_name`` are filled by ``_entries`` for a whole list at once."""

    kind: str  # "activity" | "occasion"
    pk: int
    title: str
    starts_on: date
    ends_on: date
    country: str = ""
    place: str = ""
    status: str = ""
    approximate: bool = False
    summary: str = ""
    pillars: list[str] = field(default_factory=list)
    path: str = ""
    ics_path: str = ""
    country_name: str = ""
    cell: str = ""  # the month view's list item, rendered once however many days the event covers

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.pk}@tutela"

    def as_calendar_event(self) -> CalendarEvent:
        """The one conversion of a hub event into what ``core.ical`` writes."""
        where = ", ".join(p for p in (self.place, self.country_name) if p)
        return CalendarEvent(
            uid=self.uid, summary=self.title, starts_on=self.starts_on, ends_on=self.ends_on,
            url=settings.SITE_URL + self.path, location=where, description=self.summary,
            cancelled=self.status == Activity.Status.CANCELLED, tentative=self.approximate,
            categories=tuple(self.pillars))


class Paths:
    """Addresses of many events: each URL name is reversed once (with a marker for the last argument),
    then filled in per event; a list of 500 events costs two ``reverse`` calls, not 1,000."""

    MARK = "987654321987"

    def __init__(self) -> None:
        self.templates: dict[tuple, str] = {}

    def __call__(self, name: str, *args: str | int) -> str:
        key = (name, *args[:-1])
        template = self.templates.get(key)
        if template is None:
            url = reverse(name, args=[*args[:-1], int(self.MARK)])
            if url.count(self.MARK) != 1:  # the marker is not unambiguous: reverse this one
                return reverse(name, args=list(args))
            template = self.templates[key] = url
        return template.replace(self.MARK, str(args[-1]))


@dataclass(frozen=True)
class Scope:
    """Which events: all, one country's (ISO code) or one pillar's (slug; occasions have no pillar)."""

    country: str = ""
    pillar: Pillar | None = None

    @property
    def name(self) -> str:
        if self.pillar is not None:
            return str(self.pillar)
        return str(countries.name(self.country) or self.country) if self.country else ""


def scope(country: str = "", pillar: str = "", *, strict: bool = False) -> Scope:
    """A scope from request values. ``strict`` (a feed's path) answers 404 to an unknown one; a page's
    filter ignores it."""
    code = (country or "").strip().upper()[:2]
    if code and code not in countries:
        if strict:
            raise Http404
        code = ""
    found = None
    if pillar:
        found = Pillar.objects.filter(slug=str(pillar)[:50]).first()
        if found is None and strict:
            raise Http404
    return Scope(country=code, pillar=found)


# What an event needs, read as plain rows (``values``): a feed of 500 events builds no model instances.
ACTIVITY_FIELDS = ("pk", "title", "starts_on", "ends_on", "country", "city", "venue", "online", "status",
                   "date_is_approximate", "summary")
OCCASION_FIELDS = ("pk", "name", "starts_on", "ends_on", "country", "city", "venue", "theme")


def _activities(s: Scope) -> QuerySet[Activity]:
    qs = Activity.objects.public()
    if s.country:
        qs = qs.filter(country=s.country)
    if s.pillar is not None:
        qs = qs.filter(pillars=s.pillar)
    return qs.only(*ACTIVITY_FIELDS)


def _occasions(s: Scope) -> QuerySet[Occasion]:
    if s.pillar is not None:
        return Occasion.objects.none()
    qs = Occasion.objects.public()
    if s.country:
        qs = qs.filter(country=s.country)
    return qs.only(*OCCASION_FIELDS)


def _activity_entry(a: dict, pillars: dict[int, list[str]]) -> Entry:
    place = ", ".join(p for p in (a["venue"], a["city"]) if p) or ("Online" if a["online"] else "")
    return Entry("activity", a["pk"], a["title"], a["starts_on"], a["ends_on"], str(a["country"] or ""), place,
                 a["status"], a["date_is_approximate"], a["summary"], pillars.get(a["pk"], []))


def _occasion_entry(o: dict) -> Entry:
    place = ", ".join(p for p in (o["venue"], o["city"]) if p)
    return Entry("occasion", o["pk"], o["name"], o["starts_on"], o["ends_on"], str(o["country"] or ""), place,
                 summary=o["theme"])


def _pillar_names(activity_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    through = Activity.pillars.through.objects.filter(activity_id__in=activity_ids)
    for activity_id, name in through.values_list("activity_id", "pillar__short_name").order_by("pillar__number"):
        names.setdefault(activity_id, []).append(name)
    return names


def _entries(activities: QuerySet[Activity], occasions: QuerySet[Occasion], *, keep: slice = slice(None)) -> list[Entry]:
    """The events of both querysets as rows, in date order, ``keep`` of them with their pillars, addresses
    and country names."""
    rows = list(activities.values(*ACTIVITY_FIELDS))
    entries = [_activity_entry(a, {}) for a in rows] + [_occasion_entry(o) for o in occasions.values(*OCCASION_FIELDS)]
    entries.sort(key=lambda e: (e.starts_on, e.ends_on, e.title, e.kind, e.pk))
    entries = entries[keep]
    pillars = _pillar_names([e.pk for e in entries if e.kind == "activity"])
    for e in entries:
        if e.kind == "activity":
            e.pillars = pillars.get(e.pk, [])
    paths, names = Paths(), dict(countries)  # once per list: dict(countries) costs about 1 ms
    for e in entries:
        detail = "activities:activity_detail" if e.kind == "activity" else "activities:occasion_detail"
        e.path = paths(detail, e.pk)
        e.ics_path = paths("hub:event_ics", e.kind, e.pk)
        e.country_name = str(names.get(e.country, e.country)) if e.country else ""
    return entries


def between(s: Scope, first: date, last: date, *, limit: int) -> list[Entry]:
    """Events overlapping the days ``first``…``last``, in date order."""
    overlap = DaysOverlap("starts_on", "ends_on", first, last)  # a GiST range index answers it on PostgreSQL
    activities = _activities(s).filter(overlap).order_by("starts_on", "pk")[:limit]
    occasions = _occasions(s).filter(overlap).order_by("starts_on", "pk")[:limit]
    return _entries(activities, occasions, keep=slice(limit))


def newest(s: Scope, *, limit: int = FEED_LIMIT) -> list[Entry]:
    """The ``limit`` latest-starting events (a feed's window), in date order."""
    activities = _activities(s).order_by("-starts_on", "-pk")[:limit]
    occasions = _occasions(s).order_by("-starts_on", "-pk")[:limit]
    return _entries(activities, occasions, keep=slice(-limit, None))


def event(kind: str, pk: int) -> Entry:
    if kind == "activity":
        found = _entries(_activities(Scope()).filter(pk=pk), Occasion.objects.none())
    elif kind == "occasion":
        found = _entries(Activity.objects.none(), _occasions(Scope()).filter(pk=pk))
    else:
        found = []
    if not found:
        raise Http404
    return found[0]


def month_grid(first: date, entries: list[Entry]) -> list[list[tuple[date, list[Entry]]]]:
    """Weeks (Monday first) of the month starting ``first``, each day with the events on it (in the
    entries' order). Each event is put on the days it covers once, not looked for on every day."""
    weeks = _calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    on: dict[date, list[Entry]] = {day: [] for week in weeks for day in week}
    grid_first, grid_last = weeks[0][0], weeks[-1][-1]
    for e in entries:
        day, last = max(e.starts_on, grid_first), min(e.ends_on, grid_last)
        while day <= last:
            on[day].append(e)
            day += timedelta(days=1)
    return [[(day, on[day]) for day in week] for week in weeks]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, date(year, month, _calendar.monthrange(year, month)[1])


def latest_start(s: Scope) -> date | None:
    a = _activities(s).order_by("-starts_on").values_list("starts_on", flat=True).first()
    o = _occasions(s).order_by("-starts_on").values_list("starts_on", flat=True).first()
    found = [d for d in (a, o) if d is not None]
    return max(found) if found else None


def years(s: Scope) -> list[int]:
    found = {d.year for d in _activities(s).dates("starts_on", "year")}
    found |= {d.year for d in _occasions(s).dates("starts_on", "year")}
    return sorted(found)


def pillars() -> list[Pillar]:
    return list(Pillar.objects.order_by("number"))


def next_day(d: date) -> date:
    return d + timedelta(days=1)
