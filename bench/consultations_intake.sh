#!/usr/bin/env bash
# Comment intake under gunicorn + PostgreSQL with wrk on loopback (port 8112). Needs the BENCH
# consultation made by bench/consultations_bench.py in the same database. Duration, workers,
# connections and accounts: BENCH_SECONDS (60), BENCH_WORKERS (4), BENCH_CONNECTIONS (32), BENCH_USERS (200).
set -euo pipefail
cd "${BENCH_APP_DIR:-$(dirname "$0")/..}"
export DATABASE_URL=${DATABASE_URL:-postgres://tutela:tutela@127.0.0.1:5432/tutela_consultations_bench}
export TUTELA_VAR_DIR=${TUTELA_VAR_DIR:-/tmp/consultations-bench}
export DEBUG=0 LOG_LEVEL=WARNING TUTELA_TASKS=db   # receipts are queued for the worker, as in production
unset TUTELA_ENV
OUT=$TUTELA_VAR_DIR/intake; mkdir -p "$OUT"; rm -f "$OUT"/receipts.*
read -r CONSULTATION PARAGRAPH < <(.venv/bin/python bench/consultations_intake.py prepare "$OUT/tokens" "${BENCH_USERS:-200}")
.venv/bin/gunicorn config.wsgi:application -b 127.0.0.1:8112 -w "${BENCH_WORKERS:-4}" --pid "$OUT/gunicorn.pid" \
  --daemon --log-level warning --error-logfile "$OUT/gunicorn.log"
trap 'kill "$(cat "$OUT/gunicorn.pid")"' EXIT
sleep 3
BENCH_TOKENS=$OUT/tokens BENCH_CONSULTATION=$CONSULTATION BENCH_PARAGRAPH=$PARAGRAPH BENCH_RECEIPTS=$OUT/receipts \
  wrk -t 4 -c "${BENCH_CONNECTIONS:-32}" -d "${BENCH_SECONDS:-60}s" --latency -s bench/consultations_intake.lua \
  http://127.0.0.1:8112 | tail -1
# CPU (user + system, whole seconds) spent by the gunicorn workers during the run: a per-comment
# cost that depends less on what else the shared machine runs than comments/s does.
WORKERS=$(pgrep -P "$(cat "$OUT/gunicorn.pid")" | tr '\n' ',' | sed 's/,$//')
echo "cpu seconds, gunicorn workers: $(ps -o times= -p "$WORKERS" | awk '{s+=$1} END {print s+0}')"
.venv/bin/python bench/consultations_intake.py check "$OUT/receipts"
