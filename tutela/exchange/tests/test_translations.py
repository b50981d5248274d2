"""Activity imports carry translations and exports write them back (issue 18 item 4; docs/exchange.md, "Languages"):
optional ``title[fr]``, ``summary[ar]``… columns, one per translatable field and language of settings.LANGUAGES but
English; a bad column is a file problem that names the languages, a bad cell a row problem on its column."""

import csv
import io

import pytest
from django.urls import reverse

from tutela.activities.models import Activity
from tutela.exchange.models import ImportJob

from .conftest import make_csv

pytestmark = pytest.mark.django_db

HEADER = ["title", "kind", "starts_on", "pillars", "organisers", "summary", "title[fr]", "summary[fr]", "title[ar]"]
ROW = ["Helpline workshop", "workshop", "2014-02-11", "3", "", "Volunteers trained.",
       "Atelier sur les lignes d'assistance", "Bénévoles formés.", "ورشة عمل خطوط المساعدة"]
EXPECTED = {"fr": {"title": "Atelier sur les lignes d'assistance", "summary": "Bénévoles formés."},
            "ar": {"title": "ورشة عمل خطوط المساعدة"}}


def problems(job):
    return [(p["row"], p["column"], p["message"]) for p in job.report["problems"]]


def exported(client, fmt):
    response = client.get(reverse("exchange:export", args=["activities", fmt]))
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_translations_survive_an_import_export_import_round_trip(secretariat, client, run_import, pillars, fmt):
    job = run_import(secretariat, "activities", make_csv([HEADER, ROW]), mode="all")
    assert job.status == ImportJob.Status.IMPORTED, job.report
    first = Activity.objects.get()
    assert first.translations == EXPECTED
    client.force_login(secretariat)
    rows = exported(client, fmt)
    header = rows[0]
    assert header[-10:] == [f"{field}[{code}]" for code in ("fr", "es", "ar", "ru", "zh-hans")
                            for field in ("title", "summary")]
    assert rows[1][header.index("title[fr]")] == "Atelier sur les lignes d'assistance"
    assert rows[1][header.index("title[ar]")] == "ورشة عمل خطوط المساعدة"
    assert rows[1][header.index("summary[es]")] == ""
    rows[1][header.index("id")] = ""  # importing adds records: the id column stays empty
    again = run_import(secretariat, "activities", make_csv(rows), mode="all")
    assert again.status == ImportJob.Status.IMPORTED, again.report
    second = Activity.objects.exclude(pk=first.pk).get()
    assert second.translations == first.translations and second.title == first.title


def test_a_translation_column_for_an_unknown_language_or_field_fails_the_file_and_names_the_languages(
        secretariat, run_import, pillars):
    for column in ("title[de]", "title[en]", "venue[fr]"):
        job = run_import(secretariat, "activities", make_csv([[*HEADER[:6], column], [*ROW[:6], "x"]]))
        assert job.status == ImportJob.Status.FAILED
        error = job.report["file_error"]
        assert f"Column {column}: translations are of title, summary into fr, es, ar, ru, zh-hans" in error, error
    assert not Activity.objects.exists()


def test_a_bad_translation_cell_is_a_problem_of_its_row_and_column(secretariat, run_import, pillars):
    data = make_csv([HEADER, ROW,
                     [*ROW[:6], "Atelier\u202e retourné", "", ""],  # an unpaired direction control
                     [*ROW[:6], "A" * 301, "", ""],                   # longer than the title may be
                     ["Workshop in English only", *ROW[1:6], "", "", ""]])
    job = run_import(secretariat, "activities", data)
    assert (job.valid_rows, job.error_rows) == (2, 2), job.report
    found = problems(job)
    assert [(row, column) for row, column, _message in found] == [(3, "title[fr]"), (4, "title[fr]")]
    assert "direction" in found[0][2].lower() or "control" in found[0][2].lower()
    assert "300" in found[1][2]


def test_only_the_secretariat_imports_translations(focal_point, org_a, run_import, pillars):
    row = [*ROW[:4], org_a.name, *ROW[5:]]
    job = run_import(focal_point, "activities", make_csv([HEADER, row, [*row[:6], "", "", ""]]))
    assert (job.valid_rows, job.error_rows) == (1, 1), job.report
    assert {column for _row, column, _message in problems(job)} == {"title[fr]", "summary[fr]", "title[ar]"}
    assert "Only the secretariat adds translations" in problems(job)[0][2]
