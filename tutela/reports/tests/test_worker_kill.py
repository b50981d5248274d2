"""Kill the worker mid-draft (SIGKILL), start it again: the draft finishes, with nothing half-written.

The same real ``manage.py run_worker`` on a scratch database as the imports' kill tests (the
helpers are ``tutela/core/tests/worker.py``). The draft is made slow by
``REPORTS_TEST_DRAFT_DELAY`` (``worker_settings.py`` here), so the kill lands inside its transaction.
"""

import json
import os
import signal
import time

from tutela.core.tests.worker import Db, manage, scratch_db, start_worker, wait_for, worker_env  # noqa: F401

ACTIVITIES = 4

SETUP = f"""
from datetime import date
from tutela.accounts.services import user_create
from tutela.activities.services import activity_create
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.partners.services import organisation_create
from tutela.reports import selectors, services
org = organisation_create(actor=None, name="International Telecommunication Union", acronym="ITU", kind="un_agency")
user = user_create(actor=None, email="sec@example.org", password="x" * 12, role="secretariat", organisation=org,
                   full_name="Sec")
initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="First phase", mandate="Resolution 7",
                               lead_organisation=org, launched_on=date(2019, 3, 1))
for i in range({ACTIVITIES}):
    activity_create(actor=None, title=f"Killtest workshop {{i}}", kind="workshop", status="held",
                    starts_on=date(2020, 2 + i, 10), ends_on=date(2020, 2 + i, 11), city="Geneva", country="CH",
                    pillars=[Pillar.objects.first()], partners=[(org, "organiser")])
report = services.report_create(actor=user, title="Update 2020", initiative=initiative,
                                period_start=date(2020, 1, 1), period_end=date(2020, 12, 31))
selectors.BACKGROUND_THRESHOLD = 0  # draft it in the worker
assert services.report_draft_or_schedule(actor=user, report=report) is None
print("REPORT", report.pk)
"""


def test_a_sigkilled_worker_leaves_no_half_draft_and_the_draft_finishes_after_restart(scratch_db, tmp_path):  # noqa: F811
    env = worker_env(scratch_db, tmp_path / "var", "tutela.reports.tests.worker_settings")
    db = Db(scratch_db)
    manage(env, "migrate", "--no-input", "-v", "0")
    report_id = int(manage(env, "shell", "-c", SETUP).split("REPORT")[-1])
    log = tmp_path / "worker.log"
    state = "SELECT draft_status FROM reports_report WHERE id = %s"
    paragraphs = "SELECT count(*) FROM reports_reportparagraph WHERE report_id = %s"

    worker = start_worker(env, log)
    try:
        wait_for(lambda: db.one(state, report_id)[0] == "running", 120, "the worker to start drafting")
        time.sleep(2)  # the paragraphs are written; the transaction waits out the test delay
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        assert db.one(state, report_id)[0] == "running"
        assert db.one(paragraphs, report_id)[0] == 0, "a killed draft must have written nothing"

        worker = start_worker(env, log)
        final = wait_for(lambda: (s := db.one(state, report_id)[0]) in ("done", "failed") and s, 120,
                         "the restarted worker to finish the draft")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)
    assert final == "done", log.read_text()[-3000:]
    assert "start-up objects frozen" in log.read_text(), "the worker sets start-up aside (run_worker.freeze_start_up)"
    count, keys = db.one("SELECT count(*), count(DISTINCT keys) FROM reports_reportparagraph WHERE report_id = %s",
                         report_id)
    assert count == keys and count >= ACTIVITIES, "each drafted paragraph exactly once"
    assert db.one("SELECT count(*) FROM reports_reportparagraph WHERE report_id = %s AND CAST(sentences AS TEXT) LIKE %s",
                  report_id, "%Killtest workshop 3%")[0] >= 1
    task_id = db.one("SELECT draft_task_id FROM reports_report WHERE id = %s", report_id)[0]
    status, workers = db.one("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE "
                             "replace(CAST(id AS TEXT), '-', '') = replace(%s, '-', '')", task_id)
    workers = json.loads(workers) if isinstance(workers, str) else workers  # a JSON text on SQLite, jsonb on PostgreSQL
    assert status == "SUCCESSFUL" and len(workers) == 2, (status, workers)  # run twice: killed, then done
