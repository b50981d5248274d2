#!/usr/bin/env bash
# Comment intake under gunicorn + PostgreSQL with wrk on loopback (port 8112, or BENCH_PORT). Needs the BENCH
# consultation made by bench/consultations_bench.py in the same database. Duration, workers,
# connections and accounts: BENCH_SECONDS (60), BENCH_WORKERS (4), BENCH_CONNECTIONS (32), BENCH_USERS (200).
# Workers are gthread with BENCH_THREADS (4) threads each, which keeps connections alive between
# requests (the sync worker closes each one: ~1.5 ms more CPU per comment, see
# bench/consultations_RESULTS.md); BENCH_THREADS=0 runs sync workers. BENCH_GUNICORN_ARGS adds options.
#
# Besides comments/s (which on a shared machine says as much about the other users as about us),
# it prints the CPU each side spent per comment during the timed run only (after a warm-up, so
# worker start-up is not counted): the gunicorn workers, the PostgreSQL backends serving them,
# and wrk. Their sum is what one comment costs the machine; 2 cores / that sum is the rate an
# otherwise idle 2-core machine could reach. wrk's --timeout is 10 s (BENCH_TIMEOUT), not its 2 s
# default: wrk drops slower answers from its latency figures and counts them as "timeout" errors,
# though they arrive (and are checked) like the others; with 10 s a slow answer shows in max_ms.
set -euo pipefail
cd "${BENCH_APP_DIR:-$(dirname "$0")/..}"
PORT=${BENCH_PORT:-8112}
export DATABASE_URL=${DATABASE_URL:-postgres://tutela:tutela@127.0.0.1:5432/tutela_consultations_bench}
export TUTELA_VAR_DIR=${TUTELA_VAR_DIR:-/tmp/consultations-bench}
export DEBUG=0 LOG_LEVEL=WARNING TUTELA_TASKS=db   # receipts are queued for the worker, as in production
unset TUTELA_ENV
OUT=$TUTELA_VAR_DIR/intake; mkdir -p "$OUT/warm"; rm -f "$OUT"/receipts.* "$OUT"/warm/receipts.*
DB=${DATABASE_URL##*/}
read -r CONSULTATION PARAGRAPH < <(.venv/bin/python bench/consultations_intake.py prepare "$OUT/tokens" "${BENCH_USERS:-200}")
# shellcheck disable=SC2086
.venv/bin/gunicorn config.wsgi:application -b 127.0.0.1:$PORT -w "${BENCH_WORKERS:-4}" --pid "$OUT/gunicorn.pid" \
  --daemon --log-level warning --error-logfile "$OUT/gunicorn.log" ${BENCH_GUNICORN_ARGS:-} \
  $([ "${BENCH_THREADS:-4}" != 0 ] && echo "-k gthread --threads ${BENCH_THREADS:-4}")
trap 'kill "$(cat "$OUT/gunicorn.pid")"' EXIT
sleep 3
export BENCH_TOKENS=$OUT/tokens BENCH_CONSULTATION=$CONSULTATION BENCH_PARAGRAPH=$PARAGRAPH BENCH_RECEIPTS=$OUT/receipts
# Warm-up: each worker loads the URLconf and the API schemas on its first request and then
# connects; under load that takes seconds, which must not count. Its receipts are checked too.
# Repeated until every worker holds its database connection (at most 12 rounds of 5 s).
backends() {
  PGPASSWORD=tutela psql -h 127.0.0.1 -U tutela -d "$DB" -Atc "SELECT count(*) || ' ' || coalesce(string_agg(pid::text, ','), '')
    FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
}
for round in $(seq 12); do
  BENCH_RUN=$(date +%s)a$round wrk -t 2 -c "${BENCH_CONNECTIONS:-32}" -d 5s -s bench/consultations_intake.lua \
    http://127.0.0.1:$PORT >/dev/null
  mv "$OUT"/receipts.1 "$OUT/warm/receipts.$round-1"; mv "$OUT"/receipts.2 "$OUT/warm/receipts.$round-2"
  read -r COUNT BACKENDS < <(backends)
  [ "$COUNT" -ge "${BENCH_WORKERS:-4}" ] && break
done
ticks() { [ -r "/proc/$1/stat" ] && awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat" || echo 0; }
cpu() {  # user + system clock ticks of the given pids (from /proc)
  local total=0 pid
  for pid in $(echo "$1" | tr ',' ' '); do total=$((total + $(ticks "$pid"))); done
  echo "$total"
}
WORKERS=$(pgrep -P "$(cat "$OUT/gunicorn.pid")" | tr '\n' ',' | sed 's/,$//')
echo "warm-up: $round round(s) of 5 s; database connections: $COUNT ($BACKENDS)"
declare -A BEFORE; for pid in ${BACKENDS//,/ }; do BEFORE[$pid]=$(ticks "$pid"); done
W0=$(cpu "$WORKERS"); LOAD0=$(cut -d' ' -f1 /proc/loadavg)
# Backends come and go during the run (one per gunicorn thread, closed after CONN_MAX_AGE), so
# their CPU is sampled every second by pid; a backend first seen during the run counts from 0.
: > "$OUT/backends.ticks"
( while sleep 1; do read -r _ now < <(backends); for pid in ${now//,/ }; do echo "$pid $(ticks "$pid")"; done; done \
  >> "$OUT/backends.ticks" ) &
SAMPLER=$!
BENCH_RUN=$(date +%s)b /usr/bin/time -f "%U %S" -o "$OUT/wrk.cpu" wrk -t "${BENCH_WRK_THREADS:-2}" -c "${BENCH_CONNECTIONS:-32}" -d "${BENCH_SECONDS:-60}s" \
  --timeout "${BENCH_TIMEOUT:-10}s" --latency -s bench/consultations_intake.lua http://127.0.0.1:$PORT | tail -1 | tee "$OUT/wrk.json"
W1=$(cpu "$WORKERS"); LOAD1=$(cut -d' ' -f1 /proc/loadavg); read -r _ BACKENDS < <(backends)
kill "$SAMPLER"; for pid in ${BACKENDS//,/ }; do echo "$pid $(ticks "$pid")"; done >> "$OUT/backends.ticks"
declare -A LAST; while read -r pid t; do [ "$t" -gt "${LAST[$pid]:-0}" ] && LAST[$pid]=$t; done < "$OUT/backends.ticks"
P=0; for pid in "${!LAST[@]}"; do P=$((P + LAST[$pid] - ${BEFORE[$pid]:-0})); done
HZ=$(getconf CLK_TCK)
.venv/bin/python - "$OUT/wrk.json" "$OUT/wrk.cpu" "$HZ" "$((W1 - W0))" "$P" "$LOAD0" "$LOAD1" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
wrk_cpu = sum(map(float, open(sys.argv[2]).read().split()[-2:]))
hz, workers, backends = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
n = max(run["requests"], 1)
per = {"gunicorn workers": workers / hz, "postgres backends": backends / hz, "wrk": wrk_cpu}
total = sum(per.values()) / n * 1000
print("cpu per comment: " + ", ".join(f"{k} {v / n * 1000:.2f} ms" for k, v in per.items())
      + f"; total {total:.2f} ms -> an idle 2-core machine: ~{2000 / total:.0f} comments/s"
      + f" (load average {sys.argv[6]} -> {sys.argv[7]})")
PY
.venv/bin/python bench/consultations_intake.py check "$OUT/receipts"
.venv/bin/python bench/consultations_intake.py check "$OUT/warm/receipts" | sed 's/^/warm-up /'
