"""Benchmark: drafting and exporting a progress report over a period with N activities.

Usage (PostgreSQL, its own fresh database; --reuse runs again on the data of an earlier run;
TUTELA_TASKS=db so that the long PDF is queued, not made inline, and the bench plays the worker):
  TUTELA_TASKS=db DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_reports_bench \
    .venv/bin/python bench/reports_bench.py --activities 10000 [--reuse]

Generates N held activities (with partners, pillars, topics, participation by age band,
outcomes, a figure each, some meeting series and parent/part events) through bulk inserts
(benchmark data, not a user journey), then times (wall clock and this process's CPU): drafting
(build + write paragraphs), the document data, the HTML page, DOCX and Markdown exports, then the
same exports through the views, then "records → HTML" (draft a new report of the period and GET its
HTML export), the PDF of a ~100-page report, and the full report's PDF through the worker's path with
the progress its page shows; and counts the queries of drafting at N/10 and N.
"""

import argparse
import gc
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tutela.activities.models import Activity, ActivityPartner, Outcome, Participation, Topic  # noqa: E402
from tutela.figures.models import Figure, Indicator  # noqa: E402
from tutela.initiatives.models import Initiative, Pillar  # noqa: E402
from tutela.partners.models import Organisation  # noqa: E402
from tutela.reports import drafting, rendering, services  # noqa: E402
from tutela.reports.models import Report  # noqa: E402

KINDS = [Activity.Kind.WORKSHOP, Activity.Kind.SESSION, Activity.Kind.TRAINING, Activity.Kind.REGIONAL_FORUM,
         Activity.Kind.OPEN_FORUM, Activity.Kind.WORLD_CAFE, Activity.Kind.EDUCATIONAL_EVENT]
COUNTRIES = ["KE", "ET", "OM", "ID", "TH", "AZ", "CH", "BR", "IN", "NG", "FR", "US", "JP", "EG", "RW", "GA"]


def generate(n: int, start: date, rng: random.Random) -> None:
    itu = Organisation.objects.get(acronym="ITU")
    orgs = list(Organisation.objects.all())
    extra = [Organisation(name=f"Bench partner {i}", name_key=f"bench partner {i}", acronym=f"BP{i}",
                          kind="civil_society", country=rng.choice(COUNTRIES)) for i in range(200)]
    orgs += Organisation.objects.bulk_create(extra)
    pillars = list(Pillar.objects.all())
    topics = Topic.objects.bulk_create([Topic(name=f"Bench topic {i}", slug=f"bench-topic-{i}") for i in range(50)])
    indicator, _ = Indicator.objects.get_or_create(code="bench-participants", defaults={"name": "Participants reached", "unit": "people"})
    acts = []
    for i in range(n):
        d = start + timedelta(days=rng.randrange(0, 130))
        kind = rng.choice(KINDS)
        title = f"{kind.label} on child online safety no. {i}"
        if i % 50 == 0:
            kind, title = Activity.Kind.MEETING, f"{(i // 50) % 9 + 1}th meeting of the Bench Coordination Group {i // 450}"
        acts.append(Activity(title=title, kind=kind, status="held", starts_on=d, ends_on=d + timedelta(days=rng.randrange(0, 3)),
                             city=f"City {i % 300}", country=rng.choice(COUNTRIES),
                             objective="Raise awareness of online risks among parents and teachers",
                             summary="Participants shared practices and agreed next steps."))
    acts = Activity.objects.bulk_create(acts, batch_size=2000)
    Through = Activity.pillars.through
    Through.objects.bulk_create([Through(activity_id=a.pk, pillar_id=rng.choice(pillars).pk) for a in acts], batch_size=5000)
    TT = Activity.topics.through
    TT.objects.bulk_create([TT(activity_id=a.pk, topic_id=t.pk) for a in acts for t in rng.sample(topics, 2)], batch_size=5000)
    ActivityPartner.objects.bulk_create(
        [ActivityPartner(activity=a, organisation=itu, role="organiser") for a in acts]
        + [ActivityPartner(activity=a, organisation=rng.choice(orgs[1:]), role="co_organiser") for a in acts],
        batch_size=5000, ignore_conflicts=True)
    Participation.objects.bulk_create(
        [Participation(activity=a, group="children", min_age=10, max_age=14, count=rng.randrange(5, 200)) for a in acts],
        batch_size=5000)
    Outcome.objects.bulk_create(
        [Outcome(activity=a, kind="recommendation", text="Schools should adopt an online-safety policy.") for a in acts[::3]],
        batch_size=5000)
    ct = ContentType.objects.get_for_model(Activity)
    Figure.objects.bulk_create(
        [Figure(indicator=indicator, value=rng.randrange(10, 500), kind="counted", source="Attendance sheets",
                as_of=a.ends_on, subject_type=ct, subject_id=a.pk) for a in acts], batch_size=5000)


