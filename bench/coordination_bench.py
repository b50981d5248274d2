"""Coordination benchmark on PostgreSQL: number allocation under concurrent writers, registry search, dashboard.

Not a test. Run (own database, own var dir):

    DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_coordination_bench \\
    TUTELA_VAR_DIR=/tmp/coordination-bench \\
    .venv/bin/python bench/coordination_bench.py --bodies 1000 --meetings 50000 --documents 2000000 \\
        --liaisons 200000 --writers 16 --allocations 200

``--only allocation|reads`` skips the other half; ``--scenario hot|spread`` and ``--path service|allocator``
choose one allocation run (e.g. the full service, all writers on one body). It (1) creates the database if needed and migrates, (2) fills it with SQL (generate_series) at the
given scale unless it already holds that scale, (3) runs ``services.document_register`` from
``--writers`` processes at once, first all on one hot body, then spread over random bodies, and
checks 0 duplicates and 0 gaps, (4) times registry searches and the chair's dashboard.
"""

import argparse
import multiprocessing as mp
import random
import statistics
import time

import common


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- Data -----------------------------------------------------------------------------------

TRGM = ["number", "title", "source"]


def generate(bodies: int, meetings: int, documents: int, liaisons: int) -> None:
    from django.db import connection

    mpb, dpb = meetings // bodies, documents // bodies
    t0 = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SET maintenance_work_mem = '512MB'")
        c.execute("TRUNCATE coordination_body, coordination_documentcounter, coordination_meeting, coordination_document, "
                  "coordination_liaisonstatement, coordination_liaisonrecipient, coordination_actionitem, "
                  "coordination_documentrevision, coordination_documentfile RESTART IDENTITY CASCADE")
        for col in TRGM:
            c.execute(f"DROP INDEX IF EXISTS coordination_document_{col}_trgm")
        c.execute("""
            INSERT INTO coordination_body (kind, name, short_name, slug, parent_id, status, mandate, description,
                established_on, established_date_is_approximate, ends_on, website, number_style, number_prefix,
                number_padding, meetings_before_registry, is_published, is_illustrative, source, created_at, updated_at)
            SELECT 'jca', 'Bench body ' || i, 'B' || lpad(i::text, 4, '0'), 'b' || lpad(i::text, 4, '0'), NULL, 'active',
                '', '', DATE '2000-01-01', false, CASE WHEN i %% 10 = 0 THEN CURRENT_DATE + (i %% 120) END, '',
                'sequence', 'B' || lpad(i::text, 4, '0') || ' DOC', 4, 0, true, true, 'bench', now(), now()
            FROM generate_series(1, %s) AS i ORDER BY i""", [bodies])
        c.execute("""
            INSERT INTO coordination_meeting (body_id, ordinal, status, starts_on, ends_on, city, country, venue, is_remote,
                activity_id, participant_count, summary, report_document_id, is_illustrative, source, created_at)
            SELECT b, o, 'held', DATE '2000-01-01' + (o * 60), DATE '2000-01-01' + (o * 60) + 1, 'Geneva', 'CH', '',
                false, NULL, 20, '', NULL, true, 'bench', now()
            FROM generate_series(1, %s) AS b, generate_series(1, %s) AS o ORDER BY b, o""", [bodies, mpb])
        c.execute("""
            INSERT INTO coordination_document (body_id, meeting_id, scope, sequence, number, kind, title, source,
                document_date, access, is_withdrawn, withdrawn_on, withdrawn_reason, revision, is_illustrative,
                registered_by_id, registered_at)
            SELECT b, (b - 1) * %(mpb)s + 1 + ((s - 1) * %(mpb)s / %(dpb)s), 0, s,
                'B' || lpad(b::text, 4, '0') || ' DOC' || lpad(s::text, 4, '0'), 'contribution',
                (ARRAY['Child','Online','Protection','Security','Liaison','Report','Terms','Reference','Workshop',
                       'Guidelines'])[1 + (b * 7 + s) %% 10] || ' '
                || (ARRAY['draft','update','proposal','survey','summary','roadmap','framework','analysis','plan',
                          'toolkit','review','statement'])[1 + (b * 13 + s * 3) %% 12] || ' ' || substr(md5(b || '-' || s), 1, 10),
                (ARRAY['TSB','Co-chairs','SG13','SG16','SG17','ITU-D','UNICEF','Rapporteur'])[1 + (b + s) %% 8],
                (now() - ((%(docs)s - (s - 1) * %(bodies)s - b) * interval '15 seconds'))::date,
                CASE WHEN (b + s) %% 10 = 0 THEN 'members' ELSE 'public' END, false, NULL, '', 0, true, NULL,
                now() - ((%(docs)s - (s - 1) * %(bodies)s - b) * interval '15 seconds')
            FROM generate_series(1, %(dpb)s) AS s, generate_series(1, %(bodies)s) AS b""",
                  {"mpb": mpb, "dpb": dpb, "bodies": bodies, "docs": documents})
        c.execute("INSERT INTO coordination_documentcounter (body_id, scope, last_number) "
                  "SELECT id, 0, %s FROM coordination_body", [dpb])
        c.execute("""
            INSERT INTO coordination_liaisonstatement (reference, from_body_id, from_meeting_id, subject, body_text,
                reply_to_id, contact_person_id, contact_email, approval, approved_on, status, sent_on, is_illustrative,
                source, created_by_id, created_at)
            SELECT 'LS-' || i, 1 + i %% %(bodies)s, NULL, 'Liaison ' || i, '', NULL, NULL, 'ls@example.org', '', NULL,
                (ARRAY['sent','awaiting_reply','answered','closed'])[1 + i %% 4], CURRENT_DATE - (i %% 400), true, 'bench',
                NULL, now() - i * interval '1 minute'
            FROM generate_series(1, %(n)s) AS i ORDER BY i""", {"bodies": bodies, "n": liaisons})
        c.execute("""
            INSERT INTO coordination_liaisonrecipient (liaison_id, body_id, purpose, deadline, reminder_sent_on)
            SELECT i, 1 + (i * 7 + 1) %% %(bodies)s,
                CASE WHEN i %% 3 = 0 THEN 'action' WHEN i %% 3 = 1 THEN 'comment' ELSE 'information' END,
                CASE WHEN i %% 3 <> 2 THEN CURRENT_DATE + (i %% 90) - 30 END, NULL
            FROM generate_series(1, %(n)s) AS i""", {"bodies": bodies, "n": liaisons})
        c.execute("""
            INSERT INTO coordination_actionitem (meeting_id, number, text, owner_person_id, owner_label, due_on, status, done_on)
            SELECT id, 1, 'Follow up ' || id, NULL, 'Co-chairs', starts_on + 30,
                CASE WHEN ordinal > %s THEN 'open' ELSE 'done' END, NULL
            FROM coordination_meeting""", [mpb - 3])
        for col in TRGM:
            c.execute(f'CREATE INDEX coordination_document_{col}_trgm ON coordination_document '
                      f'USING gin ((UPPER("{col}"::text)) gin_trgm_ops)')
        c.execute("ANALYZE")
    print(f"generated {bodies} bodies, {bodies * mpb} meetings, {dpb * bodies} documents, {liaisons} liaisons "
          f"in {time.perf_counter() - t0:.0f} s")


