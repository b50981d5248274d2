"""Issue 15 item 7: site search over 1 M activities on PostgreSQL, p95 ≤ 100 ms.

Data: ``bench/home_search_generate.sql`` (generate_series inside PostgreSQL; see its header):

    psql … -v activities=1000000 -v organisations=2000 -f bench/home_search_generate.sql

Then, for each persona (the anonymous public, the secretariat, a focal point of the organisation
that organises the most activities), ``--rounds`` queries drawn in turn from ``QUERIES`` (a very
common word, common, rare, absent (three words and one), two and three words, a prefix, a word in the
summary only):

1. the activities source alone (``tutela.home.search.SOURCES[0].search``: the hits and "more");
2. ``GET /search/?q=…`` through Django's test Client (every source, full middleware and template).

``--language fr`` runs both in French (``/fr/search/``), where translations are searched too, and adds words
found only in the French titles the generator writes (issue 18 item 4).

Prints one JSON object with p50 / p95 per persona and door, the query plan of the activities query
for a common word, and the page's query count. Never a test.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from tutela.activities.models import Activity, ActivityPartner  # noqa: E402
from tutela.home import search  # noqa: E402
from tutela.partners.models import Organisation  # noqa: E402

QUERIES = [
    "child",                 # the most frequent word: in about a third of the rows
    "protection online",     # two frequent words
    "helpline",              # common
    "kigali",                # rarer
    "term250",               # rare
    "term309 term310",       # two rare words
    "nothing-like-this",     # absent (three words: the GIN index answers)
    "zebra",                 # one absent word: believed common, it walked all 1 M rows (75 s) until session 11
    "workshop consult",      # a word and a prefix
    "geneva training youth",  # three words
    "grooming",              # mostly in summaries
]
# Under --language (issue 18 item 4): words found in the translations only (1 % of the generated activities have
# a French title "Atelier …", one in 700 of those also "rare").
TRANSLATED_QUERIES = ["atelier", "rare", "atelier kigali"]


def _summary(times: list[float]) -> dict:
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "max_ms": round(times[-1], 2), "n": len(times)}


def _persona(role: str):
    User = get_user_model()
    if role == "anonymous":
        return AnonymousUser()
    if role == "secretariat":
        return User.objects.filter(role="secretariat").first() or User.objects.create_user(
            email="bench-secretariat@example.org", password="bench-password-1", role="secretariat")
    busiest = (ActivityPartner.objects.filter(role="organiser").values("organisation").annotate(n=Count("id"))
               .order_by("-n").first())
    org = Organisation.objects.get(pk=busiest["organisation"])
    return User.objects.filter(email="bench-focal@example.org").first() or User.objects.create_user(
        email="bench-focal@example.org", password="bench-password-1", role="focal_point", organisation=org)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--personas", default="anonymous,secretariat,focal_point")
    parser.add_argument("--language", default="en", help="the page's language: fr searches translations too")
    args = parser.parse_args()
    translation.activate(args.language)
    queries = QUERIES + (TRANSLATED_QUERIES if args.language != "en" else [])
    page = "/search/" if args.language == "en" else f"/{args.language}/search/"
    assert connection.vendor == "postgresql", "full-text search is PostgreSQL's: set DATABASE_URL"
    result: dict = {"activities": Activity.objects.count(), "rounds": args.rounds, "language": args.language, "load_before": os.getloadavg()}
    source = search.SOURCES[0]
    for role in args.personas.split(","):
        user = _persona(role)
        client = Client(HTTP_HOST="127.0.0.1")
        if user.is_authenticated:
            client.force_login(user)
        for q in queries:  # warm the caches once
            source.search(user, q)
        source_times, page_times = [], []
        for i in range(args.rounds):
            q = queries[i % len(queries)]
            start = time.perf_counter()
            source.search(user, q)
            source_times.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            response = client.get(page, {"q": q})
            page_times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        per_query = {}
        for q in queries:
            times = [t for i, t in enumerate(source_times) if queries[i % len(queries)] == q]
            per_query[q] = round(statistics.median(times), 2)
        result[role] = {"activities_source": _summary(source_times), "search_page": _summary(page_times),
                        "activities_median_by_query_ms": per_query}
        with CaptureQueriesContext(connection) as captured:
            client.get(page, {"q": "child"})
        result[role]["page_queries"] = len(captured.captured_queries)
        qs = search.matching(source.records(user), source.fields, "child", vector=source.vector).order_by(*source.ordering)
        result[role]["plan_common_word"] = qs[:11].explain().splitlines()[:8]
    result["load_after"] = os.getloadavg()
    print(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
