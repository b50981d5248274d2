"""Issue 15 item 7, CPU view: the CPU time one ``GET /search/?q=…`` costs, Django's process and its PostgreSQL
backend together (``/proc/<pid>/stat`` of both; the backend runs on this machine), per persona over
``home_search_bench.QUERIES``. On a machine shared with other work the wall clock mostly measures waiting for a
core; CPU time is what the request itself spends. Same data as ``home_search_bench.py`` (see its header):

    DATABASE_URL=… python bench/home_search_cpu.py --rounds 3

Prints one JSON object: per persona, p50 / p95 / max of the CPU milliseconds per page, and the median per query.
Never a test. Linux only (clock ticks of /proc: 10 ms resolution, so rounds are repeated and summed per query).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import home_search_bench as bench  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="repeats of each query, summed (tick resolution)")
    parser.add_argument("--batch", type=int, default=10, help="pages per measurement")
    parser.add_argument("--personas", default="anonymous,secretariat,focal_point")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL"
    result: dict = {"load_before": os.getloadavg()}
    for role in args.personas.split(","):
        user = bench._persona(role)
        client = Client(HTTP_HOST="127.0.0.1")
        if user.is_authenticated:
            client.force_login(user)
        client.get("/search/", {"q": "child"})
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        per_query: dict[str, list[float]] = {}
        for q in bench.QUERIES:
            for _ in range(args.rounds):
                start_me, start_pg = time.process_time(), _cpu(backend)
                for _ in range(args.batch):
                    assert client.get("/search/", {"q": q}).status_code == 200
                me, pg = time.process_time() - start_me, _cpu(backend) - start_pg
                per_query.setdefault(q, []).append(1000 * (me + pg) / args.batch)
        times = sorted(t for ts in per_query.values() for t in ts)
        result[role] = {"cpu_ms_per_page": {"p50": round(statistics.median(times), 1),
                                            "p95": round(times[int(0.95 * (len(times) - 1))], 1),
                                            "max": round(times[-1], 1), "n": len(times)},
                        "median_by_query": {q: round(statistics.median(ts), 1) for q, ts in per_query.items()}}
    result["load_after"] = os.getloadavg()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