# --- Allocation -----------------------------------------------------------------------------

def _writer(args) -> list[tuple[int, int]]:
    body_ids, count, barrier, seed, mode = args
    import django

    django.setup()

    from django.db import connections, transaction
    from django.utils import timezone

    from tutela.coordination import services
    from tutela.coordination.models import Body, Document

    bodies = {b.pk: b for b in Body.objects.filter(pk__in=set(body_ids))}
    rng = random.Random(seed)
    got = []
    barrier.wait()
    for i in range(count):
        body = bodies[rng.choice(body_ids)]
        if mode == "service":
            doc = services.document_register(actor=None, body=body, title=f"Bench allocation {seed}-{i}", source="bench")
        else:  # the allocator alone: lock the counter, take the number, insert the row, commit
            with transaction.atomic():
                scope, sequence, number = services.allocate_number(body=body)
                doc = Document.objects.create(body=body, scope=scope, sequence=sequence, number=number, title="alloc",
                                              source="bench", document_date=timezone.localdate())
        got.append((doc.body_id, doc.sequence))
    connections.close_all()
    return got


def allocate(label: str, body_ids: list[int], writers: int, per_writer: int, mode: str = "service") -> dict:
    from django.db import connections
    from django.db.models import Count, Max

    from tutela.coordination.models import Document

    connections.close_all()
    ctx = mp.get_context("fork")
    barrier = ctx.Manager().Barrier(writers + 1)
    with ctx.Pool(writers) as pool:
        result = pool.map_async(_writer, [(body_ids, per_writer, barrier, seed, mode) for seed in range(writers)])
        barrier.wait()
        t0 = time.perf_counter()
        chunks = result.get()
        elapsed = time.perf_counter() - t0
    pairs = [p for chunk in chunks for p in chunk]
    duplicates = len(pairs) - len(set(pairs))
    touched = {b for b, _ in pairs}
    stats = Document.objects.filter(body_id__in=touched, scope=0).values("body_id").annotate(n=Count("id"), top=Max("sequence"))
    gaps = sum(row["top"] - row["n"] for row in stats)
    db_dupes = (Document.objects.values("body_id", "scope", "sequence").annotate(n=Count("id")).filter(n__gt=1).count()
                if len(touched) < 50 else "checked by unique constraint")
    out = {"scenario": label, "path": mode, "writers": writers, "allocations": len(pairs), "seconds": round(elapsed, 2),
           "per_second": round(len(pairs) / elapsed, 1), "duplicates": duplicates, "gaps": gaps, "db_duplicates": db_dupes}
    print(out)
    return out


# --- Reads ----------------------------------------------------------------------------------

