"""Uploaded files: what a file really is, and reading it within limits checked before parsing.

One place for every upload: ``sniff`` tells a file's type from its content (never its name);
``check_package`` inspects a zip-based Office/OpenDocument file's central directory (entry count,
total uncompressed size, compression ratio) and the prolog of each XML part (no DOCTYPE, so no
entities) *before* any parser sees it; ``check_sheet`` reads the first worksheet's declared
dimension against the row and cell limits; ``open_table`` reads CSV or XLSX rows one at a time
and stops at the row, cell and wall-clock limits while it reads. A file that breaks a rule is a
``FileProblem`` with a message that says what to do, never an exception a page turns into a 500.

Limits are settings (defaults in brackets): ``UPLOAD_MAX_UNCOMPRESSED_BYTES`` [200 MB],
``UPLOAD_MAX_RATIO`` [200, for parts above 1 MB], ``UPLOAD_MAX_ENTRIES`` [2,000],
``UPLOAD_MAX_ROWS`` [1,048,575, Excel's own], ``UPLOAD_MAX_CELLS`` [30 M] and
``UPLOAD_READ_SECONDS`` [600]; callers pass tighter ones (the trainee import allows 5,000 rows).
"""

import codecs
import csv
import datetime
import io
import re
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

csv.field_size_limit(1024 * 1024)

LABELS = {"pdf": "PDF", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)", "pptx": "PowerPoint (PPTX)",
          "odt": "OpenDocument text (ODT)", "csv": "CSV"}
MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
}
# The part that tells each zip-based Office format apart.
ZIP_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
ZIP_MAGIC = b"PK\x03\x04"
PROLOG_BYTES = 4096  # a real Office part starts its root element within a few bytes of its start
RATIO_FLOOR = 1 << 20  # parts smaller than this may compress as well as they like


