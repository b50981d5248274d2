"""The one upload sniffer and reader: limits are checked before parsing, hostile files get a message."""

import io
import time

import pytest

from tutela.core import files
from tutela.core.files import FileProblem, Limits

from . import hostile

TABLES = hostile.hostile_tables()


@pytest.mark.parametrize("case", sorted(TABLES))
def test_every_hostile_table_is_refused_before_parsing_with_a_message(case):
    name, data = TABLES[case]
    started = time.monotonic()
    with pytest.raises(FileProblem) as info:
        fmt = files.check_table(io.BytesIO(data), name)
        with files.open_table(io.BytesIO(data), fmt) as (_header, rows):
            list(rows)
    assert time.monotonic() - started < 5, "a hostile file must be refused quickly"
    message = info.value.message
    assert len(message) > 15 and "Traceback" not in message
    assert info.value.status in (413, 422)


def test_the_far_row_attack_is_refused_by_the_declared_dimension_before_any_row_is_read():
    with pytest.raises(FileProblem, match="2,100,000 rows") as info:
        files.check_table(io.BytesIO(hostile.far_row(dimension=True)), "trainees.xlsx")
    assert info.value.status == 413


def test_a_sheet_that_hides_its_size_stops_at_the_row_limit_while_reading():
    data = hostile.far_row(dimension=False)
    assert files.check_table(io.BytesIO(data), "t.xlsx") == "xlsx"  # nothing declared: caught while reading
    started = time.monotonic()
    with pytest.raises(FileProblem, match="more than 1,000 rows"), \
            files.open_table(io.BytesIO(data), "xlsx", Limits.default(rows=1000)) as (_header, rows):
        list(rows)
    assert time.monotonic() - started < 2


def test_reading_stops_at_the_time_budget():
    rows = [["name", "sector"]] + [[f"P{i}", "education"] for i in range(3000)]
    data = hostile.workbook_bytes(rows)
    with pytest.raises(FileProblem, match="longer than 0 seconds"), \
            files.open_table(io.BytesIO(data), "xlsx", Limits.default(seconds=0)) as (_header, rows_read):
        list(rows_read)


def test_the_cell_limit_counts_every_cell_read():
    data = "a,b,c,d\n" + "1,2,3,4\n" * 50
    with pytest.raises(FileProblem, match="more than 100 cells"), \
            files.open_table(io.BytesIO(data.encode()), "csv", Limits.default(cells=100)) as (_h, rows):
        list(rows)


def test_a_good_workbook_and_a_good_csv_are_read():
    data = hostile.workbook_bytes([["name", "count"], ["Ana", 3], [None, None], ["=SUM(A1)", 2.0]])
    assert files.check_table(io.BytesIO(data), "x.xlsx") == "xlsx"
    with files.open_table(io.BytesIO(data), "xlsx") as (header, rows):
        assert header == ["name", "count"]
        assert list(rows) == [(2, ["Ana", "3"]), (4, ["=SUM(A1)", "2"])]
    csv_data = "\ufeffname;count\nAna;3\n".encode()
    assert files.check_table(io.BytesIO(csv_data), "x.csv") == "csv"
    with files.open_table(io.BytesIO(csv_data), "csv") as (header, rows):
        assert header == ["name", "count"] and list(rows) == [(2, ["Ana", "3"])]


@pytest.mark.parametrize("case", sorted(hostile.hostile_docx()))
def test_hostile_word_files_are_refused_before_python_docx_sees_them(case):
    data = hostile.hostile_docx()[case]
    with pytest.raises(FileProblem) as info:
        files.check_package(io.BytesIO(data), "docx")
    assert len(info.value.message) > 20


def test_sniff_tells_types_by_content_not_name():
    assert files.sniff(io.BytesIO(hostile.docx_bytes(["x"]))) == "docx"
    assert files.sniff(io.BytesIO(hostile.workbook_bytes([["x"]]))) == "xlsx"
    assert files.sniff(io.BytesIO(b"%PDF-1.7\n")) == "pdf"
    assert files.sniff(io.BytesIO(b"MZ\x90\x00")) is None
    truncated = hostile.workbook_bytes([["x"]])
    assert files.sniff(io.BytesIO(truncated[:200])) is None


def test_a_real_office_file_passes_the_package_check():
    files.check_package(io.BytesIO(hostile.docx_bytes(["Hello", "World"])), "docx")
    files.check_package(io.BytesIO(hostile.workbook_bytes([["a", "b"], [1, 2]])), "xlsx")
