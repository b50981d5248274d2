#!/usr/bin/env bash
# `make test`: install the test dependencies and run the whole suite.
source scripts/env.sh
"$UV" sync --locked --quiet
mkdir -p staticfiles var
if [ ! -x /usr/bin/chromium ]; then
  if [ -n "${CI:-}" ]; then
    echo "Chromium is missing but CI must run the browser tests: apt-get install -y chromium" >&2
    exit 1
  fi
  echo "!!!!! BROWSER TESTS WILL BE SKIPPED: /usr/bin/chromium not found. Install it: sudo apt-get install -y chromium !!!!!"
fi
if ! command -v pdftotext >/dev/null; then
  echo "pdftotext is missing: the PDF export tests read PDFs with it. Install it: sudo apt-get install -y poppler-utils" >&2
  exit 1
fi
echo "Database: ${DATABASE_URL:-SQLite (embedded default)}"
exec .venv/bin/pytest "$@"
