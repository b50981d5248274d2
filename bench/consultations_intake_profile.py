"""What one comment POST does: the SQL it sends and where the Python time goes. In-process
(Django test client, the same middleware stack as gunicorn), on PostgreSQL. Not a test.

    DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_consultations_prof \\
    TUTELA_VAR_DIR=/tmp/consultations-prof DEBUG=0 LOG_LEVEL=WARNING TUTELA_TASKS=db \\
    .venv/bin/python bench/consultations_intake_profile.py [--requests 500] [--profile]
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    from consultations_bench import ensure_database, setup  # noqa: PLC0415 - same folder

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tutela.accounts.services import api_token_create, user_create

    call_command("migrate", verbosity=0)
    _actor, consultation = setup(1000)
    from django.contrib.auth import get_user_model

    users = []
    for i in range(20):
        email = f"profile{i}@bench.example"
        user = get_user_model().objects.filter(email=email).first() or user_create(
            actor=None, email=email, password=None, role="stakeholder")
        users.append(api_token_create(actor=user, name="profile")[1])
    paragraph = consultation.version.paragraphs.filter(kind="paragraph").order_by("position")[10]
    client = Client()
    url = f"/api/v1/consultations/{consultation.pk}/comments"

    def post(i: int):
        body = {"paragraph_id": paragraph.pk, "text": f"Intake profile comment {uuid.uuid4().hex} on this paragraph.",
                "stakeholder_type": "civil_society", "country": "KE", "submission_key": uuid.uuid4().hex}
        response = client.post(url, json.dumps(body), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {users[i % len(users)]}", HTTP_HOST="localhost")
        assert response.status_code == 201, response.content
        return response

    for i in range(20):
        post(i)  # warm-up: every token's first use
    with CaptureQueriesContext(connection) as queries:
        post(0)
    print(f"one intake: {len(queries.captured_queries)} queries")
    for q in queries.captured_queries:
        print("   ", q["sql"][:160])
    profiler = cProfile.Profile() if args.profile else None
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    for i in range(args.requests):
        post(i)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - t0
    print(f"{args.requests} intakes in one process, one after another: {elapsed:.2f} s, "
          f"{elapsed / args.requests * 1000:.2f} ms each, {args.requests / elapsed:.0f}/s")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
