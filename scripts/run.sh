#!/usr/bin/env bash
# `make run`: install, migrate, load the demo when empty, then serve the web app and a worker.
source scripts/env.sh
mkdir -p var/log staticfiles
# Report PDFs are set in Noto fonts that cover Latin, Cyrillic, Arabic and CJK (the reports app's
# system check refuses to start without them).
for family in "Noto Sans" "Noto Sans Arabic" "Noto Sans CJK SC"; do
  if ! command -v fc-list >/dev/null || [ -z "$(fc-list "$family" family)" ]; then
    echo "The font \"$family\" is missing: report PDFs are set in it. Install the fonts: sudo apt-get install -y fonts-noto-core fonts-noto-cjk" >&2
    exit 1
  fi
done
"$UV" sync --locked --quiet
export TUTELA_TASKS=db
PY=(.venv/bin/python manage.py)
"${PY[@]}" migrate --no-input -v 0
"${PY[@]}" load_demo --if-empty

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

  Tutela is starting at  http://127.0.0.1:8000/
  Demo sign-ins (password for all: tutela-demo):
    secretariat:          secretariat@tutela.test
    partner focal point:  focal.acopea@tutela.test   (another: focal.trendmicro@tutela.test)
    stakeholder:          stakeholder@tutela.test
    superuser (admin):    admin@tutela.test
  Logs: web requests below; the task worker writes to var/log/worker.log.
  Health: http://127.0.0.1:8000/healthz   API docs: http://127.0.0.1:8000/api/v1/docs
  Press Ctrl-C to stop both.

MSG
"${PY[@]}" runserver 127.0.0.1:8000 --skip-checks
