"""What one comment POST costs: the SQL it sends, the CPU of the Python process and of its
PostgreSQL backend, and where the Python time goes. In-process, through the WSGI application
gunicorn serves (the same middleware and API), on PostgreSQL. Not a test.

    DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_consultations_intake \\
    TUTELA_VAR_DIR=/tmp/consultations-intake DEBUG=0 LOG_LEVEL=WARNING TUTELA_TASKS=db \\
    .venv/bin/python bench/consultations_intake_profile.py [--requests 500] [--profile]

CPU times (``time.process_time`` and the backend's /proc utime+stime) depend much less on what
else the shared machine runs than wall-clock does; the profile uses CPU time too.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def backend_cpu(pid: int) -> float:
    """User + system CPU seconds of a local process (the PostgreSQL backend of our connection)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    from django.test.utils import CaptureQueriesContext

    from config.wsgi import application
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
    path = f"/api/v1/consultations/{consultation.pk}/comments"

    def post(i: int) -> bytes:
        body = json.dumps({"paragraph_id": paragraph.pk, "text": f"Intake profile comment {uuid.uuid4().hex} on this paragraph.",
                           "stakeholder_type": "civil_society", "country": "KE", "submission_key": uuid.uuid4().hex}).encode()
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8112", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8112",
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Bearer {users[i % len(users)]}", "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.multithread": False,
            "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0),
        }
        status = []
        chunks = application(environ, lambda s, h, exc_info=None: status.append(s))
        out = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()  # request_finished: what gunicorn does after each response
        assert status[0].startswith("201"), (status, out)
        return out

    for i in range(40):
        post(i)  # warm-up: every token's first use
    connection.ensure_connection()
    with CaptureQueriesContext(connection) as queries:
        print("answer:", post(0).decode())
    print(f"one intake: {len(queries.captured_queries)} statements")
    for q in queries.captured_queries:
        print("   ", q["sql"][:150])
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    pg0, cpu0, t0 = backend_cpu(backend), time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for i in range(args.requests):
        post(i)
    if profiler:
        profiler.disable()
    wall, cpu, pg = time.perf_counter() - t0, time.process_time() - cpu0, backend_cpu(backend) - pg0
    n = args.requests
    print(f"{n} intakes one after another{' (profiled)' if profiler else ''}: wall {wall / n * 1000:.2f} ms each; "
          f"CPU per intake: Python {cpu / n * 1000:.2f} ms, PostgreSQL backend {pg / n * 1000:.2f} ms; "
          f"load average {os.getloadavg()[0]:.2f}")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    main()
