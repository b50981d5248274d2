"""Issue 3 on PostgreSQL: dashboard vs its raw SQL aggregates, list page 1 vs a deep page, API list.

Run against a database filled by ``manage.py synth``; measured in-process through Django's test
Client (full middleware, template rendering), with CaptureQueriesContext for query counts.
Prints one JSON object.
"""

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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from tutela.activities.models import Activity  # noqa: E402
from tutela.core.pagination import encode_cursor  # noqa: E402

N = int(os.environ.get("BENCH_REPEAT", "30"))
PARTS = set(os.environ.get("BENCH_PARTS", "dashboard,list,api").split(","))
client = Client(HTTP_HOST="127.0.0.1")


def _summary(times):
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "n": len(times)}


def timed(fn, n=N):
    fn()  # warm up
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return _summary(times)


def get(url, **headers):
    def call():
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        return response
    return call


def queries(url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, **headers)
    return len(ctx.captured_queries)


# The aggregates the public dashboard shows, written by hand (published activities only).
RAW = [
    """SELECT ap.pillar_id, EXTRACT(YEAR FROM a.starts_on) y, COUNT(DISTINCT a.id) FROM activities_activity a
       JOIN activities_activity_pillars ap ON ap.activity_id = a.id WHERE a.is_published GROUP BY 1, 2""",
    "SELECT EXTRACT(YEAR FROM starts_on) y, COUNT(*) FROM activities_activity WHERE is_published GROUP BY 1",
    "SELECT country, COUNT(*) FROM activities_activity WHERE is_published AND country <> '' GROUP BY 1 ORDER BY 2 DESC",
    """SELECT o.kind, COUNT(DISTINCT o.id) FROM partners_organisation o JOIN activities_activitypartner p ON p.organisation_id = o.id
       JOIN activities_activity a ON a.id = p.activity_id WHERE a.is_published AND o.is_published GROUP BY 1""",
    """SELECT indicator_id, measure, kind, SUM(value), COUNT(*) FROM figures_figure WHERE is_published GROUP BY 1, 2, 3""",
    """SELECT pa.kind, SUM(pa.count), COUNT(DISTINCT pa.activity_id) FROM activities_participation pa
       JOIN activities_activity a ON a.id = pa.activity_id WHERE a.is_published AND pa.group = 'children' AND pa.count IS NOT NULL GROUP BY 1""",
    """SELECT pa.kind, SUM(pa.count), COUNT(DISTINCT pa.activity_id) FROM activities_participation pa
       JOIN activities_activity a ON a.id = pa.activity_id WHERE a.is_published AND a.kind = 'training'
       AND pa.group <> 'children' AND pa.count IS NOT NULL GROUP BY 1""",
]


def raw():
    with connection.cursor() as cursor:
        for sql in RAW:
            cursor.execute(sql)
            cursor.fetchall()


def main():
    result = {"activities": Activity.objects.count(), "published": Activity.objects.filter(is_published=True).count()}
    from tutela.figures.models import Figure

    result["figures"] = Figure.objects.count()
    dashboard = reverse("figures:dashboard")
    if "dashboard" in PARTS:
        # Interleaved (view, raw, view, raw…) so that load from other processes hits both alike.
        n = max(5, N // 3)
        get(dashboard)()
        raw()
        view_times, raw_times = [], []
        for _ in range(n):
            t = time.perf_counter()
            get(dashboard)()
            view_times.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            raw()
            raw_times.append((time.perf_counter() - t) * 1000)
        result["dashboard"] = _summary(view_times)
        result["dashboard_raw_sql"] = _summary(raw_times)
        result["dashboard_ratio_p50"] = round(result["dashboard"]["p50_ms"] / result["dashboard_raw_sql"]["p50_ms"], 2)
        result["dashboard_ratio_p95"] = round(result["dashboard"]["p95_ms"] / result["dashboard_raw_sql"]["p95_ms"], 2)
        result["dashboard_queries"] = queries(dashboard)
    if "list" not in PARTS and "api" not in PARTS:
        print(json.dumps(result))
        return

    # A filtered list, as the public sees it: BENCH_LIST_FILTER (e.g. "status=held"), or by default
    # the most active country.
    list_filter = os.environ.get("BENCH_LIST_FILTER")
    if not list_filter:
        country = (Activity.objects.filter(is_published=True).exclude(country="").values("country")
                   .annotate(n=django.db.models.Count("id")).order_by("-n")[0]["country"])
        list_filter = f"country={country}"
    key, value = list_filter.split("=", 1)
    listing = reverse("activities:activity_list") + f"?{list_filter}"
    matching = Activity.objects.filter(is_published=True, **{key: value}).order_by("-starts_on", "-id")
    total = matching.count()
    size = 25
    deep_page = min(10_000, max(1, total // size - 1))
    last = matching.values_list("starts_on", "id")[(deep_page - 1) * size - 1] if deep_page > 1 else None
    cursor = encode_cursor([last[0], last[1]]) if last else None
    result["list_filter"] = f"{list_filter} ({total} published activities)"
    result["list_page_1"] = timed(get(listing))
    result["list_page_1_queries"] = queries(listing)
    deep = listing + f"&after={cursor}"
    result["list_deep_page"] = deep_page
    result["list_deep"] = timed(get(deep))
    result["list_deep_queries"] = queries(deep)
    api = f"/api/v1/activities?{list_filter}&limit=25"
    result["api_list_page_1"] = timed(get(api))
    result["api_list_deep"] = timed(get(api + f"&after={cursor}"))
    result["api_list_queries"] = queries(api)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
