"""Drafting and the documents have one implementation: plain values, the same queries on every database."""

import dataclasses
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tutela.reports import drafting
from tutela.reports.models import Report

pytestmark = pytest.mark.django_db
TUTELA = Path(__file__).resolve().parents[2]
REPORTS = TUTELA / "reports"


def _source(root: Path) -> dict[Path, str]:
    return {p: p.read_text() for p in root.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts}


@pytest.fixture
def demo_report(db):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    return Report.objects.get(meeting="8th meeting")


def test_drafting_reads_plain_values_not_imitation_model_rows(demo_report):
    records = drafting._load(demo_report)
    rows = [*records.activities, *(p for parts in records.parts.values() for p in parts)]
    figures = [f for fs in records.figures.values() for f in fs]
    assert rows and figures
    for row in [*rows, *figures]:
        assert dataclasses.is_dataclass(row)
    for row in rows:
        # related records are plain lists, not stand-ins for related managers
        for name in ("pillars", "topics", "outcomes", "participation", "people"):
            assert type(getattr(row, name)) is list, name
        assert all(dataclasses.is_dataclass(o) for o in row.outcomes)
    assert not re.search(r"def all\(self", REPORTS.joinpath("drafting.py").read_text())


def test_drafting_asks_nothing_it_does_not_use(demo_report):
    """The coordination meetings of the period were loaded and never read."""
    with CaptureQueriesContext(connection) as captured:
        drafting.build(demo_report)
    assert not [q["sql"] for q in captured if "coordination_" in q["sql"]]


def test_no_cycle_collector_pause_and_no_database_specific_branch_in_reports():
    for path, text in _source(TUTELA).items():
        assert "gc.disable(" not in text, path
    for path, text in _source(REPORTS).items():
        assert ".vendor" not in text and "COPY " not in text and "jsonb_" not in text, path


def test_drafted_paragraph_is_the_keyword_one():
    """``ReportParagraph.drafted`` passes every field by position: a field added or moved must not shift them."""
    from tutela.reports.models import Encoded, ReportParagraph

    sentences = [{"text": "A sentence.", "sources": [{"model": "activities.activity", "id": 7, "label": "A"}]}]
    values = dict(report_id=3, order=12, section="Capacity Building", generated_hash="f" * 64)
    made = ReportParagraph.drafted(values["report_id"], values["order"], "activity:7", values["section"],
                                   Encoded(sentences, "[]"), Encoded([], "[]"), values["generated_hash"])
    expected = ReportParagraph(keys=["activity:7"], sentences=sentences, bullets=[], **values)
    for f in ReportParagraph._meta.concrete_fields:
        assert getattr(made, f.attname) == getattr(expected, f.attname), f.name
        assert type(getattr(made, f.attname)) is type(getattr(expected, f.attname)) or f.name in ("sentences", "bullets"), f.name
    assert made._state.adding and made.pk is None
