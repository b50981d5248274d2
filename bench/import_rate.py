"""CSV import rate and peak memory: ``python bench/import_rate.py KIND ROWS [MODE]``, in its own process.

Writes a CSV of ROWS valid rows, uploads it as the bench secretariat user, and runs the import
(MODE ``all`` by default: one transaction; ``check`` for a dry run). Figures files of at least
``EXCHANGE_BULK_MIN_ROWS`` rows take the bulk path (checked by the figures service rules, COPY per
batch, one audit entry per job); organisations and activities go row by row through their services.
Prints one JSON line with rows/s and the process's peak RSS (before and after the import). Tasks are
queued in the database (``TUTELA_TASKS=db``), so the dashboard refresh the import queues is not timed.
"""

import csv
import io
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
# Tasks queued in the database, as in production: the import's commit queues the dashboard's refresh
# for the worker (none runs here) instead of running it inline inside the measured time.
os.environ.setdefault("TUTELA_TASKS", "db")
django.setup()

from django.conf import settings  # noqa: E402

from tutela.accounts.models import User  # noqa: E402
from tutela.exchange import services  # noqa: E402
from tutela.exchange.models import ImportJob  # noqa: E402
from tutela.partners.models import Organisation  # noqa: E402

kind, rows = sys.argv[1], int(sys.argv[2])
mode = sys.argv[3] if len(sys.argv) > 3 else "all"
settings.EXCHANGE_MAX_UPLOAD_BYTES = 10**10
if os.environ.get("BENCH_BULK_MIN_ROWS"):  # e.g. 10**9 to force the row path for comparison
    settings.EXCHANGE_BULK_MIN_ROWS = int(os.environ["BENCH_BULK_MIN_ROWS"])
user = User.objects.get(email="bench@example.org")
stamp = int(time.time())
path = Path(tempfile.gettempdir()) / f"tutela-import-{kind}-{rows}.csv"
with path.open("w", newline="", encoding="utf-8") as fh:
    writer = csv.writer(fh)
    if kind == "organisations":
        writer.writerow(["name", "acronym", "kind", "country"])
        for i in range(rows):
            writer.writerow([f"Imported organisation {stamp}-{i}", "", "civil_society", "KE"])
    elif kind == "figures":
        orgs = list(Organisation.objects.order_by("pk").values_list("name", flat=True)[:50])
        writer.writerow(["indicator", "value", "low", "high", "kind", "measure", "method", "source", "as_of", "country",
                         "group", "min_age", "max_age", "reported_by"])
        for i in range(rows):
            if i % 3 == 0:
                writer.writerow(["children_reached", 100 + i % 900, 80, 1200, "estimated", "", "Sessions × class size",
                                 "Bench report", "2015-06-30", "KE", "children", 9, 12, orgs[i % len(orgs)]])
            else:
                writer.writerow(["people_trained", 10 + i % 90, "", "", "counted", "actual", "", "Bench register",
                                 "2016-01-31", "BR", "", "", "", orgs[i % len(orgs)]])
    else:
        org = Organisation.objects.order_by("pk").first()
        writer.writerow(["title", "kind", "starts_on", "country", "pillars", "organisers", "participation"])
        for i in range(rows):
            writer.writerow([f"Imported workshop {stamp}-{i}", "workshop", "2015-03-01", "KE", "4", org.name,
                             "children 9-12: 30 (estimated); educators: 4"])
size = path.stat().st_size
with path.open("rb") as fh:
    job = services.import_job_create(actor=user, kind=kind, upload=io.BufferedReader(fh), name=path.name, size=size)
ImportJob.objects.filter(pk=job.pk).update(mode=mode, status="queued")
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend (same machine only), from /proc."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    try:
        fields = Path(f"/proc/{connection.connection.info.backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


server_before = server_cpu()
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu_before = usage.ru_utime + usage.ru_stime
load_before = os.getloadavg()
started = time.perf_counter()
if os.environ.get("BENCH_PROFILE"):  # a cProfile of the run, written to this path (slower: CPU shares, not the rate)
    import cProfile

    profile = cProfile.Profile()
    job = profile.runcall(services.import_job_run, job_id=job.pk)
    profile.dump_stats(os.environ["BENCH_PROFILE"])
else:
    job = services.import_job_run(job_id=job.pk)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime - cpu_before  # this process only; PostgreSQL's share is server_cpu_s
server = server_cpu()
server_s = round(server - server_before, 1) if server is not None and server_before is not None else None
print(json.dumps({"kind": kind, "rows": rows, "mode": mode, "path": job.report.get("path"), "imported": job.imported_rows,
                  "valid": job.valid_rows, "status": job.status, "seconds": round(seconds, 1),
                  "rows_per_s": round(job.total_rows / seconds),
                  "python_cpu_s": round(cpu, 1), "rows_per_python_cpu_s": round(job.total_rows / cpu), "server_cpu_s": server_s, "peak_rss_mb_before": round(rss_before / 1024),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "file_mb": round(size / 1048576, 1),
                  "load_before": [round(v, 2) for v in load_before], "load_after": [round(v, 2) for v in os.getloadavg()]}))
path.unlink()
