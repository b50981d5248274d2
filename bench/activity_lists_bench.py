"""Issue 15: the focal point's activity pages on PostgreSQL at 1 M activities, the pages that read ``owned_by``.

Same data and persona as ``bench/home_search_bench.py`` (the focal point of the organisation that organises the
most activities). ``GET`` through Django's test Client, ``--rounds`` times each, in turn: the list (English and
French, and filtered by a country), ``/activities/mine/`` (what they may change), the timeline (500 rows) and the
API's list. Prints one JSON object with p50 / p95 ms and the query count per page. Never a test.

    DATABASE_URL=postgres://… DEBUG=0 LOG_LEVEL=WARNING nice .venv/bin/python bench/activity_lists_bench.py --rounds 40
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
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from home_search_bench import _persona  # noqa: E402

PAGES = ["/activities/", "/fr/activities/", "/activities/?country=OM", "/activities/mine/", "/activities/timeline/",
         "/api/v1/activities"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL"
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(_persona("focal_point"))
    result: dict = {"rounds": args.rounds, "load_before": os.getloadavg()}
    for page in PAGES:  # warm the caches once
        assert client.get(page).status_code == 200, page
    times: dict[str, list[float]] = {page: [] for page in PAGES}
    for _ in range(args.rounds):
        for page in PAGES:
            start = time.perf_counter()
            assert client.get(page).status_code == 200, page
            times[page].append((time.perf_counter() - start) * 1000)
    for page in PAGES:
        ordered = sorted(times[page])
        with CaptureQueriesContext(connection) as captured:
            client.get(page)
        result[page] = {"p50_ms": round(statistics.median(ordered), 1),
                        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1), "queries": len(captured.captured_queries)}
    result["load_after"] = os.getloadavg()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
