"""How long after another connection's commit returns a LISTENing connection sees tutela_auth (PostgreSQL).

Run: .venv/bin/python bench/notify_latency.py  (DSN below: the tutela_http bench database, migrated)."""
import time, psycopg, statistics
import os
dsn = os.environ.get("DATABASE_URL", "postgresql://tutela:tutela@127.0.0.1:5432/tutela_http")
a = psycopg.connect(dsn, autocommit=True); b = psycopg.connect(dsn, autocommit=True)
a.execute("LISTEN tutela_auth")
lat = []
for i in range(200):
    b.execute("UPDATE accounts_user SET full_name = full_name WHERE id = -1")
    t = time.perf_counter()
    while True:
        a.pgconn.consume_input()
        if a.pgconn.notifies() is not None:
            break
    lat.append((time.perf_counter() - t) * 1e3)
lat.sort()
print(f"after commit returns: median {statistics.median(lat):.3f} ms, p95 {lat[189]:.3f} ms, max {lat[-1]:.3f} ms")
