"""Outreach reach benchmark on PostgreSQL: 50,000 institutions, 2 million delivered sessions and a
6-generation cascade of 200,000 trainees over 50 programmes in 10 countries.

Not a test. Run (own database, own var dir):

    DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_outreach_bench \\
    TUTELA_VAR_DIR=/tmp/outreach-bench \\
    .venv/bin/python bench/outreach_reach.py

It (1) creates the database if needed and migrates, (2) creates programmes, cohorts and reach
parameters through the services, then fills institutions, trainees (generation by generation,
each trainer in the same programme one generation up) and sessions with server-side
``INSERT … SELECT generate_series`` bulk inserts, (3) checks that ``reach.compute`` and hand-written SQL of the same rule give the same counted
cells, then times both for one country, for the whole initiative, and for the whole initiative as
the public sees it (published programmes only), in the same run, alternating, and reports medians,
the ratio, and Python memory (tracemalloc peak) per call.
"""

import argparse
import statistics
import sys
import time
import tracemalloc
from datetime import date

import common

COUNTRIES = ["ET", "KE", "NG", "GH", "RW", "TZ", "UG", "SN", "CM", "ZA"]
PROGRAMMES = 50
GENERATION_SHARES = [0.01, 0.03, 0.07, 0.15, 0.29, 0.45]  # six generations, widening


def populate(institutions: int, trainees: int, sessions: int) -> None:
    from django.db import connection, transaction

    from tutela.outreach import services
    from tutela.outreach.models import DeliveredSession, TrainingProgramme
    from tutela.partners.models import Organisation
    from tutela.partners.services import organisation_create

    if DeliveredSession.objects.exists():
        print("data already present; reusing it")
        return
    t0 = time.perf_counter()
    TrainingProgramme.objects.filter(name__startswith="BENCH ").delete()  # left by an interrupted run
    org = Organisation.objects.filter(name="Bench organisation").first() or organisation_create(actor=None, name="Bench organisation", kind="civil_society")
    programmes, cohorts = [], []
    for p in range(PROGRAMMES):
        programme = services.programme_create(actor=None, name=f"BENCH programme {p:02d}", organisers=[org],
                                              country=COUNTRIES[p % len(COUNTRIES)], starts_on=date(2013, 1, 1),
                                              ends_on=date(2014, 12, 31))
        cohorts.append(services.cohort_create(actor=None, programme=programme, name="Cohort"))
        for key, lo, mid, hi in (("sessions_per_ambassador", 2, 3, 4), ("mean_class_size", 30, 40, 50),
                                 ("share_delivering", "0.5", "0.8", 1)):
            services.parameter_set(actor=None, programme=programme, key=key, low=lo, central=mid, high=hi, is_assumption=True)
        programmes.append(programme)
    prog_ids = [p.pk for p in programmes]
    cohort_ids = [c.pk for c in cohorts]
    sizes = [max(PROGRAMMES, round(trainees * s / PROGRAMMES) * PROGRAMMES) for s in GENERATION_SHARES]
    sizes[-1] = max(PROGRAMMES, trainees - sum(sizes[:-1]))
    sizes[-1] -= sizes[-1] % PROGRAMMES
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            """
            INSERT INTO outreach_institution (name, name_key, kind, city, country, owner_organisation_id,
                                              is_illustrative, is_published, created_at)
            SELECT 'Bench school ' || n, 'bench school ' || n || '||' || (%s::text[])[1 + n %% 10], 'school', '',
                   (%s::text[])[1 + n %% 10], NULL, true, true, now()
            FROM generate_series(0, %s - 1) n
            """, [COUNTRIES, COUNTRIES, institutions])
        c.execute("SELECT min(id) FROM outreach_institution")
        inst_start = c.fetchone()[0]
        c.execute("SELECT nextval(pg_get_serial_sequence('outreach_trainee', 'id'))")
        start = c.fetchone()[0] + 1
        prev_start, prev_size = None, None
        for g, size in enumerate(sizes, start=1):
            # Row i of generation g belongs to programme i % 50; its trainer is a row of generation
            # g-1 of the same programme.
            c.execute(
                """
                INSERT INTO outreach_trainee (id, programme_id, cohort_id, full_name, consent_to_be_named, label,
                    identity_key, sector, institution_id, status, completed_on, trained_by_id, generation,
                    is_illustrative, created_at)
                SELECT %s + i, (%s::bigint[])[1 + i %% %s], (%s::bigint[])[1 + i %% %s], '', false,
                       'G' || %s || '-' || i, 'label:g' || %s || '-' || i,
                       (ARRAY['educator','government','law_enforcement','parent'])[1 + i %% 4],
                       NULL, 'completed', DATE '2013-01-01' + (i %% 700),
                       CASE WHEN %s::bigint IS NULL THEN NULL
                            ELSE %s::bigint + ((i / %s) %% (%s::bigint / %s)) * %s + (i %% %s) END,
                       %s, true, now()
                FROM generate_series(0, %s - 1) i
                """,
                [start, prog_ids, PROGRAMMES, cohort_ids, PROGRAMMES, g, g,
                 prev_start, prev_start, PROGRAMMES, prev_size or PROGRAMMES, PROGRAMMES, PROGRAMMES, PROGRAMMES,
                 g, size])
            prev_start, prev_size = start, size
            start += size
        c.execute("SELECT setval(pg_get_serial_sequence('outreach_trainee', 'id'), %s)", [start])
        c.execute("SELECT min(id), count(*) FROM outreach_trainee")
        t_start, t_count = c.fetchone()
    fill_sessions(sessions, institutions, inst_start, t_start, t_count)
    with connection.cursor() as c:
        c.execute("ANALYZE outreach_institution; ANALYZE outreach_trainee; ANALYZE outreach_deliveredsession")
    print(f"populated in {time.perf_counter() - t0:.1f} s: generations {sizes}")


