#!/usr/bin/env bash
# `make test`: install the test dependencies (system packages too, when root or sudo allows) and run
# the whole suite.
source scripts/env.sh
source scripts/system-packages.sh
if ! ensure_system_packages test; then
  # No rights to install: the command to run was printed. PDF tests cannot run without pdftotext,
  # and CI must run the browser tests; elsewhere a missing Chromium only skips them, loudly.
  if [ -n "${CI:-}" ] || ! command -v pdftotext >/dev/null || ! command -v msgfmt >/dev/null || [ -z "$(fc-list "Noto Sans" family 2>/dev/null)" ]; then
    exit 1
  fi
  echo "!!!!! BROWSER TESTS WILL BE SKIPPED: /usr/bin/chromium not found. Install it: sudo apt-get install -y chromium !!!!!"
fi
"$UV" sync --locked --quiet
mkdir -p staticfiles var
.venv/bin/python manage.py compilemessages --ignore '.venv/*' --ignore '.uv-boot/*' -v 0
echo "Database: ${DATABASE_URL:-SQLite (embedded default)}"
exec .venv/bin/pytest "$@"
