"""Kill the worker mid-import of a guideline version (SIGKILL), start it again: the version is
imported once, with nothing half-applied by the dead run (issue 12, item 7).

The import is made slow by ``CONSULTATIONS_TEST_IMPORT_DELAY`` (tests/worker_settings.py): the
worker sleeps inside the import's transaction after writing the version and its paragraphs, so
the kill lands after the writes and before the commit.
"""

import os
import signal
import time

from tutela.core.tests.worker import Db, manage, scratch_db, start_worker, wait_for, worker_env  # noqa: F401

PARAGRAPHS = 40

SETUP = f"""
from django.core.files.uploadedfile import SimpleUploadedFile
from tutela.accounts.services import user_create
from tutela.consultations import services
from tutela.core.tests.hostile import docx_bytes
from tutela.partners.services import organisation_create
org = organisation_create(actor=None, name="International Telecommunication Union", acronym="ITU", kind="un_agency")
user = user_create(actor=None, email="sec@example.org", password="x" * 12, role="secretariat", organisation=org,
                   full_name="Sec")
document = services.document_create(actor=user, title="Guidelines for Industry", audience="industry", edition="2014")
data = docx_bytes([f"Killtest paragraph {{i}}." for i in range({PARAGRAPHS})])
job = services.guideline_import_queue(actor=user, document=document, label="Killtest",
                                      upload=SimpleUploadedFile("killtest.docx", data))
print("JOB", job.pk)
"""


def test_a_sigkilled_worker_leaves_no_half_imported_version_and_the_import_finishes_after_restart(
        scratch_db, tmp_path):  # noqa: F811
    env = worker_env(scratch_db, tmp_path / "var", "tutela.consultations.tests.worker_settings")
    db = Db(scratch_db)
    manage(env, "migrate", "--no-input", "-v", "0")
    job_id = int(manage(env, "shell", "-c", SETUP).split("JOB")[-1])
    log = tmp_path / "worker.log"
    job = "SELECT status, attempts FROM consultations_guidelineimport WHERE id = %s"
    versions = "SELECT count(*) FROM consultations_guidelineversion WHERE label = 'Killtest'"
    paragraphs = "SELECT count(*) FROM consultations_paragraph WHERE text LIKE 'Killtest paragraph %%'"

    worker = start_worker(env, log)
    try:
        wait_for(lambda: db.one(job, job_id)[0] == "running", 120, "the worker to start the import")
        time.sleep(2)  # the version and its paragraphs are written, inside the import's transaction
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        assert db.one(job, job_id) == ("running", 1)
        assert db.one(versions)[0] == 0 and db.one(paragraphs)[0] == 0, "a killed import must have applied nothing"

        worker = start_worker(env, log)
        wait_for(lambda: db.one(job, job_id)[0] in ("imported", "failed"), 120, "the restarted worker to finish")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)
    row = db.one("SELECT status, attempts, error, version_id FROM consultations_guidelineimport WHERE id = %s", job_id)
    assert row[:3] == ("imported", 2, ""), log.read_text()[-3000:]
    assert db.one(versions)[0] == 1 and db.one(paragraphs)[0] == PARAGRAPHS, "the version exactly once"
    assert db.one("SELECT label FROM consultations_guidelineversion WHERE id = %s", row[3])[0] == "Killtest"
    assert db.one("SELECT count(*) FROM core_auditentry WHERE action = 'guideline_import.resumed'")[0] == 1
    # The dead worker's task row is not left "running" for ever.
    tasks = db.query("SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at")
    assert ("FAILED", "tutela.core.jobs.WorkerDied") in tasks and not any(s == "RUNNING" for s, _e in tasks), tasks
