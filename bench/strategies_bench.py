"""National strategies benchmark on PostgreSQL: the global comparison page (and its map) over
194 countries x 10 rounds x 40 criteria (77,600 ratings, 1,940 rounds, every round published).

Not a test. Run (own database, own var dir):

    DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_strategies_bench \\
    TUTELA_VAR_DIR=/tmp/strategies-bench .venv/bin/python bench/strategies_bench.py

It (1) creates the database if needed and migrates, (2) imports a 40-criterion framework and opens
every round through the services (``framework_import``, ``assessment_create``), then, for speed,
sets the levels and the published status with two bulk statements (the bench measures reading,
not the 77,600 audited rating writes), (3) requests ``GET /strategies/`` (comparison table and the
inline map) and ``GET /strategies/map.svg`` through the Django test client, anonymously, 200 times
each after 5 warm-ups, and ``GET /strategies/`` 20 times more with the cache emptied before each
request (the first reader after a publication renders the table and map), and prints
p50/p95/max and the page sizes.
"""

import argparse
import os
import random
import statistics
import time
from datetime import date

import common


def fill(countries: int, rounds: int, per_pillar: int) -> None:
    from django.db import transaction
    from django.db.models.functions import Now
    from django_countries import countries as all_countries

    from tutela.strategies import services
    from tutela.strategies.models import Assessment, Framework, Rating

    if Framework.objects.filter(code="bench").exists():
        # Data filled before the fill set ``published_at`` (the comparison page's cache key reads it).
        Assessment.objects.filter(status="published", published_at__isnull=True).update(published_at=Now())
        print("data present: reusing")
        return
    rows = [{"code": f"B{p}{i:02d}", "pillar": p, "title": f"Bench criterion {p}.{i}", "levels": ["0", "1", "2", "3", "4"]}
            for p in range(1, 6) for i in range(per_pillar)]
    framework = services.framework_import(actor=None, code="bench", version=1, name="Bench", criteria=rows)
    codes = [code for code, _name in all_countries][:countries]
    started = time.perf_counter()
    with transaction.atomic():
        for code in codes:
            for r in range(rounds):
                services.assessment_create(actor=None, country=code, framework=framework, held_on=date(2010 + r, 6, 1),
                                           strategy_stage=random.choice(["none", "preparing", "adopted", "implementing"]))
    rng = random.Random(0)
    ratings = list(Rating.objects.only("pk"))
    for rating in ratings:
        rating.level = rng.randint(0, 4)
    Rating.objects.bulk_update(ratings, ["level"], batch_size=5000)
    Assessment.objects.update(status="published", summary="Bench.", published_at=Now())
    # Validation stores each round's pillar means (services.assessment_validate); the bulk status
    # change above skips it, so store them here through the same rule.
    from tutela.strategies.selectors import pillar_means

    means = pillar_means(list(Assessment.objects.values_list("pk", flat=True)))
    assessments = list(Assessment.objects.only("pk"))
    for a in assessments:
        a.pillar_means = {str(n): m for n, m in sorted(means.get(a.pk, {}).items())}
    Assessment.objects.bulk_update(assessments, ["pillar_means"], batch_size=1000)
    print(f"filled {len(codes)} countries x {rounds} rounds x {len(rows)} criteria = {len(ratings)} ratings "
          f"in {time.perf_counter() - started:.1f} s")


def timed(client, url: str, n: int, cold: bool = False) -> tuple[list[float], int]:
    from django.core.cache import cache

    for _ in range(5):
        client.get(url)
    times = []
    size = 0
    for _ in range(n):
        if cold:  # as after a publication: the page's rendered body is not in the cache yet
            cache.clear()
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    return times, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--countries", type=int, default=194)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per-pillar", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cold-requests", type=int, default=20,
                        help="requests of /strategies/ with the cache emptied before each (the first reader after a publication)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of 10 requests first (and of 10 cold ones)")
    args = parser.parse_args()
    common.setup(test_environment=True)  # the test client's host, as in the other benches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    fill(args.countries, args.rounds, args.per_pillar)
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        client.get("/strategies/")
    print(f"GET /strategies/: {len(queries.captured_queries)} queries")
    if args.profile:
        import cProfile
        import pstats

        from django.core.cache import cache

        for cold in (False, True):
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                if cold:
                    cache.clear()
                client.get("/strategies/")
            profiler.disable()
            print("cold (cache emptied before each request):" if cold else "warm:")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    runs = [("/strategies/", args.requests, False), ("/strategies/", args.cold_requests, True),
            ("/strategies/map.svg", args.requests, False)]
    for path, n, cold in runs:
        if not n:
            continue
        times, size = timed(client, path, n, cold)
        q = statistics.quantiles(times, n=100)
        print(f"GET {path}{' (cache emptied before each)' if cold else ''}: n={len(times)} p50={q[49]:.1f} ms "
              f"p95={q[94]:.1f} ms max={max(times):.1f} ms size={size / 1024:.0f} KB")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
