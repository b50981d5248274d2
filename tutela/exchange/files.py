"""Reading and writing CSV and XLSX files: encodings, limits, formulas, and injection-safe cells.

Reading streams rows one at a time (memory stays flat however long the file is). XLSX files
are opened with ``read_only=True, data_only=False``: a cell that holds a formula is read as the
formula's text (``=SUM(A1:A3)``) and never evaluated, neither here nor anywhere else.
"""

import codecs
import csv
import datetime
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

# A cell starting with one of these is read as a formula (or DDE command) by spreadsheets.
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, minus the header row
csv.field_size_limit(1024 * 1024)


class FileProblem(Exception):
    """The file as a whole cannot be read: wrong type, encoding, size, headers. Nothing is imported."""

    def __init__(self, message: str, status: int = 422, column: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.column = column


def max_upload_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_MAX_UPLOAD_BYTES", getattr(settings, "TUTELA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)))


def safe_cell(value: Any) -> Any:
    """Neutralise CSV/XLSX injection: a text starting with = + - @ tab or CR gets a leading '."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def file_format(name: str, head: bytes) -> str:
    """``csv`` or ``xlsx``, from the content first (an XLSX file is a ZIP archive) and then the name."""
    lower = (name or "").lower()
    if head.startswith(b"PK\x03\x04"):
        if lower.endswith((".xlsx", ".xlsm")) or not lower.endswith(".csv"):
            return "xlsx"
    if lower.endswith((".xlsx", ".xlsm")):
        raise FileProblem(_("This file is named .xlsx but is not an Excel workbook. Save it again from your spreadsheet as “Excel Workbook (.xlsx)”."))
    if lower.endswith(".xls"):
        raise FileProblem(_("Old Excel files (.xls) are not read. Save the sheet as “Excel Workbook (.xlsx)” or as “CSV UTF-8”."))
    return "csv"


def check_upload(fileobj: IO[bytes], name: str, size: int) -> str:
    """Refuse what cannot be imported before anything is stored; return the format."""
    limit = max_upload_bytes()
    if size > limit:
        raise FileProblem(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": round(size / 1048576, 1), "limit": round(limit / 1048576, 1)}, status=413)
    if size == 0:
        raise FileProblem(_("The file is empty."))
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    fmt = file_format(name, head)
    if fmt == "xlsx":
        try:
            with zipfile.ZipFile(fileobj) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    raise FileProblem(_("This ZIP archive is not an Excel workbook (.xlsx)."))
        except zipfile.BadZipFile as exc:
            raise FileProblem(_("This file is not a valid Excel workbook (.xlsx): it may be damaged. Save it again.")) from exc
        finally:
            fileobj.seek(0)
        return fmt
    _check_utf8(fileobj)
    return fmt


def _check_utf8(fileobj: IO[bytes]) -> None:
    """Decode the whole file as UTF-8 (with or without BOM) in chunks, so bad bytes are found before any row is applied."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    line = 1
    chunk = b""
    try:
        while chunk := fileobj.read(1 << 20):
            text = decoder.decode(chunk)
            if "\x00" in text:
                raise FileProblem(_("This is not a text file (it contains NUL bytes). Upload a CSV saved as “CSV UTF-8”, or an .xlsx workbook."))
            line += text.count("\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        line += chunk[: max(exc.start, 0)].count(b"\n")
        raise FileProblem(
            _("The file is not UTF-8 text (a byte near line %(line)s cannot be read). Save it as “CSV UTF-8” "
              "(in Excel: File › Save As › CSV UTF-8; in LibreOffice: character set Unicode (UTF-8)).") % {"line": line}
        ) from exc
    finally:
        fileobj.seek(0)


def cell_text(value: Any) -> str:
    """A cell as text: dates as YYYY-MM-DD, whole floats without '.0', formulas as their text."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


@contextmanager
def open_rows(fileobj: IO[bytes], fmt: str) -> Iterator[tuple[list[str], Iterator[tuple[int, list[str]]]]]:
    """``(header, rows)`` where rows yields ``(row_number, cells)``; row 1 is the header, blank rows are skipped."""
    if fmt == "xlsx":
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds on damaged files
            raise FileProblem(_("This Excel workbook cannot be read: %(error)s. Save it again as .xlsx.") % {"error": exc}) from exc
        try:
            sheet = workbook.worksheets[0]
            values = sheet.iter_rows(values_only=True)
            header = [cell_text(v) for v in next(values, ())]
            yield header, ((n, [cell_text(v) for v in row]) for n, row in enumerate(values, start=2) if any(v not in (None, "") for v in row))
        finally:
            workbook.close()
        return
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=delimiter), [])
        reader = csv.reader(text, delimiter=delimiter)

        def rows() -> Iterator[tuple[int, list[str]]]:
            try:
                for row in reader:
                    cells = [cell.strip() for cell in row]
                    if any(cells):
                        yield reader.line_num + 1, cells
            except csv.Error as exc:
                raise FileProblem(_("Line %(line)s cannot be read as CSV: %(error)s.") % {"line": reader.line_num + 1, "error": exc}) from exc
            except UnicodeDecodeError as exc:
                raise FileProblem(_("The file is not UTF-8 text. Save it as “CSV UTF-8”.")) from exc

        yield [h.strip() for h in header], rows()
    finally:
        text.detach()


def count_rows(fileobj: IO[bytes], fmt: str) -> int:
    """A quick estimate of the number of data rows, for the progress bar."""
    if fmt == "xlsx":
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(fileobj, read_only=True)
            rows = max((workbook.worksheets[0].max_row or 1) - 1, 0)
            workbook.close()
        except Exception:
            rows = 0
        fileobj.seek(0)
        return rows
    lines = 0
    while chunk := fileobj.read(1 << 20):
        lines += chunk.count(b"\n")
    fileobj.seek(0)
    return max(lines - 1, 0) if lines else 0


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text, one line at a time, with a BOM so spreadsheets open it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(cell_text(v) if not isinstance(v, str) else v) for v in row])


def xlsx_file(header: list[str], rows: Iterable[list[Any]], title: str) -> IO[bytes]:
    """A write-only workbook (flat memory) spooled to a temporary file; returned rewound."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned to the caller)
    workbook.save(out)
    out.seek(0)
    return out
