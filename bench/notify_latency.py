"""How long after another connection's commit returns a LISTENing connection sees tutela_auth (PostgreSQL).

Run: DATABASE_URL=postgresql://…/tutela_http .venv/bin/python bench/notify_latency.py (a migrated database).
"""

import os
import statistics
import time

import psycopg

dsn = os.environ.get("DATABASE_URL", "postgresql://tutela:tutela@127.0.0.1:5432/tutela_http")
listener = psycopg.connect(dsn, autocommit=True)
writer = psycopg.connect(dsn, autocommit=True)
listener.execute("LISTEN tutela_auth")
latencies = []
for _ in range(200):
    writer.execute("UPDATE accounts_user SET full_name = full_name WHERE id = -1")  # fires the trigger
    started = time.perf_counter()
    while True:
        listener.pgconn.consume_input()
        if listener.pgconn.notifies() is not None:
            break
    latencies.append((time.perf_counter() - started) * 1e3)
latencies.sort()
print(f"after the commit returns: median {statistics.median(latencies):.3f} ms, "
      f"p95 {latencies[189]:.3f} ms, max {latencies[-1]:.3f} ms")
