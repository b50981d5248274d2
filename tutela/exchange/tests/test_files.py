"""Reading and writing files: encodings, garbage, limits, formulas, injection."""

import io

import pytest

from tutela.exchange.files import FileProblem, check_upload, csv_stream, open_rows, safe_cell, xlsx_file

from .conftest import make_csv, make_xlsx


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_dangerous_cells_are_prefixed_with_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


def test_harmless_cells_are_left_alone():
    assert safe_cell("Safer Internet Day") == "Safer Internet Day"
    assert safe_cell(12) == 12


def test_csv_export_neutralises_injection():
    text = "".join(csv_stream(["title"], [["=cmd|' /C calc'!A0"], ["fine"]]))
    assert text.startswith("\ufefftitle")
    assert "'=cmd" in text
    assert "\n=cmd" not in text


def test_xlsx_export_writes_formula_text_as_text():
    import openpyxl

    wb = openpyxl.load_workbook(xlsx_file(["title"], [["=1+1"]], "t"))
    cell = wb.active["A2"]
    assert cell.value == "'=1+1"
    assert cell.data_type == "s"


def test_utf8_with_bom_is_read():
    data = "\ufeff".encode() + make_csv([["name"], ["Ministère de l'Éducation"]])
    assert check_upload(io.BytesIO(data), "orgs.csv", len(data)) == "csv"
    with open_rows(io.BytesIO(data), "csv") as (header, rows):
        assert header == ["name"]
        assert list(rows) == [(2, ["Ministère de l'Éducation"])]


def test_semicolon_separated_csv_is_read():
    data = make_csv([["name", "acronym"], ["Trend Micro", "TM"]], delimiter=";")
    with open_rows(io.BytesIO(data), "csv") as (header, rows):
        assert header == ["name", "acronym"]
        assert list(rows) == [(2, ["Trend Micro", "TM"])]


def test_latin1_file_is_refused_with_save_as_utf8():
    data = make_csv([["name"], ["Ministère"]], encoding="latin-1")
    with pytest.raises(FileProblem) as exc:
        check_upload(io.BytesIO(data), "orgs.csv", len(data))
    assert exc.value.status == 422
    assert "UTF-8" in exc.value.message and "line 2" in exc.value.message


def test_ten_megabytes_of_garbage_is_refused_as_not_text():
    import random

    data = random.Random(1).randbytes(10 * 1024 * 1024)
    with pytest.raises(FileProblem) as exc:
        check_upload(io.BytesIO(data), "garbage.csv", len(data))
    assert exc.value.status == 422


def test_a_file_above_the_limit_is_413(settings):
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(FileProblem) as exc:
        check_upload(io.BytesIO(b"x" * 2048), "big.csv", 2048)
    assert exc.value.status == 413
    assert "limit" in exc.value.message


def test_a_fake_xlsx_is_refused():
    with pytest.raises(FileProblem):
        check_upload(io.BytesIO(b"name\nx\n"), "orgs.xlsx", 7)
    with pytest.raises(FileProblem):
        check_upload(io.BytesIO(b"PK\x03\x04broken zip"), "orgs.xlsx", 16)


def test_xlsx_formulas_are_read_as_text_never_evaluated():
    data = make_xlsx([["title", "value"], ["=HYPERLINK(\"http://evil\",\"x\")", "=2*3"]])
    with open_rows(io.BytesIO(data), "xlsx") as (header, rows):
        assert header == ["title", "value"]
        assert list(rows) == [(2, ['=HYPERLINK("http://evil","x")', "=2*3"])]