def timed(label: str, fn, results: dict):
    """Run ``fn`` once; record wall-clock and CPU (this process) seconds.

    Garbage from earlier steps is collected first, so that a step is not charged for collecting
    what the bench itself keeps alive (the documents of earlier steps), which a server would not hold."""
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    value = fn()
    results[label] = (time.perf_counter() - t0, time.process_time() - c0)
    return value


def pages(pdf: bytes) -> str:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True).stdout.decode()
    return info.split("Pages:")[1].split()[0] if "Pages:" in info else "?"


def worker_pdf(client, report: Report, user) -> tuple[bytes, list[tuple[float, int]]]:
    """GET export.pdf (the file is queued), run the task in a thread as the worker would, and poll its page
    (the htmx fragment) every 2 s meanwhile. Returns the PDF and the progress the page showed."""
    import re
    import threading

    from django.db import connection as conn

    from tutela.reports.models import ReportFile

    response = client.get(f"/reports/{report.pk}/export.pdf")
    assert response.status_code == 302, response.status_code
    file = ReportFile.objects.filter(report=report).latest("pk")

    def work() -> None:
        try:
            services.report_file_make(file_id=file.pk)
        finally:
            conn.close()

    worker = threading.Thread(target=work)
    t0 = time.perf_counter()
    worker.start()
    samples = []
    while worker.is_alive():
        worker.join(2)
        fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
        shown = re.search(r'value="(\d+)"', fragment)
        samples.append((time.perf_counter() - t0, int(shown.group(1)) if shown else 100))
    file.refresh_from_db()
    assert file.status == ReportFile.Status.DONE, file.error
    return bytes(file.content), samples


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hundred-days", type=int, default=9, help="period of the ~100-page report")
    parser.add_argument("--reuse", action="store_true",
                        help="the database already holds the generated activities (an earlier run): skip generation")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    start = date(2021, 1, 1)
    if args.reuse and Organisation.objects.filter(name="Bench partner 0").exists():
        call_command("migrate", verbosity=0)  # the code may have new migrations since
        print("reusing the activities generated by an earlier run")
    else:
        call_command("migrate", verbosity=0)  # expects a fresh database (see the usage above)
        call_command("load_demo", verbosity=0)
        t0 = time.perf_counter()
        generate(args.activities, start, rng)
        print(f"generated {args.activities} activities in {time.perf_counter() - t0:.1f} s")
    initiative = Initiative.objects.get()
    from django.contrib.auth import get_user_model
    from django.test import Client

    secretariat = get_user_model().objects.get(email="secretariat@tutela.test")

    def report(n_days: int) -> Report:
        return services.report_create(actor=secretariat, title="Bench report", initiative=initiative,
                                      period_start=start, period_end=start + timedelta(days=n_days))

    small, full, fresh = report(13), report(140), report(140)
    drafting.build(small)  # fills the per-process caches (content types) before queries are counted
    with CaptureQueriesContext(connection) as captured:
        drafting.build(small)
    q_small = len(captured)
    with CaptureQueriesContext(connection) as captured:
        drafting.build(full)
    q_full = len(captured)
    # Warm up what a running server has loaded once (URL configuration, WeasyPrint, fontTools, fonts):
    # draft and export the small report first.
    client = Client(HTTP_HOST="localhost")
    client.force_login(secretariat)
    services.report_draft(actor=secretariat, report=small)
    for fmt in ("html", "pdf", "docx", "md"):
        client.get(f"/reports/{small.pk}/export.{fmt}")
    client.get(f"/reports/{small.pk}/")

    print(load())
    results: dict[str, tuple[float, float]] = {}
    paragraphs = len(timed("build (drafting only, no writes)", lambda: drafting.build(full), results))
    timed("draft (build + write paragraphs)", lambda: services.report_draft(actor=secretariat, report=full), results)
    doc = timed("document data (with sources)", lambda: rendering.document(full), results)
    texts = timed("document texts (HTML, PDF)", lambda: rendering.document(full, links=False), results)
    timed("HTML page (render)", lambda: rendering.to_html(texts), results)
    timed("Markdown", lambda: rendering.to_markdown(doc), results)
    docx = timed("DOCX", lambda: rendering.to_docx(doc), results)
    doc = texts = None  # not kept alive through the steps below
    print(load())
    # The same through the views, as a signed-in secretariat gets them (document data included).
    responses = {}
    for label, url in (("GET export.html", f"/reports/{full.pk}/export.html"),
                       ("GET export.docx", f"/reports/{full.pk}/export.docx"),
                       ("GET export.md", f"/reports/{full.pk}/export.md"),
                       ("GET editor page (tools per ¶)", f"/reports/{full.pk}/")):
        responses[label] = timed(label, lambda url=url: client.get(url), results)
        assert responses[label].status_code == 200, (label, responses[label].status_code)
    print(load())
    # From the records to the HTML document: draft a new report of the same period, then GET its HTML export.
    responses["records → HTML"] = timed("draft + GET export.html", lambda: (
        services.report_draft(actor=secretariat, report=fresh), client.get(f"/reports/{fresh.pk}/export.html"))[1],
        results)
    assert responses["records → HTML"].content == responses["GET export.html"].content, "same period, same HTML"
    print(load())
    # A report of about 100 pages (a 9-day period): its PDF, set by WeasyPrint.
    hundred = report(args.hundred_days)
    services.report_draft(actor=secretariat, report=hundred)
    pdf100 = timed("PDF, ~100 pages (WeasyPrint)", lambda: rendering.to_pdf(rendering.document(hundred, links=False)),
                   results)
    print(load())
    # The full report's PDF (1,293 pages) through the worker's path, its progress read as the page reads it.
    pdf, samples = timed("PDF, full report, in the worker", lambda: worker_pdf(client, full, secretariat), results)
    print(load())
    print("progress seen by the page (s: %): " + ", ".join(f"{t:.0f}: {p}" for t, p in samples))
    print(f"activities in period: {sum(1 for _ in Activity.objects.filter(starts_on__lte=full.period_end))}; "
          f"paragraphs: {paragraphs}; PDF {len(pdf) / 1e6:.1f} MB, {pages(pdf)} pages; ~100-page PDF: "
          f"{hundred.paragraphs.count()} paragraphs, {pdf100.pages} pages; DOCX {len(docx) / 1e6:.1f} MB; HTML export {len(responses['GET export.html'].content) / 1e6:.1f} MB")
    print(f"drafting queries: {q_small} for the small period, {q_full} for the full period")
    print(f"{'':38s} {'wall s':>8s} {'CPU s':>8s}")
    for label, (wall, cpu) in results.items():
        print(f"{label:38s} {wall:8.2f} {cpu:8.2f}")


if __name__ == "__main__":
    main()
