"""Consultations benchmark on PostgreSQL: a 300-paragraph document with many comments
(form-letter campaigns included); paragraph page latency, synopsis, near-duplicate grouping.
Comment intake under gunicorn is measured by ``bench/consultations_intake.sh``.

Not a test. Run (own database, own var dir):

    DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_consultations_bench \\
    TUTELA_VAR_DIR=/tmp/consultations-bench \\
    .venv/bin/python bench/consultations_bench.py --comments 1000000

It (1) creates the database if needed and migrates, (2) imports a 300-paragraph version through
the service and fills comments with COPY (each with the text hash and MinHash signature the
intake service computes), 60 % of them from five form-letter campaigns with small personal
variations, (3) times 300 paragraph pages through the Django test client (p50/p95), the
synopsis, and ``services.comments_group`` over all comments (``--reset-groups`` first removes
the groups, so that the first run builds them from nothing; ``--phases`` also times its read and
its clustering alone), then (4) times the staff pages that read groups (moderation queue,
disposition workspace) and decides the largest group at once through the services, inside a
transaction that is rolled back, so the data stay as filled.
"""

import argparse
import io
import random
import resource
import time
from datetime import timedelta

import common

WORDS = ("child online safety report platform parent teacher school abuse material hotline privacy default "
         "setting age rating content service operator network filter consent data account user youth panel "
         "awareness campaign industry government policy moderation review staff training support evidence "
         "law enforcement referral takedown reporting mechanism design risk assessment rights business").split()