def fill_sessions(sessions: int, institutions: int, inst_start: int, t_start: int, t_count: int) -> None:
    """2 M sessions: random (seeded) institution, ambassador, day, audience, band and count; 10 % at no institution."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as c:
        c.execute("SELECT setseed(0.42)")
        c.execute(
            """
            INSERT INTO outreach_deliveredsession (programme_id, ambassador_id, campaign_id, institution_id, country,
                held_on, audience, min_age, max_age, count, is_illustrative)
            SELECT t.programme_id, t.id, NULL, CASE WHEN s.r_loose < 0.1 THEN NULL ELSE %s + s.inst END,
                   (%s::text[])[1 + s.inst %% 10], DATE '2013-01-01' + s.day,
                   CASE WHEN s.r_aud < 0.05 THEN 'parents' WHEN s.r_aud < 0.1 THEN 'educators' ELSE 'children' END,
                   CASE WHEN s.r_aud < 0.1 THEN NULL ELSE (ARRAY[6, 10, 13, 15])[1 + s.band] END,
                   CASE WHEN s.r_aud < 0.1 THEN NULL ELSE (ARRAY[9, 12, 14, 17])[1 + s.band] END,
                   s.cnt, false
            FROM (SELECT k, floor(random() * %s)::int AS inst, floor(random() * %s)::int AS tr, random() AS r_loose,
                         random() AS r_aud, floor(random() * 4)::int AS band, floor(random() * 730)::int AS day,
                         10 + floor(random() * 51)::int AS cnt
                  FROM generate_series(1, %s) k) s
            JOIN outreach_trainee t ON t.id = %s + s.tr
            """, [inst_start, COUNTRIES, institutions, t_count, sessions, t_start])
    vacuum()


def vacuum() -> None:
    """What autovacuum does after a bulk insert (statistics, visibility map), so that index-only scans
    see all-visible pages instead of waiting for the autovacuum worker mid-measurement."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE outreach_deliveredsession")


RAW_COUNTED = """
SELECT audience, min_age, max_age, SUM(CASE WHEN institution_id IS NULL THEN total ELSE largest END), SUM(n), SUM(ill)
FROM (SELECT institution_id, audience, min_age, max_age, MAX(count) AS largest, SUM(count) AS total, count(*) AS n,
             count(*) FILTER (WHERE is_illustrative) AS ill
      FROM outreach_deliveredsession WHERE true {where}
      GROUP BY institution_id, audience, min_age, max_age) t
GROUP BY audience, min_age, max_age
"""
RAW_COMPLETED = """
SELECT t.programme_id, count(*) FROM outreach_trainee t JOIN outreach_trainingprogramme p ON p.id = t.programme_id
WHERE t.status = 'completed' {where} GROUP BY t.programme_id
"""


