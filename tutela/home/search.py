"""Site search: one rule per kind of record, one place that picks how text is matched.

Each ``Source`` names the selector of the app that owns the records (so ``core.access`` decides
what ``user`` may find, exactly as on that app's own pages), the fields searched, the order of
the hits and where each hit links. ``matching`` is the only function that knows the database:

* on PostgreSQL, full-text search (``django.contrib.postgres.search``) with the ``simple``
  configuration (no stemming: the records are in several languages): every word must occur, the
  last one also as the start of a longer word ("consult" finds "consultation") once it has
  ``PREFIX_MIN`` letters. Activities, the large table, are served by a GIN index on the same
  expression (``activities`` migration ``0006``; ``ACTIVITY_VECTOR`` must stay identical to it), and
  organisations by one on theirs (``partners`` migration ``0006``, ``ORGANISATION_VECTOR``). For these two,
  ``Source.bounded`` keeps the rows checked one by one to a few thousand whatever the planner believes of a word;
* anywhere else (SQLite), every word must occur somewhere in one of the fields
  (case-insensitive substring, ``icontains``).

A query is cleaned first (``clean_query``): Unicode normalised (NFKC), invisible control
characters and over-long queries refused with a sentence that says why (``QueryRefused``). Only
letters and digits make words, so no character of a query ever reaches the database as syntax:
the words are passed as parameters in both cases.

Translated text (issue 18 item 4, ``core.translations``) is searched in the page's language: under ``/fr/`` a record
is found by its English text or by its French translation of the fields the source names in ``translated``. In
English the query is exactly the English one. In another language PostgreSQL adds one alternative: every word in
the record's translations of any language (``AllTranslationsVector``, GIN-indexed for activities, migration
``activities/0015``) *and* in its translation into that language (checked on the rows the index found); elsewhere
each word may also be a substring of the translation. A hit is listed by its title in the page's language.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tutela.activities import selectors as activities
from tutela.bulletins import selectors as bulletins
from tutela.consultations import selectors as consultations
from tutela.coordination import selectors as coordination
from tutela.core import translations
from tutela.core.access import Actor
from tutela.core.text import control_character_message, find_control_character
from tutela.library import selectors as library
from tutela.partners import selectors as partners
from tutela.reports import selectors as reports

MAX_QUERY = 200  # characters, after normalisation
MAX_WORDS = 8
PREFIX_MIN = 3
PER_SOURCE = 10
CONFIG = "simple"
# Indexed sources on PostgreSQL (``Source.bounded``): the newest WINDOW rows are checked one by one in the source's
# order; if they hold too few hits, up to PROBE hits of the older rows are listed through the GIN index.
WINDOW = 2000
PROBE = 5000

# The expression the activities' GIN index is built on (migration activities 0006): the query must
# use the same one, or PostgreSQL reads every row.
ACTIVITY_FIELDS = ("title", "summary")
ACTIVITY_VECTOR = SearchVector(*ACTIVITY_FIELDS, config=CONFIG)
# Likewise for organisations (migration partners 0006): every search page asks them.
ORGANISATION_FIELDS = ("name", "acronym")
ORGANISATION_VECTOR = SearchVector(*ORGANISATION_FIELDS, config=CONFIG)

WORD = re.compile(r"[^\W_]+")


class QueryRefused(ValueError):
    """A query that is not searched; the message says why and what to do."""


def clean_query(raw: str | None) -> str:
    """The query as searched, or ``QueryRefused``. Empty means "no search yet"."""
    text = unicodedata.normalize("NFKC", raw or "")
    if len(text) > MAX_QUERY:
        raise QueryRefused(_("Search for at most %(n)s characters; this query has %(got)s.") % {"n": MAX_QUERY, "got": len(text)})
    if (char := find_control_character(text)) is not None:
        raise QueryRefused(control_character_message(char))
    return " ".join(text.split())


def words(query: str) -> list[str]:
    """The words of a query: runs of letters and digits, lower-cased, at most ``MAX_WORDS``."""
    return [w.casefold() for w in WORD.findall(query)][:MAX_WORDS]


def uses_full_text() -> bool:
    """The one backend choice: PostgreSQL's full-text search, or substring matching elsewhere."""
    return connection.vendor == "postgresql"