class FileProblem(Exception):
    """The file as a whole cannot be read: wrong type, encoding, size, limits. Nothing is imported."""

    def __init__(self, message: str, status: int = 422, column: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.column = column


@dataclass(frozen=True)
class Limits:
    uncompressed_bytes: int
    ratio: int
    entries: int
    rows: int
    cells: int
    seconds: float

    @classmethod
    def default(cls, **tighter: Any) -> "Limits":
        values: dict[str, Any] = {
            "uncompressed_bytes": int(getattr(settings, "UPLOAD_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)),
            "ratio": int(getattr(settings, "UPLOAD_MAX_RATIO", 200)),
            "entries": int(getattr(settings, "UPLOAD_MAX_ENTRIES", 2000)),
            "rows": int(getattr(settings, "UPLOAD_MAX_ROWS", 1_048_575)),
            "cells": int(getattr(settings, "UPLOAD_MAX_CELLS", 30_000_000)),
            "seconds": float(getattr(settings, "UPLOAD_READ_SECONDS", 600)),
        }
        for key, value in tighter.items():
            if value is not None:
                values[key] = min(values[key], value)
        return cls(**values)


def _stream(upload: Any) -> IO[bytes]:
    """The seekable binary stream of an UploadedFile, a FieldFile or a plain file object."""
    return upload.file if hasattr(upload, "file") and hasattr(upload.file, "read") else upload


def sniff(upload: Any) -> str | None:
    """The type the content says it is ("pdf", "docx", "xlsx", "pptx", "odt"), or None for anything else.

    Reads the first bytes and, for zip containers, only the central directory and (for ODT) the
    tiny ``mimetype`` entry. The stream is left rewound.
    """
    stream = _stream(upload)
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if not head.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200 \
                    and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            if "[Content_Types].xml" in names:
                for kind, marker in ZIP_MARKERS.items():
                    if marker in names:
                        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError, EOFError, NotImplementedError):
        return None
    finally:
        stream.seek(0)
    return None


def max_upload_bytes() -> int:
    return int(getattr(settings, "TUTELA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def check_size(size: int | None, limit: int | None = None) -> None:
    """Refuse an empty upload, or one above ``limit`` bytes (default ``TUTELA_MAX_UPLOAD_BYTES``, 20 MB)."""
    limit = limit or max_upload_bytes()
    if not size:
        raise FileProblem(_("The file is empty."))
    if size > limit:
        raise FileProblem(_("The file is %(size)s MB; the limit is %(limit)s MB. Send a smaller file.")
                          % {"size": _mb(size), "limit": _mb(limit)}, status=413)


def table_format(name: str, head: bytes) -> str:
    """``csv`` or ``xlsx`` for a table upload, from the content first (an XLSX file is a zip) and then the name."""
    lower = (name or "").lower()
    if head.startswith(ZIP_MAGIC) and (lower.endswith((".xlsx", ".xlsm")) or not lower.endswith(".csv")):
        return "xlsx"
    if lower.endswith((".xlsx", ".xlsm")):
        raise FileProblem(_("This file is named .xlsx but is not an Excel workbook. Save it again from your "
                            "spreadsheet as “Excel Workbook (.xlsx)”."))
    if lower.endswith(".xls"):
        raise FileProblem(_("Old Excel files (.xls) are not read. Save the sheet as “Excel Workbook (.xlsx)” "
                            "or as “CSV UTF-8”."))
    return "csv"


def _mb(n: float) -> str:
    return f"{n / 1048576:.1f}"


def check_package(upload: Any, expected: str, limits: Limits | None = None) -> None:
    """Refuse a zip-based file (``expected`` "xlsx" or "docx") that is not one, or that would expand
    beyond the limits, before any parser opens it. Reads the central directory and each XML part's prolog."""
    limits = limits or Limits.default()
    stream = _stream(upload)
    label = LABELS[expected]
    stream.seek(0)
    if not stream.read(4).startswith(ZIP_MAGIC):
        stream.seek(0)
        raise FileProblem(_("This file is not a %(label)s file (its content is not a zip package). "
                            "Save it again as %(label)s.") % {"label": label})
    actual = sniff(stream)
    try:
        if actual is None:
            raise FileProblem(_("This file is not a valid %(label)s file: it may be damaged or cut short. "
                                "Save it again as %(label)s.") % {"label": label})
        if actual != expected:
            raise FileProblem(_("This file is a %(actual)s file, not %(label)s. Upload the %(label)s file, or save "
                                "it as %(label)s.") % {"actual": LABELS[actual], "label": label})
        try:
            with zipfile.ZipFile(stream) as archive:
                infos = archive.infolist()
                if len(infos) > limits.entries:
                    raise FileProblem(_("This file holds %(n)s parts; at most %(max)s are read. Save it again as "
                                        "%(label)s.") % {"n": len(infos), "max": limits.entries, "label": label})
                total = sum(i.file_size for i in infos)
                if total > limits.uncompressed_bytes:
                    raise FileProblem(_("This file expands to %(size)s MB; at most %(max)s MB are read. Split it "
                                        "into smaller files.") % {"size": _mb(total), "max": _mb(limits.uncompressed_bytes)},
                                      status=413)
                for info in infos:
                    if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
                        raise FileProblem(_("Part %(part)s of this file expands %(ratio)s times (at most %(max)s): "
                                            "it looks like a zip bomb and is not read.") % {
                            "part": info.filename[:80], "ratio": info.file_size // max(info.compress_size, 1),
                            "max": limits.ratio}, status=413)
                    if info.flag_bits & 0x1:
                        raise FileProblem(_("This file is password-protected. Remove the password and upload it again."))
                for info in infos:
                    if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                        _check_prolog(archive, info)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
            raise FileProblem(_("This file is not a valid %(label)s file: it may be damaged or cut short. "
                                "Save it again as %(label)s.") % {"label": label}) from exc
    finally:
        stream.seek(0)


_PI = re.compile(r"<\?.*?\?>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """An XML part may declare nothing: a DOCTYPE (and with it any entity) is refused outright."""
    with archive.open(info) as part:
        raw = part.read(PROLOG_BYTES)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16", errors="replace")
    else:
        text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        rest = text[position:]
        if not rest:
            if len(raw) < PROLOG_BYTES:
                return  # an empty part
            break  # no root element within the prolog window: not what Office writes
        for pattern in (_PI, _COMMENT):
            match = pattern.match(rest)
            if match:
                position += match.end()
                break
        else:
            if rest.startswith("<!") or rest[:1] != "<":
                break
            return  # the root element: nothing was declared before it
    raise FileProblem(_("Part %(part)s of this file declares a DOCTYPE or entities, which Office files never do; "
                        "it is not read. Save the file again from your office program.") % {"part": info.filename[:80]})


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?\"")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The zip path of the workbook's first worksheet (the one every reader here opens)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheet = workbook.find("m:sheets/m:sheet", ns)
        rid = sheet.get(f"{{{ns['r']}}}id") if sheet is not None else None
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def check_sheet(upload: Any, limits: Limits | None = None) -> int | None:
    """The first worksheet's declared number of rows, refused above the row or cell limits. Call after
    ``check_package`` (which has vetted the parts this reads). None when the sheet declares no dimension."""
    limits = limits or Limits.default()
    stream = _stream(upload)
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            part = first_sheet_part(archive)
            if part is None or part not in archive.namelist():
                raise FileProblem(_("This workbook has no worksheet to read. Save it again as .xlsx."))
            with archive.open(part) as fh:
                head = fh.read(PROLOG_BYTES * 4)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise FileProblem(_("This file is not a valid Excel workbook (.xlsx): it may be damaged. Save it again.")) from exc
    finally:
        stream.seek(0)
    match = _DIMENSION.search(head)
    if not match:
        return None
    first_col, first_row, last_col, last_row = match.groups()
    rows = int(last_row or first_row or 1)
    cols = _column_number((last_col or first_col or b"A").decode())
    if rows - 1 > limits.rows:
        raise FileProblem(_("The sheet has %(rows)s rows; at most %(max)s are read. Split it into smaller files.")
                          % {"rows": f"{rows:,}", "max": f"{limits.rows:,}"}, status=413)
    if rows * cols > limits.cells:
        raise FileProblem(_("The sheet spans %(cells)s cells (%(rows)s rows × %(cols)s columns); at most %(max)s are "
                            "read. Delete the empty rows and columns, or split the file.")
                          % {"cells": f"{rows * cols:,}", "rows": f"{rows:,}", "cols": cols, "max": f"{limits.cells:,}"},
                          status=413)
    return max(rows - 1, 0)


def check_utf8(upload: Any) -> None:
    """Decode the whole file as UTF-8 (with or without BOM) in chunks, so bad bytes are found before any row is read."""
    fileobj = _stream(upload)
    fileobj.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    line = 1
    chunk = b""
    try:
        while chunk := fileobj.read(1 << 20):
            text = decoder.decode(chunk)
            if "\x00" in text:
                raise FileProblem(_("This is not a text file (it contains NUL bytes). Upload a CSV saved as "
                                    "“CSV UTF-8”, or an .xlsx workbook."))
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


def check_table(upload: Any, name: str, limits: Limits | None = None) -> str:
    """Sniff and vet a CSV or XLSX table before it is stored or read; return its format."""
    fileobj = _stream(upload)
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if not head:
        raise FileProblem(_("The file is empty."))
    fmt = table_format(name, head)
    if fmt == "xlsx":
        check_package(fileobj, "xlsx", limits)
        check_sheet(fileobj, limits)
    else:
        check_utf8(fileobj)
    return fmt


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


class _Budget:
    """Counts rows and cells as they are read and watches the clock; raises FileProblem past a limit."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0
        self.deadline = time.monotonic() + limits.seconds

    def take(self, cells: int) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows - 1 > self.limits.rows:  # the header row is not counted
            raise FileProblem(_("The file has more than %(max)s rows. Split it into smaller files.")
                              % {"max": f"{self.limits.rows:,}"}, status=413)
        if self.cells > self.limits.cells:
            raise FileProblem(_("The file has more than %(max)s cells. Delete empty rows and columns, or split it.")
                              % {"max": f"{self.limits.cells:,}"}, status=413)
        if self.rows % 256 == 0 and time.monotonic() > self.deadline:
            raise FileProblem(_("Reading the file took longer than %(s)s seconds; nothing was imported. Split it "
                                "into smaller files.") % {"s": int(self.limits.seconds)}, status=413)


@contextmanager
def open_table(fileobj: IO[bytes], fmt: str, limits: Limits | None = None
               ) -> Iterator[tuple[list[str], Iterator[tuple[int, list[str]]]]]:
    """``(header, rows)`` where rows yields ``(row_number, cells)`` as text; row 1 is the header, blank rows
    are skipped (but counted against the limits). XLSX cells that hold formulas are read as the formula's
    text, never evaluated. Memory stays flat however long the file is."""
    budget = _Budget(limits or Limits.default())
    if fmt == "xlsx":
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=False)
            sheet = workbook.worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds on damaged files
            raise FileProblem(_("This Excel workbook cannot be read (%(error)s). Save it again as .xlsx.")
                              % {"error": type(exc).__name__}) from exc
        try:
            values = sheet.iter_rows(values_only=True)

            def xlsx_rows() -> Iterator[tuple[int, list[str]]]:
                try:
                    for number, row in enumerate(values, start=2):
                        budget.take(len(row))
                        if any(v not in (None, "") for v in row):
                            yield number, [cell_text(v) for v in row]
                except FileProblem:
                    raise
                except Exception as exc:  # a damaged sheet part shows only while it is read
                    raise FileProblem(_("This Excel workbook cannot be read (%(error)s). Save it again as .xlsx.")
                                      % {"error": type(exc).__name__}) from exc

            try:
                first = next(values, ())
            except Exception as exc:
                raise FileProblem(_("This Excel workbook cannot be read (%(error)s). Save it again as .xlsx.")
                                  % {"error": type(exc).__name__}) from exc
            budget.take(len(first))
            yield [cell_text(v) for v in first], xlsx_rows()
        finally:
            workbook.close()
        return
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
    try:
        try:
            first_line = text.readline()
        except UnicodeDecodeError as exc:
            raise FileProblem(_("The file is not UTF-8 text. Save it as “CSV UTF-8”.")) from exc
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        budget.take(len(header))
        reader = csv.reader(text, delimiter=delimiter)

        def rows() -> Iterator[tuple[int, list[str]]]:
            try:
                for row in reader:
                    budget.take(len(row))
                    cells = [cell.strip() for cell in row]
                    if any(cells):
                        yield reader.line_num + 1, cells
            except csv.Error as exc:
                raise FileProblem(_("Line %(line)s cannot be read as CSV: %(error)s.")
                                  % {"line": reader.line_num + 1, "error": exc}) from exc
            except UnicodeDecodeError as exc:
                raise FileProblem(_("The file is not UTF-8 text. Save it as “CSV UTF-8”.")) from exc

        yield [h.strip() for h in header], rows()
    finally:
        text.detach()


def count_rows(fileobj: IO[bytes], fmt: str) -> int:
    """A quick estimate of the number of data rows, for a progress bar (the sheet's declared dimension,
    or the CSV's line count). Never parses the sheet."""
    if fmt == "xlsx":
        try:
            rows = check_sheet(fileobj) or 0
        except FileProblem:
            rows = 0
        fileobj.seek(0)
        return rows
    lines = 0
    fileobj.seek(0)
    while chunk := fileobj.read(1 << 20):
        lines += chunk.count(b"\n")
    fileobj.seek(0)
    return max(lines - 1, 0) if lines else 0


MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "basic/", "scripts/")


def check_no_macros(upload: Any) -> None:
    """Refuse an Office or OpenDocument file that carries macros (.docm, .xlsm, .pptm or a document with a
    Basic/script library), whatever its name: a macro-enabled file is never stored for others to open."""
    stream = _stream(upload)
    stream.seek(0)
    try:
        if not stream.read(4).startswith(ZIP_MAGIC):
            return
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = [n.lower() for n in archive.namelist()]
            macro = any(part in name for name in names for part in MACRO_PARTS)
            if not macro and "[content_types].xml" in names:
                info = archive.getinfo(next(n for n in archive.namelist() if n.lower() == "[content_types].xml"))
                with archive.open(info) as part:
                    macro = b"macroenabled" in part.read(1 << 20).lower()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise FileProblem(_("This file is damaged or cut short. Save it again and upload it.")) from exc
    finally:
        stream.seek(0)
    if macro:
        raise FileProblem(_("This file contains macros, which are never accepted. Save it again as a file without "
                            "macros (.docx, .xlsx, .pptx or PDF)."))