# A realistic vocabulary: thousands of distinct words, drawn with a skew like natural language.
_rng = random.Random(0)
WORDS = WORDS + ["".join(_rng.choice("abcdefghiklmnoprstuvwy") for _ in range(_rng.randint(3, 10))) for _ in range(6000)]
WEIGHTS = [1 / (i + 1) ** 0.9 for i in range(len(WORDS))]
CAMPAIGNS = [
    "Please make age verification mandatory on every social network and require parental consent for all users under sixteen.",
    "Internet service providers must block all harmful content by default and let adults opt out after proving their age.",
    "The guidelines should oblige app stores to review every app for child safety before it is published.",
    "We ask that companies never store the personal data of children for advertising or profiling of any kind.",
    "Broadcasters should be required to moderate every comment on programmes for young audiences before it appears.",
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def document_markdown(paragraphs: int) -> str:
    rng = random.Random(1)
    lines = []
    for i in range(paragraphs):
        if i % 10 == 0:
            lines.append(f"# Section {i // 10 + 1}\n")
        lines.append(" ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + ".\n")
    return "\n".join(lines)


def setup(n_comments: int):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from tutela.accounts.services import user_create
    from tutela.consultations import services, similarity
    from tutela.consultations.models import Consultation

    User = get_user_model()
    actor = User.objects.filter(email="bench-secretariat@example.org").first() or user_create(
        actor=None, email="bench-secretariat@example.org", password="bench-password", role="secretariat")
    consultation = Consultation.objects.filter(code="BENCH").first()
    if consultation is not None and consultation.comments.count() >= n_comments:
        print(f"reusing consultation {consultation.pk} with {consultation.comments.count()} comments")
        return actor, consultation
    if consultation is not None:
        with connection.cursor() as c:
            c.execute("TRUNCATE consultations_comment, consultations_respondent, consultations_commentgroup, "
                      "consultations_commentgroupmember, "
                      "consultations_moderationaction, consultations_disposition CASCADE")
        consultation.delete()
    t0 = time.perf_counter()
    document = services.document_create(actor=actor, title="Benchmark guideline", audience="industry", edition="2099")
    version = services.version_import(actor=actor, document=document, label="Draft", source=document_markdown(300),
                                      publish=True)
    now = timezone.now()
    consultation = services.consultation_create(actor=actor, version=version, title="Benchmark", code="BENCH",
                                                opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    print(f"document: 300 paragraphs imported in {time.perf_counter() - t0:.1f} s")
    paragraph_ids = list(version.paragraphs.filter(kind="paragraph").values_list("pk", flat=True))
    rng = random.Random(2)
    respondents = max(1, n_comments // 5)
    types = ["government", "industry", "civil_society", "academia", "international", "individual", "child_via_org"]
    countries = ["KE", "ID", "CH", "US", "GB", "JP", "BR", "IN", "ZA", "FR", ""]
    t0 = time.perf_counter()
    with connection.cursor() as c:
        buf = io.StringIO()
        for i in range(respondents):
            buf.write(f"{consultation.pk}\tr{i}@bench.example\t{now.isoformat()}\t{rng.choice(types)}\t\t\t"
                      f"{rng.choice(countries)}\tf\tf\tf\tf\t{now.isoformat()}\t\n")
        buf.seek(0)
        with c.cursor.copy(
            "COPY consultations_respondent (consultation_id, email, confirmed_at, stakeholder_type, industry_sector, "
            "organisation_name, country, is_anonymous, consent_to_list, wants_outcome, is_illustrative, created_at, "
            "confirmation_hash) FROM STDIN"
        ) as copy:
            copy.write(buf.getvalue())
        c.execute("SELECT min(id) FROM consultations_respondent WHERE consultation_id = %s", [consultation.pk])
        first_respondent = c.fetchone()[0]
    print(f"respondents: {respondents} in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    statuses = ["published"] * 8 + ["pending", "hidden"]
    hot = paragraph_ids[:5]  # campaigns aim at a few paragraphs
    batch = 100_000
    with connection.cursor() as c:
        for start in range(0, n_comments, batch):
            rows = []
            for i in range(start, min(n_comments, start + batch)):
                if rng.random() < 0.6:
                    k = rng.randrange(len(CAMPAIGNS))
                    text = CAMPAIGNS[k]
                    if rng.random() < 0.3:
                        text += " " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3))) + "."
                    paragraph = hot[k]
                else:
                    text = " ".join(rng.choices(WORDS, WEIGHTS, k=rng.randint(15, 60))).capitalize() + "."
                    paragraph = rng.choice(paragraph_ids)
                receipt = f"BENCH-{i:010d}"
                rows.append("\t".join([
                    str(consultation.pk), str(first_respondent + rng.randrange(respondents)), "paragraph",
                    str(paragraph), "", "general", text, "", "online", receipt, receipt, now.isoformat(),
                    rng.choice(statuses), "", similarity.text_hash(text),
                    "\\\\x" + similarity.signature(text).hex(), "f",
                ]))
            with c.cursor.copy(
                "COPY consultations_comment (consultation_id, respondent_id, target, paragraph_id, quote, comment_type, "
                "text, proposed_change, channel, receipt, submission_key, received_at, status, moderation_reason, "
                "text_hash, signature, is_illustrative) FROM STDIN"
            ) as copy:
                copy.write("\n".join(rows) + "\n")
            print(f"  {min(n_comments, start + batch)} comments ({time.perf_counter() - t0:.0f} s)", flush=True)
        c.execute("ANALYZE consultations_comment")
        c.execute("ANALYZE consultations_respondent")
    print(f"comments: {n_comments} in {time.perf_counter() - t0:.1f} s")
    return actor, consultation


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--only-grouping", action="store_true", help="skip the page and synopsis timings")
    parser.add_argument("--no-grouping", action="store_true", help="skip the grouping timings")
    parser.add_argument("--reset-groups", action="store_true", help="remove every group before grouping")
    parser.add_argument("--phases", action="store_true", help="also time grouping's read and clustering alone")
    args = parser.parse_args()
    common.setup(test_environment=True, skip_checks=True)
    from django.db import connection, transaction
    from django.test import Client

    from tutela.consultations import selectors, services, similarity
    from tutela.core.models import AuditEntry

    actor, consultation = setup(args.comments)
    paragraph_ids = list(consultation.version.paragraphs.values_list("pk", flat=True))
    client = Client()
    rng = random.Random(3)
    timings = []
    for i in range(0 if args.only_grouping else args.pages + 20):
        pid = paragraph_ids[i % 5] if i % 10 == 0 else rng.choice(paragraph_ids)  # include the campaign paragraphs
        t0 = time.perf_counter()
        response = client.get(f"/consultations/{consultation.pk}/p/{pid}/", HTTP_HOST="localhost")
        elapsed = (time.perf_counter() - t0) * 1000
        assert response.status_code == 200, response.status_code
        if i >= 20:  # warm-up
            timings.append(elapsed)
    if timings:
        print(f"paragraph page (anonymous, {len(timings)} requests): p50 {pct(timings, 50):.1f} ms, "
              f"p95 {pct(timings, 95):.1f} ms, max {max(timings):.1f} ms")
    if not args.only_grouping:
        t0 = time.perf_counter()
        data = selectors.synopsis(consultation, live=True)
        print(f"synopsis: {time.perf_counter() - t0:.2f} s ({data['total_comments']} comments, "
              f"{len(data['by_paragraph'])} paragraphs, {len(data['by_country'])} countries)")
    if args.no_grouping:
        return
    if args.reset_groups:
        with connection.cursor() as c:
            c.execute("TRUNCATE consultations_commentgroupmember, consultations_commentgroup")
    if args.phases:
        t0, c0 = time.perf_counter(), time.process_time()
        with transaction.atomic():  # its server-side cursor needs one (comments_group's own, in the service)
            members, signatures = services._distinct_texts(consultation)
        print(f"  read: {sum(map(len, members))} comments, {len(members)} distinct texts in "
              f"{time.perf_counter() - t0:.1f} s (client CPU {time.process_time() - c0:.1f} s)", flush=True)
        t0, c0 = time.perf_counter(), time.process_time()
        found = similarity.clusters(signatures, similarity.THRESHOLD)
        print(f"  LSH clustering: {len(found)} clusters of distinct texts in {time.perf_counter() - t0:.1f} s "
              f"(CPU {time.process_time() - c0:.1f} s)", flush=True)
        del members, signatures, found
    for run in ("first run", "re-run, nothing new"):
        t0, c0 = time.perf_counter(), time.process_time()
        groups = services.comments_group(actor=actor, consultation=consultation)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        sizes = sorted(consultation.comment_groups.values_list("size", flat=True), reverse=True)
        last = AuditEntry.objects.filter(action="consultation.grouped_duplicates").order_by("-id").first()
        print(f"near-duplicate grouping ({run}): {elapsed:.1f} s (client CPU {cpu:.1f} s), {groups} groups, "
              f"largest {sizes[:6]}, {sum(sizes)} comments grouped, memberships joined "
              f"{last.changes['joined'][1]} / left {last.changes['left'][1]}; peak RSS so far "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB", flush=True)
    staff = Client()
    staff.force_login(actor)
    for name in ("moderate", "dispositions"):  # the staff pages that read groups
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            response = staff.get(f"/consultations/{consultation.pk}/{name}/", HTTP_HOST="localhost")
            assert response.status_code == 200, response.status_code
            times.append(time.perf_counter() - t0)
        print(f"{name} page (staff, with the groups): " + ", ".join(f"{t:.2f}" for t in times) + " s", flush=True)
    group = consultation.comment_groups.order_by("-size").first()
    with transaction.atomic():
        t0 = time.perf_counter()
        n = services.comment_group_moderate(actor=actor, group=group, action="published")
        t1 = time.perf_counter()
        services.disposition_record(actor=actor, consultation=consultation,
                                    comment_ids=selectors.group_comment_ids(group), decision="noted",
                                    rationale="Benchmark: a whole campaign decided at once.")
        t2 = time.perf_counter()
        transaction.set_rollback(True)
    print(f"largest group ({n} comments) published at once: {t1 - t0:.1f} s; decided at once: {t2 - t1:.1f} s "
          f"(both rolled back)", flush=True)


if __name__ == "__main__":
    main()
