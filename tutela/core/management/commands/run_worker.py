"""Run the background task worker and keep a heartbeat so /healthz can see it.

The same beat renews the lease of every job this worker holds (``tutela.core.jobs``), and the
worker sweeps for jobs and tasks whose worker died: once at start, then every few beats.
"""

import gc
import socket
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from tutela.core import jobs
from tutela.core.models import WorkerHeartbeat

SWEEP_EVERY = 3  # beats


class Command(BaseCommand):
    help = "Run the database task worker (django-tasks-db) with a heartbeat."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args, batch: bool = False, **options):
        if settings.TASKS_MODE != "db":
            raise CommandError("Tasks run inline (TUTELA_TASKS=immediate): no worker is needed. Set TUTELA_TASKS=db.")
        name = f"{socket.gethostname()}:{threading.get_native_id()}"[:64]
        jobs.set_worker_name(name)
        stop = threading.Event()
        WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})
        swept = jobs.sweep()  # what a worker that died left behind
        if swept:
            self.stderr.write(f"sweep: {swept} job(s) of a dead worker resumed or failed")
        close_old_connections()

        def beat() -> None:
            beats = 0
            while not stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
                beats += 1
                try:
                    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})
                    jobs.renew()
                    if beats % SWEEP_EVERY == 0:
                        jobs.sweep()
                except Exception as exc:  # a missed beat must not kill the worker
                    self.stderr.write(f"heartbeat failed: {exc}")
                finally:
                    close_old_connections()

        thread = threading.Thread(target=beat, name="heartbeat", daemon=True)
        thread.start()
        if not batch:
            self.stderr.write(f"{freeze_start_up()} start-up objects frozen (kept out of the cycle collector's walks)")
        argv = ["--queue-name", "*", "--no-reload", "--no-startup-delay", "--worker-id", name]
        if batch:
            argv.append("--batch")
        try:
            call_command("db_worker", *argv)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            WorkerHeartbeat.objects.filter(name=name).delete()


def freeze_start_up() -> int:
    """Move what start-up made (Django, the apps, their models and URLs: about 100,000 objects) out of the cycle
    collector's way, for the life of the worker.

    A task that makes many objects (a draft of 10,000 activities keeps about 200,000 alive) sets off full collections,
    and each walked the start-up objects too: 0.07–0.1 s of a 1.5 s draft (bench/RESULTS.md, issue 14). Garbage is
    collected first, so nothing unreachable is kept; objects made later are collected as before. ``gc.freeze`` is
    Python's documented API for this. Returns how many were frozen. Not in ``--batch`` (a short run, and the tests'
    in-process worker)."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
