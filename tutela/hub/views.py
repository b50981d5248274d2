"""The public hub's pages and feeds: events calendar (month and list), iCalendar feeds, Atom feeds."""

import itertools
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_cookie

from tutela.bulletins import selectors as bulletins
from tutela.core import ical
from tutela.exchange.files import csv_stream
from tutela.initiatives.models import Pillar

from . import iati as iati_export
from . import opendata, selectors
from .feeds import MAX_AGE
from .selectors import Scope


def _int(value: str | None, low: int, high: int) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _month(value: str | None) -> date | None:
    """"2014-03" → 1 March 2014; anything else → None."""
    parts = str(value or "").split("-")
    if len(parts) != 2:
        return None
    year, month = _int(parts[0], 1900, 2200), _int(parts[1], 1, 12)
    return date(year, month, 1) if year and month else None


def _filters(request: HttpRequest) -> tuple[Scope, dict[str, str]]:
    s = selectors.scope(request.GET.get("country", ""), request.GET.get("pillar", ""))
    chosen = {"country": s.country, "pillar": s.pillar.slug if s.pillar else ""}
    return s, chosen


def _query(chosen: dict[str, str], **extra: str) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in {**chosen, **extra}.items() if v})


def _common(s: Scope, chosen: dict[str, str]) -> dict:
    from django_countries import countries

    return {"scope": s, "chosen": chosen, "pillars": selectors.pillars(), "countries": list(countries)}


@require_GET
def calendar_month(request: HttpRequest) -> HttpResponse:
    s, chosen = _filters(request)
    today = date.today()
    first = _month(request.GET.get("month")) or date(today.year, today.month, 1)
    first, last = selectors.month_bounds(first.year, first.month)
    entries = selectors.between(s, first, last, limit=selectors.MONTH_LIMIT)
    occasion = format_html(' <span class="meta">{}</span>', _("occasion"))
    for e in entries:  # once per event, not once per day it is drawn on (400 events were 22,000 template lookups)
        e.cell = format_html('<li><a href="{}">{}</a>{}</li>', e.path, e.title, occasion if e.kind == "occasion" else "")
    previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    latest = selectors.latest_start(s) if not entries else None
    return render(request, "hub/calendar_month.html", {
        **_common(s, chosen), "first": first, "weeks": selectors.month_grid(first, entries), "entries": entries,
        "previous": _query(chosen, month=f"{previous:%Y-%m}"), "following": _query(chosen, month=f"{following:%Y-%m}"),
        "latest": _query(chosen, month=f"{latest:%Y-%m}") if latest else "", "today": today,
        "list_query": _query(chosen, year=str(first.year)),
    })


@require_GET
def calendar_list(request: HttpRequest) -> HttpResponse:
    s, chosen = _filters(request)
    years = selectors.years(s)
    year = _int(request.GET.get("year"), 1900, 2200)
    if year is None:
        this = date.today().year
        year = this if this in years or not years else years[-1]
    entries = selectors.between(s, date(year, 1, 1), date(year, 12, 31), limit=selectors.YEAR_LIMIT)
    months: dict[date, list] = {}
    for entry in entries:  # an event begun the year before is listed under January
        begins = max(entry.starts_on, date(year, 1, 1))
        months.setdefault(date(begins.year, begins.month, 1), []).append(entry)
    return render(request, "hub/calendar_list.html", {
        **_common(s, chosen), "year": year, "months": sorted(months.items()),
        "years": [(y, _query(chosen, year=str(y))) for y in years],
        "month_query": _query(chosen, month=f"{year}-01"), "truncated": len(entries) >= selectors.YEAR_LIMIT,
    })


def _ics(entries: list[selectors.Entry], name: str, filename: str) -> HttpResponse:
    data = ical.calendar((e.as_calendar_event() for e in entries), name, prodid="-//Tutela//Events//EN")
    response = HttpResponse(data, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@cache_control(max_age=MAX_AGE)  # see feeds.subscription
@vary_on_cookie
def calendar_ics(request: HttpRequest) -> HttpResponse:
    return _ics(selectors.newest(Scope()), _("Tutela events"), "tutela-events.ics")


@require_GET
@cache_control(max_age=MAX_AGE)  # see feeds.subscription
@vary_on_cookie
def country_ics(request: HttpRequest, code: str) -> HttpResponse:
    s = selectors.scope(country=code, strict=True)
    if not s.country:
        raise Http404
    return _ics(selectors.newest(s), _("Tutela events: %(c)s") % {"c": s.name}, f"tutela-events-{s.country.lower()}.ics")


@require_GET
@cache_control(max_age=MAX_AGE)  # see feeds.subscription
@vary_on_cookie
def pillar_ics(request: HttpRequest, slug: str) -> HttpResponse:
    s = selectors.scope(pillar=slug, strict=True)
    return _ics(selectors.newest(s), _("Tutela events: %(p)s") % {"p": s.name}, f"tutela-events-{slug}.ics")


@require_GET
@cache_control(max_age=MAX_AGE)  # see feeds.subscription
@vary_on_cookie
def event_ics(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    entry = selectors.event(kind, pk)
    return _ics([entry], entry.title, f"{kind}-{pk}.ics")


@require_GET
def feeds(request: HttpRequest) -> HttpResponse:
    from django_countries import countries

    used = sorted({e.country for e in selectors.newest(Scope()) if e.country})
    names = dict(countries)
    return render(request, "hub/feeds.html", {
        "pillars": list(Pillar.objects.order_by("number")),
        "countries": [(code, names.get(code, code)) for code in used],
        "bulletin_lists": bulletins.public_lists(),
    })


# --- IATI 2.03 ------------------------------------------------------------------------------------

@require_GET
def iati(request: HttpRequest) -> HttpResponse:
    return render(request, "hub/iati.html", {"report": iati_export.report(), "org": iati_export.reporting_org()})


@require_GET
def iati_activities(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    pieces = iati_export.activities_xml()
    first = next(pieces, None)
    if first is None:  # IATI wants at least one activity: say so rather than write an invalid file
        return render(request, "hub/iati.html", {"report": iati_export.report(), "org": iati_export.reporting_org(),
                                                 "empty": True}, status=404)
    response = StreamingHttpResponse(itertools.chain([first], pieces), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tutela-iati-activities.xml"'
    return response


@require_GET
def iati_organisation(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(iati_export.organisation_xml(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tutela-iati-organisation.xml"'
    return response


# --- Open data ------------------------------------------------------------------------------------

@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "hub/open_data.html", {"collections": list(opendata.COLLECTIONS.values())})


def _collection(slug: str) -> opendata.Collection:
    collection = opendata.COLLECTIONS.get(slug)
    if collection is None:
        raise Http404
    return collection


@require_GET
def data_csv(request: HttpRequest, collection: str) -> StreamingHttpResponse:
    c = _collection(collection)
    response = StreamingHttpResponse(csv_stream([col.name for col in c.columns], opendata.csv_rows(c)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tutela-{c.slug}.csv"'
    return response


@require_GET
def data_json(request: HttpRequest, collection: str) -> StreamingHttpResponse:
    c = _collection(collection)
    response = StreamingHttpResponse(opendata.json_stream(c), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="tutela-{c.slug}.json"'
    return response
