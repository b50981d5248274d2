"""Issue 13 item 13: the public dashboard served from its summary, at 1 M activities and 10 M figures.

Data: ``bench/dashboard_generate.sql`` (generate_series inside PostgreSQL; see its header). Then:

1. the refresh the worker runs after a change (``figures.services.dashboard_refresh``), timed once
   (``--profile FILE`` writes its cProfile);
2. ``GET /figures/`` as the anonymous public, in process through Django's test Client (full
   middleware, template, charts), interleaved with the raw SQL the page needs over the summary
   (the summary row, the pillars, the indicators), p50 / p95 and their ratio; and with the one
   statement the page runs when its numbers' HTML is already rendered for this refresh (the
   summary's time), and its ratio too;
3. the first request after a refresh in a process (the cache emptied before each: it reads the
   row and renders the numbers' HTML), p50 / p95;
4. the page's query count.

Prints one JSON object. Never a test.
"""

import argparse
import cProfile
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from tutela.activities.models import Activity  # noqa: E402
from tutela.figures import services  # noqa: E402
from tutela.figures.models import DashboardSummary, Figure  # noqa: E402

# What the page reads, written by hand: the public summary row, the pillars, the indicators it names.
RAW = [
    "SELECT data, refreshed_at FROM figures_dashboardsummary WHERE scope = 'public'",
    "SELECT id, number, name, short_name, slug, description FROM initiatives_pillar ORDER BY number",
    "SELECT id, code, name, unit, definition FROM figures_indicator",
]


def _summary(times: list[float]) -> dict:
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "n": len(times)}


# The one statement the page runs when the numbers' HTML for this refresh is in the cache.
RAW_TIME = ["SELECT refreshed_at FROM figures_dashboardsummary WHERE scope = 'public' LIMIT 1"]


def raw(statements: list[str] = RAW) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()


def _temp_written() -> tuple[int, int]:
    """Temporary files and bytes PostgreSQL has written for this database so far (sorts and hashes
    that did not fit in work_mem); every session's, so other work on the database counts too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT temp_files, temp_bytes FROM pg_stat_database WHERE datname = current_database()")
        files, size = cursor.fetchone()
    return files, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="requests (and raw SQL rounds) measured")
    parser.add_argument("--no-refresh", action="store_true", help="measure the page over the stored summary only")
    parser.add_argument("--profile", help="write the refresh's cProfile here")
    args = parser.parse_args()
    result: dict = {"activities": Activity.objects.count(), "figures": Figure.objects.count(),
                    "load_before": os.getloadavg()}
    if not args.no_refresh:
        temp_before = _temp_written()
        t, cpu = time.perf_counter(), time.process_time()
        if args.profile:
            cProfile.runctx("services.dashboard_refresh()", globals(), locals(), args.profile)
        else:
            services.dashboard_refresh()
        result["refresh_s"] = round(time.perf_counter() - t, 1)
        result["refresh_python_cpu_s"] = round(time.process_time() - cpu, 1)
        result["load_after_refresh"] = os.getloadavg()
        temp_after = _temp_written()  # the statistics are sent when a statement ends: read after it
        result["refresh_temp_files"] = temp_after[0] - temp_before[0]
        result["refresh_temp_mb"] = round((temp_after[1] - temp_before[1]) / 2**20, 1)
        result["refresh_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    row = DashboardSummary.objects.get(scope="public")
    result["summary_bytes"] = len(json.dumps(row.data))
    result["summary_activities_total"] = row.data["grid"]["total"]
    client = Client(HTTP_HOST="127.0.0.1")
    url = reverse("figures:dashboard")
    for _ in range(3):  # warm up
        assert client.get(url).status_code == 200
        raw()
    page, sql, sql_time, cpu, cold = [], [], [], [], []
    for _ in range(args.repeat):  # interleaved, so load from other processes falls on both alike
        t, c = time.perf_counter(), time.process_time()
        response = client.get(url)
        page.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200 and b'id="dashboard-as-of"' in response.content
        t = time.perf_counter()
        raw()
        sql.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        raw(RAW_TIME)
        sql_time.append((time.perf_counter() - t) * 1000)
    for _ in range(max(5, args.repeat // 5)):
        cache.clear()
        t = time.perf_counter()
        assert client.get(url).status_code == 200
        cold.append((time.perf_counter() - t) * 1000)
    result["page"] = _summary(page)
    result["page_python_cpu"] = _summary(cpu)  # this process only: what the load cannot inflate much
    result["raw_sql_over_summary"] = _summary(sql)
    result["ratio_p50"] = round(result["page"]["p50_ms"] / result["raw_sql_over_summary"]["p50_ms"], 2)
    result["raw_sql_page_runs"] = _summary(sql_time)
    result["ratio_p50_to_page_runs"] = round(result["page"]["p50_ms"] / result["raw_sql_page_runs"]["p50_ms"], 2)
    result["page_first_after_refresh"] = _summary(cold)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    result["page_queries"] = len(queries.captured_queries)
    result["page_bytes"] = len(response.content)
    result["load_after"] = os.getloadavg()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
