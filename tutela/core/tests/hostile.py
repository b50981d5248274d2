"""Malformed and hostile upload files, built in memory, for every import's tests.

``HOSTILE_TABLES`` are uploads named .xlsx or .csv that must each be refused with a clear message
(never a 500, never a long parse); ``HOSTILE_DOCX`` the same for Word imports.
"""

import io
import zipfile

from openpyxl import Workbook

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/xl/workbook.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 b'<Override PartName="/xl/worksheets/sheet1.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                 b'Target="worksheets/sheet1.xml"/></Relationships>')
ROOT_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
             b'Target="xl/workbook.xml"/></Relationships>')
SHEET_OPEN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def workbook_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def package(sheet: bytes, *, extra: dict[str, bytes] | None = None, level: int = 9) -> bytes:
    """A minimal hand-made XLSX whose first sheet is ``sheet`` (raw XML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def _row(n: int, value: str = "x") -> bytes:
    return f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{value}</t></is></c></row>'.encode()


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'.encode() + SHEET_OPEN
            + b"<sheetData>" + _row(1, "&lol9;") + b"</sheetData></worksheet>")


def external_entity() -> bytes:
    return (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + SHEET_OPEN
            + b"<sheetData>" + _row(1, "&xxe;") + b"</sheetData></worksheet>")


def far_row(*, dimension: bool) -> bytes:
    """A few hundred bytes that a reader expands to 2.1 M rows (the attack in issue 12)."""
    dim = b'<dimension ref="A1:H2100000"/>' if dimension else b""
    return package(SHEET_OPEN + dim + b"<sheetData>" + _row(1, "name") + _row(2_100_000) + b"</sheetData></worksheet>")


def zip_bomb() -> bytes:
    """A sheet part that expands about a thousand times (60 MB of padding inside a cell)."""
    pad = b" " * (60 * 1024 * 1024)
    return package(SHEET_OPEN + b"<sheetData>" + _row(1, "name") + b"</sheetData>" + pad + b"</worksheet>", level=1)


def many_entries(n: int = 3000) -> bytes:
    return package(SHEET_OPEN + b"<sheetData>" + _row(1) + b"</sheetData></worksheet>",
                   extra={f"xl/media/{i}.xml": b"<a/>" for i in range(n)})


def hostile_tables() -> dict[str, tuple[str, bytes]]:
    """name → (upload file name, content). Each must be refused with a message."""
    good = workbook_bytes([["name", "sector"], ["Ana", "education"]])
    docx = docx_bytes(["Hello"])
    return {
        "not a zip": ("people.xlsx", b"name,sector\nAna,education\n"),
        "random bytes": ("people.xlsx", bytes(range(256)) * 8),
        "truncated": ("people.xlsx", good[: len(good) // 2]),
        "zip without workbook": ("people.xlsx", _zip({"hello.txt": b"hi"})),
        "docx renamed": ("people.xlsx", docx),
        "pdf renamed": ("people.xlsx", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        "old xls": ("people.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
        "billion laughs": ("people.xlsx", package(billion_laughs())),
        "external entity": ("people.xlsx", package(external_entity())),
        "far row with dimension": ("people.xlsx", far_row(dimension=True)),
        "zip bomb": ("people.xlsx", zip_bomb()),
        "many entries": ("people.xlsx", many_entries()),
        "csv latin-1": ("people.csv", "name,sector\nJosé Müller,education\n".encode("latin-1")),
        "csv utf-16": ("people.csv", "name,sector\nAna,education\n".encode("utf-16")),
        "empty": ("people.csv", b""),
    }


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def hostile_docx() -> dict[str, bytes]:
    good = docx_bytes(["Hello"])
    entity_doc = _replace_part(good, "word/document.xml", lambda xml: xml.replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY x "boom">]>', 1))
    return {
        "not a zip": b"Hello, I am text",
        "truncated": good[: len(good) // 2],
        "xlsx renamed": workbook_bytes([["a"]]),
        "xml entities": entity_doc,
        "zip bomb": _replace_part(good, "word/document.xml", lambda xml: xml.replace(
            b"</w:body>", b" " * (60 * 1024 * 1024) + b"</w:body>"), level=1),
    }


def _replace_part(data: bytes, part: str, change, level: int = 6) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for info in source.infolist():
            content = source.read(info.filename)
            z.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()