def matching[M: Any](qs: QuerySet[M], fields: tuple[str, ...], query: str, *,
                     vector: SearchVector | None = None, translated: tuple[str, ...] = (),
                     language: str | None = None) -> QuerySet[M]:
    """``qs`` narrowed to the rows whose ``fields`` contain every word of ``query``, or (``translated``: the
    translatable fields among them) whose translation into ``language`` (default: the page's) does."""
    found = words(query)
    if not found:
        return qs.none()
    language = (language or translations.active()).lower()
    if language not in translations.languages():
        translated = ()  # English: the record's own columns only
    if uses_full_text():
        terms = [*found[:-1], f"{found[-1]}:*" if len(found[-1]) >= PREFIX_MIN else found[-1]]
        # Each word is letters and digits only (``WORD``): nothing in it is tsquery syntax.
        tsquery = SearchQuery(" & ".join(terms), config=CONFIG, search_type="raw")
        qs = qs.alias(search_document=vector or SearchVector(*fields, config=CONFIG))
        if not translated:
            return qs.filter(search_document=tsquery)
        qs = qs.alias(
            any_translation=translations.AllTranslationsVector("translations"),
            in_language=SearchVector(*(KeyTextTransform(f, KeyTransform(language, "translations")) for f in translated),
                                     config=CONFIG))
        return qs.filter(Q(search_document=tsquery) | Q(any_translation=tsquery, in_language=tsquery))
    condition = Q()
    for word in found:
        anywhere = Q()
        for field in fields:
            anywhere |= Q(**{f"{field}__icontains": word})
        for field in translated:
            anywhere |= Q(**{f"translations__{language}__{field}__icontains": word})
        condition &= anywhere
    return qs.filter(condition)


def first_hits(qs: QuerySet, field: str, n: int) -> list[tuple[Any, Any]]:
    """The primary keys and ``field`` of at most ``n`` rows of ``qs``, in no order, asked so that PostgreSQL finds
    them through the text index whatever it believes of the words.

    ``qs`` goes in a ``MATERIALIZED`` common table expression: PostgreSQL plans it on its own for all its rows (so a
    match is a bitmap scan of the GIN index, never a walk of another index that stops early), and reads it only as far
    as the ``LIMIT`` outside asks (at most ``n`` rows from the table). Without it, a word the planner wrongly
    believes common makes ``ORDER BY … LIMIT`` walk the order's index and compute the text vector of every row: a
    minute for an absent word over 1 M activities (bench/RESULTS.md, session 11). The SQL is the ORM's, wrapped
    (as ``outreach.reach`` does), so the search rule stays ``matching``'s alone. PostgreSQL only."""
    try:
        sql, params = qs.order_by().values_list("pk", field).query.sql_with_params()
    except EmptyResultSet:  # matching() found no word: qs.none()
        return []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(f"WITH hits AS MATERIALIZED ({sql}) SELECT * FROM hits LIMIT %s", [*params, n])
        return [(pk, value) for pk, value in cursor.fetchall()]


@dataclass(frozen=True)
class Source:
    key: str
    label: Any  # a lazy translation
    records: Callable[[Actor], QuerySet]  # the owning app's selector: what ``user`` may read
    fields: tuple[str, ...]
    ordering: tuple[str, ...]
    url: Callable[[Any], str]
    note: Callable[[Any], str]
    vector: SearchVector | None = None
    translated: tuple[str, ...] = ()  # the fields also searched in their translation into the page's language

    def search(self, user: Actor, query: str, *, limit: int = PER_SOURCE) -> tuple[list[Any], bool]:
        """The first ``limit`` hits ``user`` may read, and whether there are more (``limit + 1`` rows, never a count).

        One query, except for a source with a GIN index (``vector``) on PostgreSQL, where the number of rows checked
        one by one is bounded (``bounded``)."""
        records = self.records(user)
        if self.vector is not None and uses_full_text():
            rows = self.bounded(records, query, limit + 1)
        else:
            rows = list(self.matching(records, query).order_by(*self.ordering)[: limit + 1])
        return rows[:limit], len(rows) > limit

    def matching(self, qs: QuerySet, query: str) -> QuerySet:
        """``qs`` narrowed by the one rule, ``matching``, with this source's fields."""
        return matching(qs, self.fields, query, vector=self.vector, translated=self.translated)

    def bounded(self, records: QuerySet, query: str, n: int) -> list[Any]:
        """The first ``n`` hits among ``records`` in the source's order, PostgreSQL checking at most about ``WINDOW``
        rows one by one, whatever it believes of the words (docs/decisions.md, session 11):

        1. the first ``WINDOW`` rows of the order (by its first field: for activities the newest), walking it: a
           common word is done here;
        2. else the rows after them ("older"), through the GIN index first (``first_hits``): up to ``PROBE`` hits are all listed,
           and the first ``n`` of them read by primary key; more, and the walk of the older rows finds ``n`` within
           about ``n / PROBE`` of the table."""
        first = self.ordering[0]
        field, newest_first = first.lstrip("-"), first.startswith("-")
        # The window is the first WINDOW rows of the whole table (Django's documented ``_base_manager``): only its
        # edge is read, never a record, and without the reader's access rule (a focal point's owner rows are read
        # by the queries that follow, not by this one). Any edge gives the same hits; this one bounds the walk.
        edge = list(records.model._base_manager.order_by(*self.ordering).values_list(field, flat=True)[WINDOW - 1:WINDOW])
        if not edge:  # at most WINDOW rows: the walk is bounded already
            return list(self.matching(records, query).order_by(*self.ordering)[:n])
        side = "gte" if newest_first else "lte"
        rows = list(self.matching(records.filter(**{f"{field}__{side}": edge[0]}), query).order_by(*self.ordering)[:n])
        if len(rows) == n:
            return rows
        older = records.filter(**{f"{field}__{'lt' if newest_first else 'gt'}": edge[0]})
        rest = self.matching(older, query)
        hits = first_hits(rest, field, PROBE + 1)
        if not hits:
            return rows
        need = n - len(rows)
        if len(hits) <= PROBE:
            rest = older.filter(pk__in=[pk for pk, _value in hits])
            values = [value for _pk, value in hits]
            if not any(value is None or isinstance(value, str) for value in values):
                # Dates and numbers sort in Python as in the database: the need-th bounds the lookups to the first
                # hits' range (else PostgreSQL may walk the order from the newest row to hits among the oldest).
                values.sort(reverse=newest_first)
                rest = rest.filter(**{f"{field}__{side}": values[min(need, len(values)) - 1]})
        return rows + list(rest.order_by(*self.ordering)[:need])


