"""Open data: every public collection as CSV and JSON, described by one data dictionary.

Each collection is a list of ``Column``s (the dictionary) and a function yielding rows in keyset
chunks (streamed, flat memory). Children's numbers go through the same functions as the pages:
participation through ``core.disclosure.participation`` (the activity page's), figures through
``figures.disclosure.withhold_figures`` (the figure pages'), always as the public sees them.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.urls import reverse

from tutela.activities.models import Activity, ActivityPartner, Occasion, Participation
from tutela.consultations.models import Consultation
from tutela.coordination.models import Document
from tutela.core import disclosure
from tutela.figures.disclosure import withhold_figures
from tutela.figures.models import Figure
from tutela.library.models import LanguageVersion, Resource

CHUNK = 1000


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # integer, decimal, text, date, datetime, boolean, list
    description: str


@dataclass(frozen=True)
class Collection:
    slug: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[[], Iterator[list[Any]]]


def _url(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, args=[pk])


def _chunks(qs: QuerySet, chunk: int = CHUNK) -> Iterator[list]:
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk")[:chunk])
        if not batch:
            return
        last = batch[-1].pk
        yield batch


# --- Rows ---------------------------------------------------------------------------------------

def _activity_rows() -> Iterator[list[Any]]:
    for batch in _chunks(Activity.objects.public().only(
            "pk", "title", "kind", "status", "starts_on", "ends_on", "date_is_approximate", "country", "city", "online",
            "summary", "updated_at")):
        ids = [a.pk for a in batch]
        pillars: dict[int, list[str]] = {}
        through = Activity.pillars.through.objects.filter(activity_id__in=ids)
        for activity_id, number in through.values_list("activity_id", "pillar__number").order_by("pillar__number"):
            pillars.setdefault(activity_id, []).append(str(number))
        orgs: dict[int, list[str]] = {}
        for activity_id, name, role in (ActivityPartner.objects.filter(activity_id__in=ids)
                                        .values_list("activity_id", "organisation__name", "role").order_by("pk")):
            orgs.setdefault(activity_id, []).append(f"{name} ({role})")
        for a in batch:
            yield [a.pk, a.title, a.kind, a.status, a.starts_on, a.ends_on, a.date_is_approximate, str(a.country or ""),
                   a.city, a.online, pillars.get(a.pk, []), orgs.get(a.pk, []), a.summary,
                   _url("activities:activity_detail", a.pk), a.updated_at]


def _participation_rows() -> Iterator[list[Any]]:
    public = Activity.objects.public()
    for batch in _chunks(public.only("pk")):
        rows = list(Participation.objects.filter(activity_id__in=[a.pk for a in batch]).order_by("activity_id", "pk"))
        by_activity: dict[int, list[Participation]] = {}
        for p in rows:
            by_activity.setdefault(p.activity_id, []).append(p)
        for activity_id, records in by_activity.items():
            # The activity page's own decision: the public is always controlled.
            for p, shown in zip(records, disclosure.participation(records, control=True), strict=True):
                yield [activity_id, p.group, p.min_age, p.max_age, p.kind, shown.value, shown.withheld, p.description]


def _occasion_rows() -> Iterator[list[Any]]:
    for batch in _chunks(Occasion.objects.public()):
        for o in batch:
            yield [o.pk, o.name, o.short_name, o.kind, o.starts_on, o.ends_on, str(o.country or ""), o.city, o.venue,
                   o.theme, o.website]


def _figure_rows() -> Iterator[list[Any]]:
    types = {ct.pk: ct.model for ct in ContentType.objects.filter(app_label__in=["activities", "initiatives"])}
    for batch in _chunks(Figure.objects.public().select_related("indicator")):
        for start in range(0, len(batch), 50):  # figures' own disclosure, in its batch size
            withhold_figures(AnonymousUser(), batch[start:start + 50])
        for f in batch:
            yield [f.pk, f.indicator.code, f.indicator.name, f.indicator.unit, f.value, f.withheld, f.low, f.high,
                   f.kind, f.measure, f.as_of, f.period_start, f.period_end, f.group, f.min_age, f.max_age, f.sex,
                   str(f.country or ""), types.get(f.subject_type_id or 0, ""), f.subject_id, f.source, f.source_url]


def _resource_rows() -> Iterator[list[Any]]:
    for batch in _chunks(Resource.objects.public().select_related("pillar")):
        languages: dict[int, set[str]] = {}
        for resource_id, language in (LanguageVersion.objects.filter(version__resource__in=batch)
                                      .values_list("version__resource_id", "language")):
            languages.setdefault(resource_id, set()).add(language)
        for r in batch:
            yield [r.pk, r.title, r.kind, r.audience, r.min_age, r.max_age, r.pillar.number if r.pillar else None,
                   r.format, r.licence, [str(c) for c in r.countries], sorted(languages.get(r.pk, set())), r.summary,
                   _url("library:resource_detail", r.pk)]


def _document_rows() -> Iterator[list[Any]]:
    for batch in _chunks(Document.objects.public().select_related("body")):
        for d in batch:
            yield [d.pk, d.body.short_name, d.number, d.revision, d.title, d.kind, d.source, d.document_date,
                   d.is_withdrawn, _url("coordination:document_detail", d.pk)]


def _consultation_rows() -> Iterator[list[Any]]:
    for batch in _chunks(Consultation.objects.public()):
        for c in batch:
            yield [c.pk, c.code, c.title, c.opens_at, c.closes_at, c.status, c.summary,
                   _url("consultations:consultation_detail", c.pk)]


# --- The dictionary -------------------------------------------------------------------------------

ID = Column("id", "integer", "The record's number; stable, the same as in its page's address.")
URL = Column("url", "text", "The record's public page.")
WITHHELD = Column("withheld", "text",
                  "Why the count is blank: 'small' (a count of children from 1 to 4) or 'complementary' (withheld so "
                  "that a small one cannot be worked out from a total); empty when shown.")

COLLECTIONS: dict[str, Collection] = {c.slug: c for c in [
    Collection("activities", "Activities", "Published activities: dialogues, workshops, trainings, sessions…", [
        ID, Column("title", "text", "Title."), Column("kind", "text", "Kind of activity (code)."),
        Column("status", "text", "planned, held or cancelled."), Column("starts_on", "date", "First day."),
        Column("ends_on", "date", "Last day."), Column("date_is_approximate", "boolean", "The dates are approximate."),
        Column("country", "text", "ISO 3166-1 alpha-2 code; empty when none."), Column("city", "text", "City."),
        Column("online", "boolean", "Held online."), Column("pillars", "list", "Pillar numbers (1–5)."),
        Column("organisations", "list", "Organisations taking part, each with its role in brackets."),
        Column("summary", "text", "Summary."), URL, Column("updated_at", "datetime", "Last change.")], _activity_rows),
    Collection("participation", "Participation", "Who took part in each published activity, by group; children by "
               "age band. Small counts of children are withheld exactly as on the activity's page.", [
        Column("activity_id", "integer", "The activity (activities.id)."),
        Column("group", "text", "Stakeholder group (children, educators, parents…)."),
        Column("min_age", "integer", "Youngest age of the band (children)."),
        Column("max_age", "integer", "Oldest age of the band (children)."),
        Column("kind", "text", "counted, estimated or modelled."),
        Column("count", "integer", "How many; blank when unknown or withheld."), WITHHELD,
        Column("description", "text", "What the group was.")], _participation_rows),
    Collection("occasions", "Occasions", "Published host events activities happen at.", [
        ID, Column("name", "text", "Name."), Column("short_name", "text", "Short name."),
        Column("kind", "text", "Kind (code)."), Column("starts_on", "date", "First day."),
        Column("ends_on", "date", "Last day."), Column("country", "text", "ISO 3166-1 alpha-2 code."),
        Column("city", "text", "City."), Column("venue", "text", "Venue."), Column("theme", "text", "Theme."),
        Column("website", "text", "Website.")], _occasion_rows),
    Collection("figures", "Figures", "Published figures (counted, estimated or modelled; target or actual). Small "
               "counts of children are withheld exactly as on the figure pages.", [
        ID, Column("indicator_code", "text", "Indicator code."), Column("indicator", "text", "Indicator name."),
        Column("unit", "text", "Unit."), Column("value", "decimal", "The number; blank when withheld."), WITHHELD,
        Column("low", "decimal", "Low end of an estimate's range."),
        Column("high", "decimal", "High end of an estimate's range."),
        Column("kind", "text", "counted, estimated or modelled."), Column("measure", "text", "target or actual."),
        Column("as_of", "date", "The date the number is as of."), Column("period_start", "date", "Period from."),
        Column("period_end", "date", "Period to."), Column("group", "text", "Stakeholder group, if broken down."),
        Column("min_age", "integer", "Youngest age, if by age band."), Column("max_age", "integer", "Oldest age."),
        Column("sex", "text", "Sex, if broken down."), Column("country", "text", "ISO code, if by country."),
        Column("subject_type", "text", "What the figure is about (activity, project…), if anything."),
        Column("subject_id", "integer", "That record's id."), Column("source", "text", "Source."),
        Column("source_url", "text", "Source address.")], _figure_rows),
    Collection("resources", "Resources", "Published resources of the library.", [
        ID, Column("title", "text", "Title."), Column("kind", "text", "guideline, kit, leaflet, video or course."),
        Column("audience", "text", "Audience (code)."), Column("min_age", "integer", "For children: youngest age."),
        Column("max_age", "integer", "For children: oldest age."), Column("pillar", "integer", "Pillar number."),
        Column("format", "text", "Format."), Column("licence", "text", "Licence (code)."),
        Column("countries", "list", "ISO codes of the countries it was distributed in."),
        Column("languages", "list", "Language codes of its versions."), Column("summary", "text", "Summary."), URL],
        _resource_rows),
    Collection("documents", "Coordination documents", "Public documents of the coordination bodies' registries.", [
        ID, Column("body", "text", "The body's short name."), Column("number", "text", "Printed number."),
        Column("revision", "integer", "Current revision (0: none)."), Column("title", "text", "Title."),
        Column("kind", "text", "Kind (code)."), Column("source", "text", "Who submitted it."),
        Column("date", "date", "Document date."), Column("withdrawn", "boolean", "Withdrawn."), URL], _document_rows),
    Collection("consultations", "Consultations", "Public consultations on guidelines.", [
        ID, Column("code", "text", "Code."), Column("title", "text", "Title."),
        Column("opens_at", "datetime", "Opens."), Column("closes_at", "datetime", "Closes."),
        Column("status", "text", "scheduled, open, closed or report_published."),
        Column("summary", "text", "Summary."), URL], _consultation_rows),
]}


# --- Writers --------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return value


def csv_rows(collection: Collection) -> Iterator[list[Any]]:
    for row in collection.rows():
        yield [";".join(v) if isinstance(v, list) else ("" if v is None else _plain(v)) for v in row]


def json_stream(collection: Collection) -> Iterator[str]:
    names = [c.name for c in collection.columns]
    yield '{"collection": ' + json.dumps(collection.slug) + ', "dictionary": "' + reverse("hub:open_data") + '", "items": [\n'
    first = True
    for row in collection.rows():
        item = {name: _plain(v) for name, v in zip(names, row, strict=True)}
        for key in ("value", "low", "high"):  # numbers as numbers
            if isinstance(item.get(key), str):
                item[key] = float(item[key]) if "." in item[key] else int(item[key])
        yield ("" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]}\n"
