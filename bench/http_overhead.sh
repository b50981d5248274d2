#!/usr/bin/env bash
# Issue 2: requests/s and p50/p95 of the home page and GET /api/v1/me (token) under gunicorn
# (2 workers, TUTELA_ENV unset, DEBUG off), each against a bare view returning the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "installing wrk (apt)"; apt-get install -y -q wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }; }
PORT=${BENCH_PORT:-8150}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
export DJANGO_SETTINGS_MODULE=bench.settings BENCH_URLCONF=bench.urls DEBUG=0 LOG_LEVEL=WARNING
export BENCH_BYTES_DIR=${BENCH_BYTES_DIR:-/tmp/tutela-bench}
unset TUTELA_ENV
.venv/bin/python bench/prepare.py
PIDFILE="$BENCH_BYTES_DIR/gunicorn.pid"
.venv/bin/gunicorn config.wsgi:application -b 127.0.0.1:$PORT -w 2 --pid "$PIDFILE" --daemon \
  --error-logfile "$BENCH_BYTES_DIR/gunicorn.log" --env DJANGO_SETTINGS_MODULE=bench.settings
trap 'kill "$(cat "$PIDFILE")" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/bench/bare-home" && break; sleep 0.2; done
run() {  # name url token
  BENCH_TOKEN="$3" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s bench/wrk_report.lua "http://127.0.0.1:$PORT$2" | tail -n 1 \
    | sed "s/^{/{\"name\": \"$1\", /"
}
TOKEN=$(cat "$BENCH_BYTES_DIR/token")
for url in /bench/bare-home / /bench/bare-me /api/v1/me; do curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$url"; done
{
  run bare-home /bench/bare-home ""
  run home / ""
  run bare-me /bench/bare-me "$TOKEN"
  run api-me /api/v1/me "$TOKEN"
} | tee "$BENCH_BYTES_DIR/http.jsonl"
.venv/bin/python - "$BENCH_BYTES_DIR/http.jsonl" <<'PY'
import json, sys
r = {d["name"]: d for d in map(json.loads, open(sys.argv[1]))}
for real, bare in (("home", "bare-home"), ("api-me", "bare-me")):
    a, b = r[real], r[bare]
    print(f"{real}: {a['rps']:.0f} req/s vs bare {b['rps']:.0f} -> ratio {a['rps'] / b['rps']:.2f}x; "
          f"p50 {a['p50_ms']:.2f} ms (bare {b['p50_ms']:.2f}), p95 {a['p95_ms']:.2f} ms (bare {b['p95_ms']:.2f}); "
          f"errors {a['errors']}, non-2xx {a['non2xx']}")
PY