def time_search(rounds: int) -> None:
    from django.contrib.auth.models import AnonymousUser

    from tutela.coordination import selectors
    from tutela.coordination.models import Document
    from tutela.core.pagination import keyset_page

    sample = list(Document.objects.order_by("?").values_list("number", "title")[:rounds])
    queries = []
    for i, (number, title) in enumerate(sample):
        kind = i % 4
        queries.append([number, number.split(" ")[0] + " DOC00", title.split(" ")[-1], "protection survey"][kind])
    users = [AnonymousUser()]
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.filter(is_superuser=True).first()
    if admin:
        users.append(admin)
    kinds = ["exact number", "number prefix", "rare token", "common words"]
    for user in users:
        times = []
        by_kind: dict[str, list[float]] = {k: [] for k in kinds}
        for i, q in enumerate(queries):
            t0 = time.perf_counter()
            page = keyset_page(selectors.registry_search(user, q=q), ordering=selectors.REGISTRY_ORDERING, cursor=None, size=50)
            _ = [d.number for d in page.items]
            times.append((time.perf_counter() - t0) * 1000)
            by_kind[kinds[i % 4]].append(times[-1])
        who = "anonymous" if not getattr(user, "is_authenticated", False) else "secretariat"
        print(f"registry search ({who}, {len(times)} queries: exact number, number prefix, rare token, common words): "
              f"p50 {statistics.median(times):.1f} ms, p95 {pct(times, 95):.1f} ms, max {max(times):.1f} ms")
        for kind, values in by_kind.items():
            print(f"    {kind} ({len(values)}): p50 {statistics.median(values):.1f} ms, p95 {pct(values, 95):.1f} ms")


def time_pages(rounds: int) -> None:
    from django.conf import settings
    from django.test import Client

    from tutela.accounts.services import user_create
    from tutela.coordination import services
    from tutela.coordination.models import Body
    from tutela.initiatives.services import person_create

    settings.ALLOWED_HOSTS = ["*"]
    from django.contrib.auth import get_user_model

    User = get_user_model()
    chair = User.objects.filter(email="bench.chair@example.org").first()
    if chair is None:
        body = Body.objects.order_by("pk").first()
        person = person_create(actor=None, full_name="Bench Chair", is_public_figure=True, email="bench.chair@example.org")
        services.chair_appoint(actor=None, body=body, person=person, role="chair")
        chair = user_create(actor=None, email="bench.chair@example.org", password=None, role="stakeholder")
    admin = User.objects.filter(email="bench.secretariat@example.org").first() or user_create(
        actor=None, email="bench.secretariat@example.org", password=None, role="secretariat")
    for label, user, url in [("dashboard, chair of 1 body", chair, "/coordination/dashboard/"),
                             ("dashboard, secretariat, all bodies", admin, "/coordination/dashboard/"),
                             ("registry page, anonymous, q=protection", None, "/coordination/registry/?q=protection"),
                             ("registry page, anonymous, q=<number>", None, "/coordination/registry/?q=B0500+DOC1234")]:
        client = Client()
        if user:
            client.force_login(user)
        client.get(url)
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
        print(f"{label}: p50 {statistics.median(times):.1f} ms, p95 {pct(times, 95):.1f} ms ({rounds} requests)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies", type=int, default=1000)
    parser.add_argument("--meetings", type=int, default=50000)
    parser.add_argument("--documents", type=int, default=2000000)
    parser.add_argument("--liaisons", type=int, default=200000)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--allocations", type=int, default=200, help="per writer, per scenario")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--only", choices=["all", "allocation", "reads", "search", "pages"], default="all")
    parser.add_argument("--scenario", choices=["both", "hot", "spread"], default="both",
                        help="allocation: all writers on one body (hot), spread over every body, or both")
    parser.add_argument("--path", choices=["both", "service", "allocator"], default="both",
                        help="allocation: the full document_register service, the bare allocator, or both")
    args = parser.parse_args()
    common.setup()
    import importlib

    from django.db import connection

    # Idempotent: adds indexes a later edit of migration 0002 introduced to an already-migrated bench database.
    importlib.import_module("tutela.coordination.migrations.0002_registry_search_indexes").create(
        None, type("Editor", (), {"connection": connection})())
    from tutela.coordination.models import Body, Document

    if args.regenerate or Body.objects.count() != args.bodies or Document.objects.count() < args.documents:
        generate(args.bodies, args.meetings, args.documents, args.liaisons)
    hot = [Body.objects.order_by("pk").values_list("pk", flat=True).first()]
    every = list(Body.objects.values_list("pk", flat=True))
    if args.only in ("all", "allocation"):
        for mode in ("service", "allocator"):
            if args.path not in ("both", mode):
                continue
            if args.scenario in ("both", "hot"):
                allocate("one hot body", hot, args.writers, args.allocations, mode)
            if args.scenario in ("both", "spread"):
                allocate("spread over all bodies", every, args.writers, args.allocations, mode)
    if args.only in ("all", "reads", "search"):
        time_search(args.rounds)
    if args.only in ("all", "reads", "pages"):
        time_pages(max(20, args.rounds // 10))


if __name__ == "__main__":
    main()
