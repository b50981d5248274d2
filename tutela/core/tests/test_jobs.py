"""Tasks left "running" by a dead worker (drafting, mail) are queued again or failed with the reason."""

import datetime

import pytest
from django.tasks import task
from django.utils import timezone

from tutela.core import jobs
from tutela.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@jobs.resumable
@task
def repeatable() -> None:
    """Stands for a task its app marked safe to run again (drafting, mail that records what it sent)."""


@task
def not_repeatable() -> None:
    """Stands for a task its app did not mark (an import's task, which its own sweeper handles)."""


REPEATABLE, NOT_REPEATABLE = repeatable.module_path, not_repeatable.module_path


def _running(task_path: str, worker: str, *, attempts: int = 1, minutes_ago: int = 5):
    from django_tasks_db.models import DBTaskResult

    started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return DBTaskResult.objects.create(
        status="RUNNING", task_path=task_path, args_kwargs={"args": [], "kwargs": {"report_id": 1}},
        backend_name="default", run_after=started, started_at=started,
        worker_ids=[f"{worker}-{i}" for i in range(attempts - 1)] + [worker])


def test_tasks_of_a_dead_worker_are_queued_again_or_failed_with_the_reason(settings):
    settings.TASKS_MODE = "db"
    WorkerHeartbeat.objects.create(name="alive:1", last_seen=timezone.now())
    drafting = _running(REPEATABLE, "dead:1")
    mail = _running(REPEATABLE, "dead:1")
    tried_enough = _running(REPEATABLE, "dead:1", attempts=jobs.MAX_ATTEMPTS)
    unknown = _running(NOT_REPEATABLE, "dead:1")
    alive = _running(REPEATABLE, "alive:1")
    just_started = _running(REPEATABLE, "dead:1", minutes_ago=0)
    assert jobs.sweep() == 4
    for result in (drafting, mail, tried_enough, unknown, alive, just_started):
        result.refresh_from_db()
    assert drafting.status == mail.status == "READY"
    assert tried_enough.status == unknown.status == "FAILED"
    assert unknown.exception_class_path == "tutela.core.jobs.WorkerDied" and "dead:1" in unknown.traceback
    assert alive.status == just_started.status == "RUNNING"


def test_the_sweep_does_nothing_when_tasks_run_inline(settings):
    settings.TASKS_MODE = "immediate"
    assert jobs.sweep_tasks() == 0
