"""Kill the worker mid-import (SIGKILL), start it again: the job finishes, with nothing half-applied.

A real ``manage.py run_worker`` (TUTELA_TASKS=db) on a file database: SQLite in a temporary
directory, or, when DATABASE_URL names PostgreSQL, a scratch database beside it. The import is made
slow by ``EXCHANGE_TEST_ROW_DELAY`` (tests/worker_settings.py), so the kill lands mid-way.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ROWS = 60

SETUP = f"""
import io
from tutela.accounts.services import user_create
from tutela.exchange import services
from tutela.partners.services import organisation_create
org = organisation_create(actor=None, name="International Telecommunication Union", acronym="ITU", kind="un_agency")
user = user_create(actor=None, email="sec@example.org", password="x" * 12, role="secretariat", organisation=org,
                   full_name="Sec")
data = ("name,acronym,kind,country\\n" + "".join(f"Killtest {{i}},,other,KE\\n" for i in range({ROWS}))).encode()
job = services.import_job_create(actor=user, kind="organisations", upload=io.BytesIO(data), name="o.csv", size=len(data))
services.import_job_start(actor=user, job=job, mode="all")
print("JOB", job.pk)
"""


def _env(database_url: str, var: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "TUTELA_VAR_DIR": str(var), "TUTELA_TASKS": "db",
           "DJANGO_SETTINGS_MODULE": "tutela.exchange.tests.worker_settings", "PYTHONUNBUFFERED": "1"}
    return env


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


class _Db:
    """Raw reads of the scratch database from the test process (no Django connection involved)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, sql: str, *params):
        if self.url.startswith("sqlite"):
            with sqlite3.connect(urlparse(self.url).path, timeout=30) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as conn:
            return conn.execute(sql, params).fetchall()

    def one(self, sql: str, *params):
        rows = self.query(sql, *params)
        return rows[0] if rows else None


@pytest.fixture
def scratch_db(tmp_path):
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlparse(base)
        name = f"{parts.path.lstrip('/')}_kill"
        admin = urlunparse(parts._replace(scheme="postgresql", path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        yield urlunparse(parts._replace(path=f"/{name}"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'kill.sqlite3'}"


def _start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "run_worker"], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_sigkilled_worker_leaves_nothing_half_applied_and_the_job_finishes_after_restart(scratch_db, tmp_path):
    env = _env(scratch_db, tmp_path / "var")
    db = _Db(scratch_db)
    _manage(env, "migrate", "--no-input", "-v", "0")
    job_id = int(_manage(env, "shell", "-c", SETUP).split("JOB")[-1])
    log = tmp_path / "worker.log"
    imported = "SELECT count(*) FROM partners_organisation WHERE name LIKE 'Killtest %%'"

    worker = _start_worker(env, log)
    try:
        _wait(lambda: db.one("SELECT status FROM exchange_importjob WHERE id = %s", job_id)[0] == "running",
              120, "the worker to start the import")
        time.sleep(2)  # about a third of the rows are through the service, inside the import's transaction
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        status, attempts = db.one("SELECT status, attempts FROM exchange_importjob WHERE id = %s", job_id)
        assert (status, attempts) == ("running", 1)
        assert db.one(imported)[0] == 0, "a killed import must have applied nothing"

        worker = _start_worker(env, log)
        status = _wait(lambda: (s := db.one("SELECT status FROM exchange_importjob WHERE id = %s", job_id)[0])
                       in ("imported", "failed") and s, 120, "the restarted worker to finish the job")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)
    row = db.one("SELECT status, attempts, imported_rows, total_rows FROM exchange_importjob WHERE id = %s", job_id)
    assert row == ("imported", 2, ROWS, ROWS), log.read_text()[-3000:]
    assert db.one(imported)[0] == ROWS, "every row exactly once"
    assert db.one("SELECT count(*) FROM core_auditentry WHERE action = 'import_job.resumed'")[0] == 1
    # The dead worker's task row is not left "running" for ever.
    tasks = db.query("SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at")
    assert ("FAILED", "tutela.core.jobs.WorkerDied") in tasks and not any(s == "RUNNING" for s, _e in tasks), tasks
