"""Files made from consultation records: versions as Markdown/DOCX/PDF, the comment-resolution
table as CSV/XLSX/PDF, questionnaire answers as CSV/XLSX. Pure readers: nothing here writes to
the database."""

import csv
import io
from datetime import UTC

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tutela.core.markdown import safe_markdown_text
from tutela.core.text import spreadsheet_cell, strip_control_characters

from .models import GuidelineVersion

RESOLUTION_COLUMNS = [
    ("receipt", "Receipt"), ("paragraph", "Paragraph"), ("quote", "Passage"), ("comment", "Comment"),
    ("proposed_change", "Proposed change"), ("type", "Type"), ("stakeholder_type", "Stakeholder type"),
    ("decision", "Decision"), ("rationale", "Rationale"), ("resulting", "Led to"),
    ("language", "Language"),  # the language the comment was written in (en, fr, …): last, so older columns keep their place
]


def _cell(value: str) -> str:
    # Never a formula, never a control character (XLSX cannot hold them): the one rule for cells.
    return spreadsheet_cell(str(value or ""))


def version_markdown(version: GuidelineVersion) -> str:
    """Markdown with a ``{#key}`` after each block, so a re-import keeps paragraph identity.

    Texts are escaped (raw HTML becomes entities, script links lose their link: core.markdown);
    the importer decodes the entities again."""
    title = safe_markdown_text(f"{version.document.title} — {version.label}")  # "-->" cannot close the comment
    lines = [f"<!-- {title} -->", ""]
    for p in version.paragraphs.order_by("position").select_related("anchor"):
        if p.kind == "section":
            lines.append(f"{'#' * max(1, p.level)} {safe_markdown_text(p.text)} {{#{p.anchor.key}}}")
        else:
            lines.append(f"{safe_markdown_text(p.text)} {{#{p.anchor.key}}}")
        lines.append("")
    return "\n".join(lines)


def version_docx(version: GuidelineVersion) -> bytes:
    """A Word file; each block ends with its ``{#key}`` as hidden text for a lossless re-import.

    Stored text may hold characters XML cannot (rows written before input was checked): they are
    stripped here, as the spreadsheet writers strip them (core.text), never a 500."""
    import docx

    text = strip_control_characters
    title = text(f"{version.document.title} — {version.label}")
    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    for p in version.paragraphs.order_by("position").select_related("anchor"):
        if p.kind == "section":
            para = document.add_heading(text(f"{p.number} {p.text}"), level=min(max(1, p.level), 9))
        else:
            para = document.add_paragraph()
            para.add_run(text(f"{p.number}. ")).bold = True
            para.add_run(text(p.text))
        marker = para.add_run(f" {{#{p.anchor.key}}}")
        marker.font.hidden = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string(template, context)).write_pdf()


def resolution_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_(label) for _key, label in RESOLUTION_COLUMNS])
    for row in rows:
        writer.writerow([_cell(row[key]) for key, _label in RESOLUTION_COLUMNS])
    return out.getvalue()


def resolution_xlsx(rows: list[dict], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook(write_only=False)
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    sheet.title = "Resolution"
    sheet.append([_(label) for _key, label in RESOLUTION_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(row[key]) for key, _label in RESOLUTION_COLUMNS])
    widths = [16, 10, 30, 60, 40, 12, 22, 22, 50, 14, 10]
    for i, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    book.properties.title = strip_control_characters(title)[:200]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ANSWER_COLUMNS = [
    ("respondent", "Respondent"), ("stakeholder_type", "Stakeholder type"), ("industry_sector", "Industry sector"),
    ("organisation", "Organisation"), ("anonymous", "Asked to be anonymous"), ("country", "Country"),
    ("consent_to_list", "May be listed"), ("answered_at", "Answered (UTC)"), ("receipts", "Comment receipts"),
]


def _answer_values(row: dict) -> list[str]:
    values = []
    for key, _label in ANSWER_COLUMNS:
        value = row[key]
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif key == "answered_at":
            value = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        values.append(_cell(value))
    return values + [_cell(a) for a in row["answers"]]


def _answer_header(questions: list) -> list[str]:
    return [_(label) for _key, label in ANSWER_COLUMNS] + [f"Q{q.number}. {q.text}" for q in questions]


def answers_csv(questions: list, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(h) for h in _answer_header(questions)])
    for row in rows:
        writer.writerow(_answer_values(row))
    return out.getvalue()


def answers_xlsx(questions: list, rows: list[dict], title: str) -> bytes:
    """Sheet *Answers*, one row per respondent; sheet *Choices*, the count of each offered answer."""
    from collections import Counter

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    sheet.title = "Answers"
    sheet.append([_cell(h) for h in _answer_header(questions)])
    for row in rows:
        sheet.append(_answer_values(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [10, 20, 16, 28, 10, 8, 10, 17, 22] + [40] * len(questions)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "B2"
    choices = book.create_sheet("Choices")
    choices.append([_("Question"), _("Answer"), _("Respondents")])
    for cell in choices[1]:
        cell.font = Font(bold=True)
    for i, q in enumerate(questions):
        if q.kind != "choice":
            continue
        counts = Counter(row["answers"][i] for row in rows if row["answers"][i])
        for choice in q.choices:
            choices.append([f"Q{q.number}", _cell(choice), counts.get(choice, 0)])
    choices.column_dimensions["B"].width = 30
    book.properties.title = strip_control_characters(title)[:200]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

