"""A round as a report (PDF, DOCX) and its scores (CSV, XLSX).

``full`` (the national team and the secretariat): every criterion's level, target and comments and
the evidence list. Otherwise (the public, for a published round): the summary and the mean level per
pillar only, as the country page shows it.
"""

import io
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string

from tutela.core.text import strip_control_characters
from tutela.exchange.files import csv_stream, xlsx_file

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


def response(assessment: Assessment, fmt: str, *, full: bool) -> HttpResponse | StreamingHttpResponse:
    name = f"assessment-{str(assessment.country)}-{assessment.held_on.isoformat()}.{fmt}"
    disposition = f'attachment; filename="{name}"'
    if fmt == "csv":
        header, rows = score_rows(assessment, full=full)
        out: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(csv_stream(header, rows), content_type=CONTENT_TYPES[fmt])
    elif fmt == "xlsx":
        header, rows = score_rows(assessment, full=full)
        out = HttpResponse(xlsx_file(header, rows, "Scores").read(), content_type=CONTENT_TYPES[fmt])
    elif fmt == "pdf":
        out = HttpResponse(to_pdf(data(assessment, full=full)), content_type=CONTENT_TYPES[fmt])
    else:
        out = HttpResponse(to_docx(data(assessment, full=full)), content_type=CONTENT_TYPES[fmt])
    out["Content-Disposition"] = disposition
    return out


def to_pdf(doc: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    from tutela.reports.rendering import pdf_fonts

    html = render_to_string("strategies/assessment_print.html",
                            {"doc": doc, "fonts": ", ".join(f'"{f}"' for f in pdf_fonts())})
    return HTML(string=html).write_pdf(pdf_tags=True)


def to_docx(doc: dict[str, Any]) -> bytes:
    from docx import Document

    a: Assessment = doc["assessment"]
    document = Document()
    document.add_heading(strip_control_characters(f"{doc['country']}: national COP self-assessment, {a.held_on:%d %B %Y}"), 1)
    document.add_paragraph(strip_control_characters(
        f"Framework: {a.framework}. Status: {a.get_status_display()}. Strategy stage: {a.get_strategy_stage_display()}."))
    if a.team and doc["full"]:
        document.add_paragraph(strip_control_characters(f"National team: {a.team}"))
    if a.summary:
        document.add_heading("Summary", 2)
        document.add_paragraph(strip_control_characters(a.summary))
    document.add_heading("Mean level by pillar (0–4)", 2)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Pillar", "Mean level"
    for p in doc["pillars"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = p["name"], "—" if p["score"] is None else f"{p['score']:.2f}"
    if doc["full"]:
        document.add_heading("Criteria", 2)
        for r in doc["ratings"]:
            level = "not rated" if r.level is None else str(r.level)
            document.add_paragraph(strip_control_characters(
                f"{r.criterion.code} {r.criterion.title}: level {level}, target {r.target_level}"
                f"{' (gap)' if r.is_gap else ''}."), style="List Bullet")
            if r.comments:
                document.add_paragraph(strip_control_characters(r.comments))
            for e in r.evidence.all():
                document.add_paragraph(strip_control_characters(f"Evidence: {e.title} {e.url}".strip()))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


