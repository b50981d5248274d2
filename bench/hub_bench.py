"""Public hub benchmark on PostgreSQL: IATI 2.03 export rate and memory; feed and calendar latency.

Not a test. Run (own database):

    DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_hub_bench \\
    .venv/bin/python bench/hub_bench.py --activities 100000 --rounds 100

It (1) creates the database if needed and migrates, (2) bulk-inserts ``--activities`` published
activities (pillars, an organiser and a funder each, a summary, 190 countries), one figure on every
tenth, 2,000 occasions, 5,000 public documents and 200 consultations (bulk: the bench measures reading),
(3) streams ``iati.activities_xml()`` to nowhere and prints activities/s (of the wall clock and of this
process's CPU time) and the process's peak RSS before and after, (4) requests every feed and calendar URL anonymously through the Django test client
``--rounds`` times after 5 warm-ups and prints p50/p95 per URL, of the wall clock and of this process's
CPU time (Django's share without PostgreSQL's; on a shared, overloaded machine the wall clock is mostly
waiting for a core).
"""

import argparse
import os
import resource
import statistics
import time
from datetime import date, timedelta

import common


def fill(n: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from django_countries import countries

    from tutela.activities.models import Activity, ActivityPartner, Occasion
    from tutela.consultations.models import Consultation, GuidelineDocument, GuidelineVersion
    from tutela.coordination.models import Body, Document
    from tutela.figures.models import Figure, Indicator
    from tutela.initiatives.models import Pillar
    from tutela.partners.models import Organisation

    have = Activity.objects.filter(title__startswith="Bench activity").count()
    if have >= n:
        print(f"data present ({have} activities): reusing")
        return
    codes = [c for c, _ in countries][:190]
    pillars = list(Pillar.objects.order_by("number"))
    started = time.perf_counter()
    with transaction.atomic():
        kinds = ["government", "private_sector", "civil_society", "un_agency"] * 25
        Organisation.objects.bulk_create([Organisation(name=f"Bench org {i}", name_key=f"bench org {i}", kind=kind)
                                          for i, kind in enumerate(kinds)], ignore_conflicts=True)
        orgs = list(Organisation.objects.filter(name__startswith="Bench org ").order_by("pk"))
        base = date(2015, 1, 1)
        for start in range(have, n, 5000):
            batch = [Activity(title=f"Bench activity {i}", kind="workshop", status="held" if i % 3 else "planned",
                              starts_on=base + timedelta(days=i % 4000), ends_on=base + timedelta(days=i % 4000 + i % 3),
                              country=codes[i % len(codes)], summary=f"Workshop number {i} on online safety.")
                     for i in range(start, min(n, start + 5000))]
            made = Activity.objects.bulk_create(batch)
            Activity.pillars.through.objects.bulk_create(
                [Activity.pillars.through(activity_id=a.pk, pillar_id=pillars[i % 5].pk) for i, a in enumerate(made)]
                + [Activity.pillars.through(activity_id=a.pk, pillar_id=pillars[(i + 2) % 5].pk)
                   for i, a in enumerate(made) if i % 4 == 0])
            ActivityPartner.objects.bulk_create(
                [ActivityPartner(activity=a, organisation=orgs[i % 100], role="organiser") for i, a in enumerate(made)]
                + [ActivityPartner(activity=a, organisation=orgs[(i + 7) % 100], role="funder") for i, a in enumerate(made)])
        indicator, _ = Indicator.objects.get_or_create(code="bench-people", defaults={"name": "People reached", "unit": "people"})
        ct = ContentType.objects.get_for_model(Activity)
        ids = list(Activity.objects.filter(title__startswith="Bench activity").values_list("pk", flat=True)[::10])
        for start in range(0, len(ids), 5000):
            Figure.objects.bulk_create([Figure(indicator=indicator, value=20 + pk % 50, kind="counted", source="Bench",
                                               as_of=date(2024, 1, 1), subject_type=ct, subject_id=pk)
                                        for pk in ids[start:start + 5000]])
        Occasion.objects.bulk_create([Occasion(name=f"Bench occasion {i}", starts_on=base + timedelta(days=i * 2),
                                               ends_on=base + timedelta(days=i * 2 + 1), country=codes[i % 190])
                                      for i in range(2000)])
        body = Body.objects.create(name="Bench body", short_name="BB", slug="bench-body", is_published=True)
        Document.objects.bulk_create([Document(body=body, sequence=i + 1, number=f"BB-{i + 1:05d}", title=f"Document {i}",
                                               source="Bench", document_date=base + timedelta(days=i % 3000))
                                      for i in range(5000)])
        doc = GuidelineDocument.objects.create(title="Bench guideline", audience="industry", edition="2026")
        version = GuidelineVersion.objects.create(document=doc, number=1, label="Draft 1")
        now = timezone.now()
        Consultation.objects.bulk_create([Consultation(title=f"Bench consultation {i}", code=f"B{i}", version=version,
                                                       opens_at=now - timedelta(days=i), closes_at=now + timedelta(days=30))
                                          for i in range(200)])
    from django.db import connection

    filled = [Activity, Activity.pillars.through, ActivityPartner, Figure, Occasion, Document, Consultation]
    with connection.cursor() as cursor:  # planner statistics, as autovacuum would gather after such a load
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in filled))
    print(f"filled in {time.perf_counter() - started:.0f} s (and analysed)")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_iati() -> None:
    from tutela.hub import iati

    report = iati.Report()
    before = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    size = 0
    marks = []
    for piece in iati.activities_xml(report):
        size += len(piece)
        if report.written and report.written % 20000 < 1000:
            marks.append((report.written, round(rss_mb())))
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    done = report.written + report.skipped
    print(f"IATI: {report.written:,} written, {report.skipped:,} skipped in {took:.1f} s = "
          f"{done / took:,.0f} activities/s; this process's CPU {cpu:.1f} s = {done / cpu:,.0f} activities/s; "
          f"{size / 1e6:.0f} MB of XML; "
          f"peak RSS {before:.0f} MB before, {rss_mb():.0f} MB after; (written, peak RSS MB) along the way: {marks[::2]}")


