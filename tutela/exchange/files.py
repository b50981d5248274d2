"""Import files in and export files out: the upload size limit, and injection-safe cells.

Reading is ``tutela.core.files`` (the one sniffer and reader of every upload): rows stream one at a
time within row, cell, size and time limits checked before and while parsing, and an XLSX cell that
holds a formula is read as the formula's text (``=SUM(A1:A3)``), never evaluated.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from tutela.core.files import FileProblem, cell_text, check_table, count_rows, open_table
from tutela.core.text import spreadsheet_cell

__all__ = ["FileProblem", "cell_text", "check_upload", "count_rows", "csv_stream", "open_rows", "safe_cell", "xlsx_file"]

XLSX_MAX_ROWS = 1_048_575  # Excel's limit, minus the header row


def max_upload_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_MAX_UPLOAD_BYTES", getattr(settings, "TUTELA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)))


def safe_cell(value: Any) -> Any:
    """Neutralise CSV/XLSX injection (a text starting with = + - @ tab or CR gets a leading ')
    and drop control characters, which XLSX cannot hold: ``tutela.core.text.spreadsheet_cell``."""
    return spreadsheet_cell(value)


def check_upload(fileobj: IO[bytes], name: str, size: int) -> str:
    """Refuse what cannot be imported before anything is stored; return the format (sniffed and vetted
    by ``tutela.core.files``: zip limits and XML prologs for XLSX, UTF-8 for CSV)."""
    limit = max_upload_bytes()
    if size > limit:
        raise FileProblem(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": round(size / 1048576, 1), "limit": round(limit / 1048576, 1)}, status=413)
    if size == 0:
        raise FileProblem(_("The file is empty."))
    return check_table(fileobj, name)


open_rows = open_table  # ``(header, rows)`` of an import file, read within the upload limits


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
