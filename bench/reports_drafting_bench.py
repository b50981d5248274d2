"""Benchmark (issue 14, Speed): the period preview and the draft of a report over 10,000 activities.

Usage (PostgreSQL, its own database; the first run generates the data, --reuse drafts again over it):
  runuser -u postgres -- createdb -O tutela tutela_i14b
  LOG_LEVEL=WARNING TUTELA_VAR_DIR=/tmp/i14b-var \
    DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_i14b \
    .venv/bin/python bench/reports_drafting_bench.py --activities 10000 --runs 5 [--reuse] [--profile]

Data (bulk inserts: benchmark data, not a user journey): the demo, then N held activities in one
140-day period and a few hundred just outside it (the preview lists those too), every shape the
issue names: organised by the initiative's owner, by another organisation with the owner taking part,
speaking, hosting or funding, under the auspices of another, or with no organiser recorded;
participation counting people by group and age band, or countries / Member States; outcomes made by a
person, an organisation or a named group; agreements and projects covering several countries.

Each run creates a new report of the period (``services.report_create``) and times, as the views call
them: the period preview (``selectors.period_preview``, what ``/reports/<pk>/period/`` lists) and the
first draft (``services.report_draft``, build + write, what the worker runs for a report this large);
then, once, a redraft of the last report and the preview page through the test client. Wall clock and
this process's CPU; p50 over the runs. ``--profile`` adds a cProfile of one preview + draft and the
query count of each. Before the runs the process does what the worker does once started (``run_worker``'s
``freeze_start_up``: start-up objects moved out of the cycle collector's way); ``--no-freeze`` leaves that out, as
in a web request, which drafts reports of up to ``selectors.BACKGROUND_THRESHOLD`` activities.
"""

import argparse
import cProfile
import gc
import io
import os
import pstats
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tutela.activities.models import Activity, ActivityPartner, Outcome, Participation, Project, Topic  # noqa: E402
from tutela.core.management.commands.run_worker import freeze_start_up  # noqa: E402
from tutela.initiatives.models import Initiative, Person, Pillar  # noqa: E402
from tutela.partners.models import Agreement, Organisation  # noqa: E402
from tutela.reports import selectors, services  # noqa: E402
from tutela.reports.models import Report  # noqa: E402

KINDS = [
    Activity.Kind.WORKSHOP,
    Activity.Kind.SESSION,
    Activity.Kind.TRAINING,
    Activity.Kind.REGIONAL_FORUM,
    Activity.Kind.OPEN_FORUM,
    Activity.Kind.EDUCATIONAL_EVENT,
    Activity.Kind.SUMMIT,
    Activity.Kind.PUBLICATION,
]
COUNTRIES = ["KE", "ET", "OM", "ID", "TH", "AZ", "CH", "BR", "IN", "NG", "FR", "US", "JP", "EG", "RW", "GA"]
START = date(2021, 1, 1)
DAYS = 140
R = ActivityPartner.Role


def _roles(
    rng: random.Random, owner: Organisation, others: list[Organisation]
) -> list[tuple[str, Organisation]]:
    """Who did what, in the shapes a secretariat records (issue 14 item 1)."""
    other, third = rng.sample(others, 2)
    shape = rng.randrange(10)
    if shape < 4:
        return [(R.ORGANISER, owner), (R.CO_ORGANISER, other)]
    if shape == 4:
        return [(R.ORGANISER, other), (R.PARTICIPANT, owner)]
    if shape == 5:
        return [(R.ORGANISER, other), (R.SPEAKER, owner), (R.HOST, third)]
    if shape == 6:
        return [(R.ORGANISER, owner), (R.AUSPICES, other), (R.FUNDER, third)]
    if shape == 7:
        return [(R.PARTICIPANT, owner)]  # no organiser recorded
    if shape == 8:
        return [(R.ORGANISER, owner), (R.PARTNER, other), (R.SPEAKER, third)]
    return [(R.CO_ORGANISER, owner), (R.ORGANISER, other)]


