"""Benchmark: the report editor page (`/reports/<pk>/`) of a long report, one page vs. the whole report.

Usage (on the data of an earlier `bench/reports_bench.py --activities 10000` run; read-only GETs):
  DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_reports_bench \
    .venv/bin/python bench/reports_editor_bench.py [--report PK]

Times (wall clock and this process's CPU) and sizes the editor page 1, a middle page and the last
page, then the whole report on one page (the page size raised above the report's length: the
editor before paging), and counts each page's queries.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tutela.accounts.models import User  # noqa: E402
from tutela.reports import views  # noqa: E402
from tutela.reports.models import Report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--report", type=int)
    args = parser.parse_args()
    report = (Report.objects.get(pk=args.report) if args.report else
              Report.objects.filter(status="draft").annotate(n=Count("paragraphs")).order_by("-n", "pk").first())
    total = report.paragraphs.count()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.filter(role="secretariat").first())
    print(f"report {report.pk}: {total} paragraphs; load average {os.getloadavg()}")
    client.get(report.get_absolute_url())  # warm
    pages = -(-total // views.PAGE_SIZE)
    cases = [("page 1", 1), (f"page {pages // 2}", pages // 2), (f"page {pages} (last)", pages)]
    for label, page in [*cases, ("whole report on one page (before)", None)]:
        if page is None:
            views.PAGE_SIZE = 10**7
        url = report.get_absolute_url() + (f"?page={page}" if page and page > 1 else "")
        with CaptureQueriesContext(connection) as ctx:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code == 200
        print(f"{label:36} {len(response.content) / 1e6:8.2f} MB  wall {wall:6.2f} s  CPU {cpu:6.2f} s  "
              f"queries {len(ctx.captured_queries)}  load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