def _date(value: Any) -> str:
    """A hit's date in the page's language style, as every page shows dates (docs/i18n.md)."""
    return date_format(value, "DATE_FORMAT") if value else ""


def _title(obj: Any) -> translations.Shown:
    """What a hit is called: its title, subject or name (never ``str()``, which may read related rows), in the page's
    language when it is translated (``attrs`` mark an English fallback, as on the record's page)."""
    for field in ("title", "subject"):
        if field in translations.translated_fields(obj):
            return translations.shown(obj, field)
    language = translations.active()
    return translations.Shown(str(getattr(obj, "title", None) or getattr(obj, "name", "")), language, language)


SOURCES: tuple[Source, ...] = (
    Source("activities", gettext_lazy("Activities"), lambda user: activities.activity_queryset(user),
           ACTIVITY_FIELDS, ("-starts_on", "-id"), lambda a: reverse("activities:activity_detail", args=[a.pk]),
           lambda a: _date(a.starts_on), vector=ACTIVITY_VECTOR, translated=ACTIVITY_FIELDS),
    Source("organisations", gettext_lazy("Organisations"),
           lambda user: partners.organisation_list(user=user, filters=partners.OrganisationFilters()),
           ORGANISATION_FIELDS, ("name_key", "id"), lambda o: reverse("partners:organisation_detail", args=[o.pk]),
           lambda o: o.acronym, vector=ORGANISATION_VECTOR),
    Source("documents", gettext_lazy("Documents"), coordination.readable_documents,
           ("number", "title", "source"), ("-document_date", "-id"),
           lambda d: reverse("coordination:document_detail", args=[d.pk]), lambda d: f"{d.number} · {_date(d.document_date)}"),
    Source("resources", gettext_lazy("Resources"), lambda user: library.resources(user),
           ("title", "summary"), ("-created_at", "-pk"), lambda r: reverse("library:resource_detail", args=[r.pk]),
           lambda r: r.get_kind_display(), translated=("title", "summary")),
    Source("guidelines", gettext_lazy("Guidelines"), consultations.documents_for,
           ("title", "summary", "edition"), ("title", "id"), lambda g: reverse("consultations:document", args=[g.pk]),
           lambda g: g.edition, translated=("title", "summary")),
    Source("consultations", gettext_lazy("Consultations"), consultations.consultations_for,
           ("title", "summary", "code"), ("-closes_at", "-id"),
           lambda c: reverse("consultations:consultation_detail", args=[c.pk]), lambda c: _date(c.closes_at.date()),
           translated=("title", "summary")),
    Source("reports", gettext_lazy("Reports"), reports.reports_for,
           ("title", "document_number", "meeting"), ("-period_end", "-id"),
           lambda r: reverse("reports:report_detail", args=[r.pk]), lambda r: r.get_status_display()),
    Source("bulletins", gettext_lazy("Bulletins"), lambda user: bulletins.archived_everywhere(),
           ("subject", "body"), ("-sent_at", "-pk"),
           lambda b: reverse("bulletins:archive_bulletin", args=[b.mailing_list.slug, b.pk]),
           lambda b: _date(b.sent_at.date() if b.sent_at else None), translated=("subject", "body")),
)


def search(user: Actor, query: str, *, only: str = "") -> list[dict[str, Any]]:
    """Every source's first hits for ``user`` (one query per source), in ``SOURCES`` order."""
    results = []
    for source in SOURCES:
        if only and source.key != only:
            continue
        rows, more = source.search(user, query)
        results.append({"key": source.key, "label": source.label, "more": more,
                        "rows": [{"title": _title(obj), "url": source.url(obj), "note": source.note(obj)} for obj in rows]})
    return results
