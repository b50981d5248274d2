#!/usr/bin/env bash
# `make run`: install, migrate, load the demo when empty, then serve the web app and a worker.
# PORT=8001 make run serves on another port; SITE_URL (links in e-mails) follows it.
source scripts/env.sh
source scripts/system-packages.sh
PORT=${PORT:-8000}
ADDRESS="http://127.0.0.1:$PORT"
export SITE_URL=${SITE_URL:-$ADDRESS}

# Refuse a taken port before a minute of installing and migrating, not after.
if ! "$UV_PYTHON" -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])))" "$PORT" 2>/dev/null; then
  echo "Port $PORT on 127.0.0.1 is taken (another Tutela, or another program). Choose a free one: PORT=8001 make run" >&2
  exit 1
fi
mkdir -p var/log staticfiles
# Report PDFs are set in Noto fonts that cover Latin, Cyrillic, Arabic and CJK (the reports app's
# system check refuses to start without them).
ensure_system_packages run
echo "→ Installing Python packages into .venv (uv sync)"
"$UV" sync --locked --quiet
export TUTELA_TASKS=db
PY=(.venv/bin/python manage.py)
echo "→ Compiling the interface's translations (locale/*.po)"
"${PY[@]}" compilemessages --ignore '.venv/*' --ignore '.uv-boot/*' -v 0
echo "→ Migrating the database var/tutela.sqlite3"
"${PY[@]}" migrate --no-input -v 0
echo "→ Loading the demo (the seed report's story) unless the database holds records already"
"${PY[@]}" load_demo --if-empty

echo "→ Starting the task worker (log: var/log/worker.log)"
"${PY[@]}" run_worker >>var/log/worker.log 2>&1 &
worker=$!
stop() {
  trap - INT TERM EXIT
  kill "$worker" 2>/dev/null || true
  wait "$worker" 2>/dev/null || true
  echo; echo "Tutela stopped (web server and worker)."
}
trap stop INT TERM EXIT

cat <<MSG

  Tutela is starting at  $ADDRESS/
  Demo sign-ins (password for all: tutela-demo):
    secretariat:          secretariat@tutela.test
    partner focal point:  focal.acopea@tutela.test   (another: focal.trendmicro@tutela.test)
    stakeholder:          stakeholder@tutela.test
    superuser (admin):    admin@tutela.test
  Logs: web requests below; the task worker writes to var/log/worker.log.
  Health: $ADDRESS/healthz   API docs: $ADDRESS/api/v1/docs
  Press Ctrl-C to stop both.

MSG
"${PY[@]}" runserver "127.0.0.1:$PORT" --skip-checks