def generate(n: int, rng: random.Random) -> None:
    owner = Organisation.objects.get(acronym="ITU")
    extra = [
        Organisation(
            name=f"Bench partner {i}",
            name_key=f"bench partner {i}",
            acronym=f"BP{i}",
            kind="civil_society",
            country=rng.choice(COUNTRIES),
            is_itu_member_state=i % 5 == 0,
        )
        for i in range(300)
    ]
    others = Organisation.objects.bulk_create(extra)
    people = Person.objects.bulk_create(
        [
            Person(full_name=f"Bench Speaker {i}", is_public_figure=True, consent_to_be_named=True)
            for i in range(50)
        ]
    )
    pillars = list(Pillar.objects.all())
    topics = Topic.objects.bulk_create(
        [Topic(name=f"Bench topic {i}", slug=f"bench-topic-{i}") for i in range(50)]
    )
    acts = []
    # n in the period, plus 3 % just before or after it (the preview shows them, left out, with the reason).
    for i in range(n + n * 3 // 100):
        if i < n:
            d = START + timedelta(days=rng.randrange(0, DAYS))
        else:
            d = rng.choice(
                [
                    START - timedelta(days=rng.randrange(2, 30)),
                    START + timedelta(days=DAYS + rng.randrange(1, 30)),
                ]
            )
        kind = rng.choice(KINDS)
        title = (
            f"Regional Forum on Child Online Protection {i}"
            if i % 7 == 0
            else f"{kind.label} on child online safety no. {i}"
        )
        if i % 50 == 0:
            kind, title = (
                Activity.Kind.MEETING,
                f"{(i // 50) % 9 + 1}th meeting of the Bench Coordination Group {i // 450}",
            )
        acts.append(
            Activity(
                title=title,
                kind=kind,
                status="held",
                starts_on=d,
                ends_on=d + timedelta(days=rng.randrange(0, 3)),
                city=f"City {i % 300}",
                country=rng.choice(COUNTRIES),
                focus="issues related to child online safety" if i % 4 == 0 else "",
                objective="Raise awareness of online risks among parents and teachers",
                summary="Participants shared practices. H.E. Ms A. Example opened it.",
            )
        )
    acts = Activity.objects.bulk_create(acts, batch_size=2000)
    through = Activity.pillars.through
    through.objects.bulk_create(
        [through(activity_id=a.pk, pillar_id=rng.choice(pillars).pk) for a in acts], batch_size=5000
    )
    tt = Activity.topics.through
    tt.objects.bulk_create(
        [tt(activity_id=a.pk, topic_id=t.pk) for a in acts for t in rng.sample(topics, 2)], batch_size=5000
    )
    ActivityPartner.objects.bulk_create(
        [
            ActivityPartner(activity=a, organisation=org, role=role)
            for a in acts
            for role, org in _roles(rng, owner, others)
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    counts = []
    for i, a in enumerate(acts):
        counts.append(
            Participation(activity=a, group="children", min_age=10, max_age=14, count=rng.randrange(5, 200))
        )
        if i % 3 == 0:
            counts.append(
                Participation(
                    activity=a,
                    group="government",
                    count=rng.randrange(3, 40),
                    unit=rng.choice([Participation.Unit.COUNTRIES, Participation.Unit.MEMBER_STATES]),
                )
            )
        else:
            counts.append(Participation(activity=a, group="educators", count=rng.randrange(10, 300)))
    Participation.objects.bulk_create(counts, batch_size=5000)
    outcomes = []
    for i, a in enumerate(acts[::3]):
        maker = {
            0: {"made_by": rng.choice(people)},
            1: {"made_by_organisation": rng.choice(others)},
            2: {"made_by_group": "the administrations of the region"},
        }[i % 3]
        outcomes.append(
            Outcome(
                activity=a,
                kind="recommendation",
                text="Schools should adopt an online-safety policy.",
                **maker,
            )
        )
    Outcome.objects.bulk_create(outcomes, batch_size=5000)
    # Agreements: signed in the period, signed long before (left out unless something happened under them), undated.
    agreements = []
    for i in range(300):
        signed = (
            START + timedelta(days=rng.randrange(0, DAYS))
            if i % 3 == 0
            else date(2012 + i % 8, 1 + i % 12, 1)
            if i % 3 == 1
            else None
        )
        agreements.append(
            Agreement(
                kind=rng.choice([Agreement.Kind.MOU, Agreement.Kind.PARTNERSHIP]),
                title=f"Bench agreement {i}",
                signed_on=signed,
                stage=Agreement.Stage.ACTIVE if signed else Agreement.Stage.DRAFT,
                countries=rng.sample(COUNTRIES, 3),
            )
        )
    agreements = Agreement.objects.bulk_create(agreements)
    pt = Agreement.parties.through
    pt.objects.bulk_create(
        [
            pt(agreement_id=ag.pk, organisation_id=org.pk)
            for ag in agreements
            for org in (owner, rng.choice(others))
        ],
        ignore_conflicts=True,
    )
    projects = Project.objects.bulk_create(
        [
            Project(
                name=f"Bench project {i}",
                stage=Project.Stage.ACTIVE,
                countries=rng.sample(COUNTRIES, 4),
                follows=acts[i * 37],
            )
            for i in range(100)
        ]
    )
    Project.partners.through.objects.bulk_create(
        [Project.partners.through(project_id=p.pk, organisation_id=owner.pk) for p in projects]
    )


def timed(fn):
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - t0, time.process_time() - c0


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--activities", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--reuse", action="store_true", help="the database holds the data of an earlier run")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one preview + draft; count their queries"
    )
    parser.add_argument(
        "--no-freeze", action="store_true",
        help="leave out what the worker does at start (run_worker.freeze_start_up): the draft as a web request runs it",
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if args.reuse and Organisation.objects.filter(name="Bench partner 0").exists():
        print("reusing the activities generated by an earlier run")
    else:
        call_command("load_demo", verbosity=0)
        t0 = time.perf_counter()
        generate(args.activities, random.Random(args.seed))
        print(f"generated {args.activities} activities in {time.perf_counter() - t0:.1f} s")
    if not args.no_freeze:
        # as the worker, which drafts a report this large, does once started
        print(f"start-up objects frozen, as the worker does: {freeze_start_up()}")
    initiative = Initiative.objects.get()
    secretariat = get_user_model().objects.get(email="secretariat@tutela.test")

    def report() -> Report:
        return services.report_create(
            actor=secretariat,
            title="Bench report",
            initiative=initiative,
            period_start=START,
            period_end=START + timedelta(days=DAYS - 1),
            include_ongoing=True,
        )

    # Warm up what a running server or worker has loaded once (content types, labels, country names).
    warm = services.report_create(
        actor=secretariat,
        title="Warm-up",
        initiative=initiative,
        period_start=START,
        period_end=START + timedelta(days=6),
    )
    selectors.period_preview(warm)
    services.report_draft(actor=secretariat, report=warm)

    if args.profile:
        r = report()
        for label, fn in (
            ("preview", lambda: selectors.period_preview(r)),
            ("draft", lambda: services.report_draft(actor=secretariat, report=r)),
        ):
            with CaptureQueriesContext(connection) as captured:
                profiler = cProfile.Profile()
                profiler.enable()
                fn()
                profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
            print(f"--- {label}: {len(captured)} queries")
            print(out.getvalue())

    print("before:", load())
    rows = []
    for run in range(1, args.runs + 1):
        r = report()
        candidates, pw, pc = timed(lambda r=r: selectors.period_preview(r))
        summary, dw, dc = timed(lambda r=r: services.report_draft(actor=secretariat, report=r))
        rows.append((pw, pc, dw, dc))
        print(
            f"run {run}: preview {pw:.2f} s (CPU {pc:.2f}, {len(candidates)} candidates), draft {dw:.2f} s "
            f"(CPU {dc:.2f}, {summary['added']} paragraphs), together {pw + dw:.2f} s; {load()}"
        )
    _, rw, rc = timed(lambda: services.report_draft(actor=secretariat, report=r))
    client = Client(HTTP_HOST="localhost")
    client.force_login(secretariat)
    page, gw, gc_ = timed(lambda: client.get(f"/reports/{r.pk}/period/"))
    assert page.status_code == 200, page.status_code
    print("after:", load())
    in_period = Activity.objects.filter(
        starts_on__gte=START, starts_on__lte=START + timedelta(days=DAYS - 1)
    ).count()
    print(f"activities in the period: {in_period}; runs: {args.runs}")
    med = [statistics.median(col) for col in zip(*rows, strict=True)]
    together = statistics.median(p + d for p, _pc, d, _dc in rows)
    print(
        f"p50 preview {med[0]:.2f} s (CPU {med[1]:.2f}); p50 draft {med[2]:.2f} s (CPU {med[3]:.2f}); "
        f"p50 preview + draft {together:.2f} s"
    )
    print(
        f"redraft (nothing changed) {rw:.2f} s (CPU {rc:.2f}); GET period page {gw:.2f} s (CPU {gc_:.2f}, "
        f"{len(page.content) / 1e6:.1f} MB)"
    )


if __name__ == "__main__":
    main()
