#!/usr/bin/env bash
# `make bench`: issue 2 (HTTP overhead under gunicorn + wrk) and issue 3 (PostgreSQL: dashboard,
# list pages, API list, CSV import). Assumes PostgreSQL on 127.0.0.1 with role tutela/tutela;
# (re)creates database tutela_bench. Scale: BENCH_ACTIVITIES / BENCH_FIGURES (default 100k / 1M,
# see bench/RESULTS.md for why not 1M / 10M). Results: $BENCH_BYTES_DIR/*.json(l).
set -euo pipefail
cd "$(dirname "$0")/.."
export PGPASSWORD=tutela
DB=${BENCH_DB:-tutela_bench}
ACTIVITIES=${BENCH_ACTIVITIES:-100000}
FIGURES=${BENCH_FIGURES:-1000000}
IMPORT_ROWS=${BENCH_IMPORT_ROWS:-5000}
export BENCH_BYTES_DIR=${BENCH_BYTES_DIR:-/tmp/tutela-bench}
export TUTELA_VAR_DIR=${TUTELA_VAR_DIR:-/tmp/tutela-bench/var}
export DATABASE_URL="postgres://tutela:tutela@127.0.0.1:5432/$DB"
export DJANGO_SETTINGS_MODULE=bench.settings DEBUG=0 LOG_LEVEL=WARNING
unset TUTELA_ENV
mkdir -p "$BENCH_BYTES_DIR" "$TUTELA_VAR_DIR"

echo "== database $DB"
dropdb -h 127.0.0.1 -U tutela --if-exists "$DB"
createdb -h 127.0.0.1 -U tutela "$DB"
.venv/bin/python manage.py migrate -v 0

echo "== synth --activities $ACTIVITIES --figures $FIGURES"
/usr/bin/time -f "synth wall %e s, peak RSS %M KB" .venv/bin/python manage.py synth \
  --activities "$ACTIVITIES" --figures "$FIGURES" --organisations 5000 --seed 42 2>&1 | tee "$BENCH_BYTES_DIR/synth.txt"

echo "== issue 2: HTTP overhead"
bash bench/http_overhead.sh | tee "$BENCH_BYTES_DIR/http.txt"

echo "== issue 3: dashboard, lists, API"
.venv/bin/python bench/core.py | tee "$BENCH_BYTES_DIR/core.json"

echo "== issue 3: CSV import (each in its own process: peak RSS is the process's)"
for rows in $((IMPORT_ROWS / 5)) "$IMPORT_ROWS"; do
  .venv/bin/python bench/import_rate.py organisations "$rows" | tee -a "$BENCH_BYTES_DIR/import.jsonl"
done
.venv/bin/python bench/import_rate.py activities "$((IMPORT_ROWS / 5))" | tee -a "$BENCH_BYTES_DIR/import.jsonl"
