"""Kill the worker mid-import (SIGKILL), start it again: the job finishes, with nothing half-applied.

A real ``manage.py run_worker`` (TUTELA_TASKS=db) on a file database: SQLite in a temporary
directory, or, when DATABASE_URL names PostgreSQL, a scratch database beside it. The import is made
slow by ``EXCHANGE_TEST_ROW_DELAY`` (tests/worker_settings.py), so the kill lands mid-way.
"""

import os
import signal
import time
from pathlib import Path

from tutela.core.tests.worker import Db, manage, scratch_db, start_worker, wait_for, worker_env  # noqa: F401

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
    return worker_env(database_url, var, "tutela.exchange.tests.worker_settings")


def test_a_sigkilled_worker_leaves_nothing_half_applied_and_the_job_finishes_after_restart(scratch_db, tmp_path):  # noqa: F811
    env = _env(scratch_db, tmp_path / "var")
    db = Db(scratch_db)
    manage(env, "migrate", "--no-input", "-v", "0")
    job_id = int(manage(env, "shell", "-c", SETUP).split("JOB")[-1])
    log = tmp_path / "worker.log"
    imported = "SELECT count(*) FROM partners_organisation WHERE name LIKE 'Killtest %%'"

    worker = start_worker(env, log)
    try:
        wait_for(lambda: db.one("SELECT status FROM exchange_importjob WHERE id = %s", job_id)[0] == "running",
                 120, "the worker to start the import")
        time.sleep(2)  # about a third of the rows are through the service, inside the import's transaction
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        status, attempts = db.one("SELECT status, attempts FROM exchange_importjob WHERE id = %s", job_id)
        assert (status, attempts) == ("running", 1)
        assert db.one(imported)[0] == 0, "a killed import must have applied nothing"

        worker = start_worker(env, log)
        status = wait_for(lambda: (s := db.one("SELECT status FROM exchange_importjob WHERE id = %s", job_id)[0])
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