def bench_feeds(rounds: int) -> None:
    from django.conf import settings
    from django.test import Client

    from tutela.activities.models import Activity
    from tutela.initiatives.models import Pillar

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    pk = Activity.objects.filter(title__startswith="Bench activity").order_by("pk").values_list("pk", flat=True).first()
    slug = Pillar.objects.order_by("number").first().slug
    urls = ["/hub/feeds/activities.atom", "/hub/feeds/documents.atom", "/hub/feeds/consultations.atom",
            "/library/feed.atom", "/hub/calendar/?month=2020-06", "/hub/calendar/?month=2020-06&country=KE",
            "/hub/calendar/list/?year=2020&country=KE", "/hub/calendar.ics", "/hub/calendar/countries/KE.ics",
            f"/hub/calendar/pillars/{slug}.ics", f"/hub/calendar/activity/{pk}.ics"]
    for url in urls:
        for _ in range(5):
            assert client.get(url).status_code == 200, url
        times, cpu = [], []
        for _ in range(rounds):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        times.sort()
        cpu.sort()
        p95, cpu95 = times[int(len(times) * 0.95) - 1], cpu[int(len(cpu) * 0.95) - 1]
        print(f"{url}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms; this process's CPU p50 "
              f"{statistics.median(cpu):.1f} ms, p95 {cpu95:.1f} ms; {len(response.content) / 1024:.0f} KB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--only", choices=["iati", "feeds"], default=None)
    args = parser.parse_args()
    common.setup()
    fill(args.activities)
    print(common.load())
    if args.only in (None, "iati"):
        bench_iati()
    if args.only in (None, "feeds"):
        bench_feeds(args.rounds)
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