def raw(country: str | None, published_only: bool = False) -> dict:
    """The same rule in hand-written SQL: the counted cells with the tally, and the cascade's inputs.

    Published only: the unpublished programmes' ids first, then ``programme_id <> ALL(ids)`` on the
    sessions, the fastest hand-written form here (a join or ``IN (SELECT …)`` hash-joins, loses the
    index order and sorts 2 M rows).
    """
    from django.db import connection

    where, args, p_where, p_args = "", [], "", []
    with connection.cursor() as c:
        if country:
            where, args, p_where, p_args = "AND country = %s", [country], "AND p.country = %s", [country]
        if published_only:
            c.execute("SELECT id FROM outreach_trainingprogramme WHERE NOT is_published")
            where += " AND programme_id <> ALL(%s)"
            args.append([r[0] for r in c.fetchall()])
            p_where += " AND p.is_published"
        c.execute(RAW_COUNTED.format(where=where), args)
        cells = {(a, lo, hi): int(v) for a, lo, hi, v, _n, _ill in c.fetchall()}
        c.execute(RAW_COMPLETED.format(where=p_where), p_args)
        c.fetchall()
        c.execute("SELECT * FROM outreach_reachparameter")
        c.fetchall()
    return cells


def measure(label: str, country: str | None, runs: int, published_only: bool = False) -> dict:
    from tutela.outreach import reach

    scope = reach.Scope(country=country, published_only=published_only)
    result = reach.compute(scope)  # warm caches and the connection
    expected = raw(country, published_only)
    got = {(c["audience"], c["min_age"], c["max_age"]): c["value"] for c in result["counted"]["cells"]}
    if got != expected:  # same rule, same figures, or the comparison means nothing
        sys.exit(f"{label}: engine and raw SQL disagree:\n{got}\n{expected}")
    engine, sql, peaks = [], [], []
    for _ in range(runs):
        t = time.perf_counter()
        raw(country, published_only)
        sql.append(time.perf_counter() - t)
        tracemalloc.start()
        t = time.perf_counter()
        result = reach.compute(scope)
        engine.append(time.perf_counter() - t)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    e, r = statistics.median(engine), statistics.median(sql)
    children = result["counted"]["totals"].get("children")
    print(f"{label:<22} engine median {e * 1000:7.0f} ms  (max {max(engine) * 1000:.0f})   raw SQL median {r * 1000:7.0f} ms   "
          f"ratio {e / r:4.2f}   python peak {max(peaks) / 1024:.0f} KiB   counted children {children:,}   "
          f"estimates {len(result['estimated'])}")
    return {"engine": e, "raw": r, "peak": max(peaks)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=50_000)
    parser.add_argument("--trainees", type=int, default=200_000)
    parser.add_argument("--sessions", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--country", default="KE")
    parser.add_argument("--refill-sessions", action="store_true", help="replace the sessions, keep the rest")
    parser.add_argument("--vacuum", action="store_true", help="VACUUM ANALYZE the sessions before measuring")
    args = parser.parse_args()
    common.setup()
    from django.db import connection

    populate(args.institutions, args.trainees, args.sessions)
    if args.refill_sessions:
        with connection.cursor() as c:
            c.execute("TRUNCATE outreach_deliveredsession")
            c.execute("SELECT min(id) FROM outreach_institution")
            inst_start = c.fetchone()[0]
            c.execute("SELECT min(id), count(*) FROM outreach_trainee")
            t_start, t_count = c.fetchone()
        t0 = time.perf_counter()
        fill_sessions(args.sessions, args.institutions, inst_start, t_start, t_count)
        print(f"sessions refilled in {time.perf_counter() - t0:.1f} s")
    if args.vacuum:
        vacuum()
    with connection.cursor() as c:
        # One programme in ten is an unpublished draft, so that public reach has something to leave out.
        c.execute("UPDATE outreach_trainingprogramme SET is_published = (right(name, 2)::int %% 10 <> 9) "
                  "WHERE name LIKE 'BENCH programme %%'", [])
        c.execute("SELECT (SELECT count(*) FROM outreach_institution), (SELECT count(*) FROM outreach_trainee), "
                  "(SELECT max(generation) FROM outreach_trainee), (SELECT count(*) FROM outreach_deliveredsession)")
        inst, tr, gens, sess = c.fetchone()
        c.execute("SELECT count(*) FILTER (WHERE NOT p.is_published), "
                  "(SELECT count(*) FROM outreach_deliveredsession s WHERE s.programme_id = ANY(array_agg(p.id) "
                  "FILTER (WHERE NOT p.is_published))) FROM outreach_trainingprogramme p")
        drafts, draft_sessions = c.fetchone()
        c.execute("SELECT version()")
        version = c.fetchone()[0].split(" on ")[0]
    print(f"{version}; {inst:,} institutions, {tr:,} trainees over {gens} generations, {sess:,} sessions; "
          f"{drafts} unpublished programmes with {draft_sessions:,} sessions")
    measure(f"country {args.country}", args.country, args.runs)
    measure("whole initiative", None, args.runs)
    measure("whole, published only", None, args.runs, published_only=True)


if __name__ == "__main__":
    main()
