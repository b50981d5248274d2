"""Issue 14: a report drafted by one checkout's code, every paragraph as stored, to compare two versions' output.

Drafts the period of ``bench/reports_drafting_bench.py`` (run that first) with ``services.report_draft``, writes
every paragraph of the new report as the database holds it (order, origin, section, hash, edit fields, and the
JSON columns cast to text) to OUT, prints its SHA-256, and deletes the report. Run it once with the old code and
once with the new, the same database, then compare the two files:

  DEBUG=0 LOG_LEVEL=WARNING TUTELA_VAR_DIR=/tmp/i14b-var \\
    DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_i14b \\
    .venv/bin/python bench/reports_draft_dump.py /work/main /tmp/old.json      # main's checkout
  … .venv/bin/python bench/reports_draft_dump.py "$PWD" /tmp/new.json           # this one
  cmp /tmp/old.json /tmp/new.json

SRC is the checkout whose ``tutela`` package is imported (the venv is this one's). Not a test.
"""

import hashlib
import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path

SRC, OUT = Path(sys.argv[1]).resolve(), sys.argv[2]
sys.path.insert(0, str(SRC))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import TextField  # noqa: E402
from django.db.models.functions import Cast  # noqa: E402

from tutela.initiatives.models import Initiative  # noqa: E402
from tutela.reports import services  # noqa: E402

assert Path(services.__file__).is_relative_to(SRC), f"imported {services.__file__}, not from {SRC}"

START, DAYS = date(2021, 1, 1), 140  # the bench's period
FIELDS = ["order", "origin", "section", "generated_hash", "edited_text", "is_edited", "is_stale"]
JSON_FIELDS = ["keys", "sentences", "bullets", "pending_sentences", "pending_bullets", "translations"]

secretariat = get_user_model().objects.get(email="secretariat@tutela.test")
report = services.report_create(actor=secretariat, title="Draft dump", initiative=Initiative.objects.order_by("pk").first(),
                                period_start=START, period_end=START + timedelta(days=DAYS - 1), include_ongoing=True)
try:
    services.report_draft(actor=secretariat, report=report)
    rows = list(report.paragraphs.order_by("order")
                .annotate(**{f"{name}_text": Cast(name, TextField()) for name in JSON_FIELDS})
                .values_list(*FIELDS, *[f"{name}_text" for name in JSON_FIELDS]))
finally:
    report.delete()
Path(OUT).write_text(json.dumps(rows, ensure_ascii=False))
print(f"{SRC}: {len(rows)} paragraphs, sha256 {hashlib.sha256(Path(OUT).read_bytes()).hexdigest()}")
