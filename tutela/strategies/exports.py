"""A round as a report (PDF, DOCX) and its scores (CSV, XLSX).

The report speaks the language it is asked in, as the progress reports' exports do (``reports.rendering``):
the page's (``/fr/strategies/…/export.docx``) or ``?language=``; its labels, dates, numbers, ``lang`` and
direction (Arabic right to left: ``dir="rtl"`` in the PDF, ``w:bidi`` in the DOCX) and the PDF's fonts follow
it. The round's own text (summary, comments, criteria) stays as written. CSV and XLSX are data: their column
names are fixed.

``full`` (the national team and the secretariat): every criterion's level, target and comments and
the evidence list. Otherwise (the public, for a published round): the summary and the mean level per
pillar only, as the country page shows it.
"""

import io
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tutela.core.languages import bcp47
from tutela.core.text import strip_control_characters
from tutela.exchange.files import csv_stream, xlsx_file
from tutela.reports import rendering

from . import selectors
from .models import Assessment

FORMATS = {"csv", "xlsx", "pdf", "docx"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def data(assessment: Assessment, *, full: bool) -> dict[str, Any]:
    progress = selectors.progress([assessment])
    ratings = selectors.assessment_ratings(assessment) if full else []
    return {
        "assessment": assessment, "country": assessment.country_name, "full": full,
        "pillars": [{"name": p.name, "score": s} for p, s in zip(progress["pillars"], progress["rows"][0]["scores"], strict=True)],
        "ratings": ratings,
    }


def score_rows(assessment: Assessment, *, full: bool) -> tuple[list[str], list[list[Any]]]:
    if full:
        header = ["country", "date", "framework", "version", "pillar", "criterion", "title", "level", "target", "gap",
                  "comments", "evidence"]
        rows = [[str(assessment.country), assessment.held_on.isoformat(), assessment.framework.code,
                 assessment.framework.version, r.criterion.pillar.short_name, r.criterion.code, r.criterion.title,
                 r.level, r.target_level, "yes" if r.is_gap else "no", r.comments,
                 "; ".join(e.url or e.title for e in r.evidence.all())]
                for r in selectors.assessment_ratings(assessment)]
        return header, rows
    header = ["country", "date", "framework", "version", "pillar", "mean level"]
    d = data(assessment, full=False)
    return header, [[str(assessment.country), assessment.held_on.isoformat(), assessment.framework.code,
                     assessment.framework.version, p["name"], p["score"]] for p in d["pillars"]]


def response(assessment: Assessment, fmt: str, *, full: bool,
             language: str | None = None) -> HttpResponse | StreamingHttpResponse:
    """The file in ``fmt``; the PDF and DOCX in ``language`` (default: the active one)."""
    name = f"assessment-{str(assessment.country)}-{assessment.held_on.isoformat()}.{fmt}"
    disposition = f'attachment; filename="{name}"'
    if fmt == "csv":
        header, rows = score_rows(assessment, full=full)
        out: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(csv_stream(header, rows), content_type=CONTENT_TYPES[fmt])
    elif fmt == "xlsx":
        header, rows = score_rows(assessment, full=full)
        out = HttpResponse(xlsx_file(header, rows, "Scores").read(), content_type=CONTENT_TYPES[fmt])
    else:
        with translation.override(language or get_language()):
            doc = data(assessment, full=full)
            out = HttpResponse(to_pdf(doc) if fmt == "pdf" else to_docx(doc), content_type=CONTENT_TYPES[fmt])
            out["Content-Language"] = bcp47(get_language())
    out["Content-Disposition"] = disposition
    return out


def to_pdf(doc: dict[str, Any]) -> bytes:
    """The round report in the active language, set in the report's fonts for it (``rendering.pdf_fonts``)."""
    from weasyprint import HTML

    html = render_to_string("strategies/assessment_print.html", {
        "doc": doc, "lang": bcp47(get_language()), "dir": rendering.document_direction(),
        "fonts": ", ".join(f'"{f}"' for f in rendering.pdf_fonts(get_language()))})
    return HTML(string=html).write_pdf(pdf_tags=True)


def _score(score: float | None) -> str:
    return "—" if score is None else formats.number_format(score, 2)


def to_docx(doc: dict[str, Any]) -> bytes:
    """The round report as a Word document in the active language: the same labels as the PDF, through the
    report's DOCX helpers (``rendering.docx_document``, ``docx_directions``: right to left in Arabic)."""
    a: Assessment = doc["assessment"]
    direction = rendering.document_direction()
    document = rendering.docx_document(direction)
    document.add_heading(strip_control_characters(
        _("%(country)s: national COP self-assessment, %(date)s") % {"country": doc["country"],
                                                                     "date": rendering.day_text(a.held_on)}), 1)
    framework, status, stage = _("Framework"), _("Status"), _("Strategy stage")
    document.add_paragraph(strip_control_characters(
        f"{framework}: {a.framework} · {status}: {a.get_status_display()} · "
        f"{stage}: {a.get_strategy_stage_display()}"))
    if a.team and doc["full"]:
        team = _("National team")
        document.add_paragraph(strip_control_characters(f"{team}: {a.team}"))
    if a.summary:
        document.add_heading(_("Summary"), 2)
        document.add_paragraph(strip_control_characters(a.summary))
    document.add_heading(_("Mean level by pillar (0–4)"), 2)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = _("Pillar"), _("Mean level")
    for p in doc["pillars"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = strip_control_characters(str(p["name"])), _score(p["score"])
    if doc["full"]:
        document.add_heading(_("Criteria"), 2)
        criteria = document.add_table(rows=1, cols=5)
        for cell, label in zip(criteria.rows[0].cells, (_("Criterion"), _("Level"), _("Target"), _("Gap"),
                                                        _("Comments and evidence")), strict=True):
            cell.text = label
        for r in doc["ratings"]:
            cells = criteria.add_row().cells
            cells[0].text = strip_control_characters(f"{r.criterion.code} {r.criterion.title}")
            cells[1].text = _("not rated") if r.level is None else formats.localize(r.level)
            cells[2].text = formats.localize(r.target_level)
            cells[3].text = _("yes") if r.is_gap else ""
            cells[4].text = strip_control_characters("\n".join(
                [r.comments, *(f"{e.title} {e.url}".strip() for e in r.evidence.all())]).strip())
    rendering.docx_directions(document, direction)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
