"""The report as a document: one data shape, rendered to HTML, Markdown, DOCX and PDF.

A draft is read live from its paragraphs; a signed-off report from its frozen snapshot, so
later changes to the records do not alter it. Sources are resolved to links at render time; a
record deleted after sign-off is shown by its frozen label with a note.
"""

import html
import io
import logging
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi, get_language_info
from django.utils.translation import gettext as _

from tutela.core.languages import bcp47
from tutela.core.text import strip_control_characters

from . import prose
from .models import original_hash

URL_NAMES = {
    "activities.activity": "activities:activity_detail",
    "activities.project": "activities:project_detail",
    "activities.occasion": "activities:occasion_detail",
    "figures.figure": "figures:figure_detail",
    "partners.agreement": "partners:agreement_detail",
    "partners.organisation": "partners:organisation_detail",
    "initiatives.person": "initiatives:person_detail",
    "initiatives.deliverable": "initiatives:deliverable_detail",
    "coordination.document": "coordination:document_detail",
    "coordination.liaisonstatement": "coordination:liaison_detail",
    "consultations.consultation": "consultations:consultation_detail",
    "outreach.campaign": "outreach:campaign_detail",
}


def _sources(sentences: list, bullets: list) -> list[dict]:
    """Each record once, in order of first mention (as ``ReportParagraph.sources``)."""
    seen, out = set(), []
    for item in (*sentences, *bullets):
        for src in item.get("sources", []):
            key = (src["model"], src["id"])
            if key not in seen:
                seen.add(key)
                out.append(src)
    return out


def snapshot_of(report, *, numbers: tuple[int, int] | None = None) -> dict[str, Any]:
    """The report's text and sources as plain data (what sign-off freezes).

    Read as plain rows (no model instances): a report may have thousands of paragraphs.
    ``numbers=(first, last)`` reads only the paragraphs numbered first..last (one page of the editor).
    """
    paragraphs = []
    rows = _rows(report, numbers).values_list(
        "pk", "order", "section", "origin", "sentences", "bullets", "edited_text", "is_edited", "is_stale",
        "pending_sentences", "translations")
    for pk, order, section, origin, sentences, bullets, edited_text, is_edited, is_stale, pending, translated in rows:
        text = edited_text if is_edited else " ".join(s["text"] for s in sentences)
        bullet_texts = [b["text"] for b in bullets] if not is_edited or bullets else []
        paragraphs.append({
            "number": order,
            "section": section,
            "text": text,
            "sentences": [] if is_edited else sentences,
            "bullets": bullet_texts,
            "edited": is_edited,
            "free": origin == "free",
            "stale": is_stale,
            "pending": pending is not None,
            "pending_text": " ".join(x["text"] for x in pending or []),
            "sources": _sources(sentences, bullets),
            "id": pk,
            "translations": _current_translations(translated, text, bullet_texts),
        })
    return _head(report, paragraphs)


def _current_translations(translated: dict | None, text: str, bullets: list[str]) -> dict[str, dict[str, Any]]:
    """A paragraph's translations that translate its present text (an out-of-date one is left out: the export
    shows the original instead, with its note), as ``{language: {"text", "bullets"}}``."""
    if not translated:
        return {}
    of = original_hash(text, bullets)
    return {code: {"text": entry["text"], "bullets": list(entry.get("bullets") or [])}
            for code, entry in translated.items() if entry.get("text") and entry.get("of") == of}


def _rows(report, numbers: tuple[int, int] | None):
    rows = report.paragraphs.all()
    if numbers is not None:
        rows = rows.filter(order__gte=numbers[0], order__lte=numbers[1])
    return rows.order_by("order", "pk")


def _head(report, paragraphs: list[dict]) -> dict[str, Any]:
    return {
        "title": report.title,
        "presented_to": report.presented_to,
        "meeting": report.meeting,
        "meeting_place": report.meeting_place,
        "meeting_date": report.meeting_date.isoformat() if report.meeting_date else "",
        **_labels(report),
        "document_number": report.document_number,
        "author": report.author,
        "structure": report.structure,
        "status": report.status,
        "finalised_at": report.finalised_at.isoformat() if report.finalised_at else "",
        "finalised_by": str(report.finalised_by) if report.finalised_by_id else "",
        "paragraphs": paragraphs,
    }


def _labels(report) -> dict[str, str]:
    """The header's dates and language line in the active language (the language of the export).

    Made at every rendering, also for a signed-off report: its snapshot froze them in the language it was
    signed off in, and the fields they come from cannot change after sign-off.
    """
    return {
        "meeting_date_text": day_text(report.meeting_date) if report.meeting_date else "",
        "document_date_text": day_text(report.document_date) if report.document_date else "",
        "language_line": language_line(report.language),
        "period": period_text(report.period_start, report.period_end),
        "language": get_language() or settings.LANGUAGE_CODE,
    }


def day_text(d) -> str:
    """A date in the active language's one date style ("6 December 2026", "2026年12月6日")."""
    return formats.date_format(d, "DATE_FORMAT")


def period_text(start, end) -> str:
    """The period covered: English keeps the drafting's ranges ("2–3 December 2013"); other languages write
    both ends in their date style."""
    if (get_language() or "en") == "en":
        return prose.span(start, end)
    if end is None or end == start:
        return day_text(start)
    return _("%(start)s – %(end)s") % {"start": day_text(start), "end": day_text(end)}


def language_name(code: str) -> str:
    """A language's name in the active language ("English", "anglais")."""
    try:
        return str(get_language_info(code or "en")["name_translated"])
    except KeyError:
        return code


def language_line(code: str, version: str | None = None) -> str:
    """The header's language line, as a Council working-group document has it: "Original: English"; a translated
    version also says which language it is in."""
    name = language_name(code)
    if not name:
        return ""
    if version and version != (code or "en"):
        return _("Original: %(original)s; this version: %(language)s") % {
            "original": name, "language": language_name(version)}
    return _("Original: %(language)s") % {"language": name}


def text_direction(text: str, default: str = "ltr") -> str:
    """"rtl" or "ltr" by the first strongly directional character of ``text`` (HTML's ``dir=auto``);
    ``default`` when it has none (digits, punctuation)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default


def export_language(request: HttpRequest) -> str:
    """The language of an export asked from a page: ``?language=`` (an export form's choice), else the page's
    (/fr/…); another app's exports ask it the same way (strategies' round report). Not one of
    ``settings.LANGUAGES``: a 404 that lists them."""
    language = request.GET.get("language") or get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise Http404(_("No such language: choose among %(l)s.") % {"l": ", ".join(code for code, _name in settings.LANGUAGES)})
    return language


def document_direction() -> str:
    return "rtl" if get_language_bidi() else "ltr"


def document(report, *, links: bool = True, numbers: tuple[int, int] | None = None,
             version: str | None = None) -> dict[str, Any]:
    """What to render: the frozen snapshot of a final report, else the live draft; with links resolved.

    ``links=False`` for renderings that show no sources (the HTML and PDF documents): the sources
    are then not looked up. ``numbers=(first, last)``: only the paragraphs numbered first..last.
    ``version``: the language of the version exported (the exports pass theirs; the editor's page none, so it
    shows the original): each paragraph translated into it, else the original with a note (``in_version``).
    """
    if report.is_final and report.snapshot:
        data = report.snapshot
        if numbers is not None:
            data = {**data, "paragraphs": [p for p in data["paragraphs"] if numbers[0] <= p["number"] <= numbers[1]]}
        data = {**data, **_labels(report)}
    else:
        data = snapshot_of(report, numbers=numbers)
    if version is not None:
        data = in_version(data, report.language or "en", version)
    if links:
        _resolve(data["paragraphs"])
    data["dirs"] = _header_directions(data)
    return data


HEADER_TEXTS = ("presented_to", "meeting", "meeting_place", "document_number", "author")


def _header_directions(data: dict[str, Any]) -> dict[str, str]:
    """Each user-written header text's own direction, for its ``<bdi dir>``: WeasyPrint ignores ``dir=auto``, so
    without it "Council Working Group (CWG-COP)" in an Arabic PDF came out as "-Council … (CWG" / "(COP"."""
    default = document_direction()
    return {key: text_direction(data.get(key) or "", default) for key in HEADER_TEXTS}


def in_version(data: dict[str, Any], original: str, version: str) -> dict[str, Any]:
    """The document in ``version``: the report's own text when that is its original language; else each paragraph's
    up-to-date translation, or its original text marked with the original's ``lang`` and a note saying so. The
    numbers, sections and sources do not change, so every language numbers its paragraphs alike."""
    version = version.lower()
    if version == original.lower():
        return data
    note = _("This paragraph is not yet translated into %(language)s; shown in the original (%(original)s).") % {
        "language": language_name(version), "original": language_name(original)}
    paragraphs = []
    for p in data["paragraphs"]:
        entry = (p.get("translations") or {}).get(version)
        if entry:
            paragraphs.append({**p, "text": entry["text"], "bullets": entry["bullets"], "translated": True})
        else:
            paragraphs.append({**p, "lang": bcp47(original), "note": note})
    return {**data, "paragraphs": paragraphs, "language_line": language_line(original, version), "version": version}


def _resolve(paragraphs: list[dict]) -> None:
    wanted: dict[str, set[int]] = defaultdict(set)
    for p in paragraphs:
        for s in p["sources"]:
            wanted[s["model"]].add(s["id"])
    existing: dict[str, set[int]] = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            existing[label] = set()
            continue
        existing[label] = _existing(model, ids)
    urls: dict[str, tuple[str, str] | None] = {}
    for p in paragraphs:
        for s in p["sources"]:
            model = s["model"]
            s["deleted"] = s["id"] not in existing.get(model, set())
            if model not in urls:
                urls[model] = _url_pattern(model)
            pattern = urls[model]
            s["url"] = "" if s["deleted"] or pattern is None else f"{pattern[0]}{s['id']}{pattern[1]}"
            s["kind"] = model.split(".")[-1]


def _existing(model, ids: set[int]) -> set[int]:
    """Which of ``ids`` still exist (asked in batches: SQLite allows some 32,000 parameters a query)."""
    found: set[int] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), 10000):
        found.update(model._default_manager.filter(pk__in=wanted[start:start + 10000]).order_by()
                     .values_list("pk", flat=True))
    return found


_PK_MARK = 918273645


def _url_pattern(model: str) -> tuple[str, str] | None:
    """The detail URL of ``model`` split around its id: reversed once per model, not once per source."""
    url = _url(model, _PK_MARK)
    if not url or url.count(str(_PK_MARK)) != 1:
        return None
    before, after = url.split(str(_PK_MARK))
    return before, after


def _url(model: str, pk: int) -> str:
    name = URL_NAMES.get(model)
    if not name:
        return ""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def md_escape(text: str) -> str:
    """Record text is data: escape Markdown syntax and angle brackets so it cannot become markup."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(data: dict[str, Any], *, site_url: str = "") -> str:
    """The report as Markdown, in the header layout of a Council working-group document: body, meeting, place
    and date, document number, date of the document, language line, source, then the title. No "signed off by"
    line: that is for the internal copy (the secretariat's web view) only."""
    lines = []
    if data["presented_to"]:
        lines.append(f"**{md_escape(data['presented_to'])}**  ")
    meeting = " – ".join(x for x in (data["meeting"], ", ".join(
        x for x in (data["meeting_place"], data["meeting_date_text"]) if x)) if x)
    if meeting:
        lines.append(md_escape(meeting) + "  ")
    if data["document_number"]:
        lines.append(md_escape(_("Document") + f" {data['document_number']}") + "  ")
    if data.get("document_date_text"):
        lines.append(f"{md_escape(data['document_date_text'])}  ")
    if data.get("language_line"):
        lines.append(f"{md_escape(data['language_line'])}  ")
    if data["author"]:
        lines.append(md_escape(_("Source") + f": {data['author']}") + "  ")
    if lines:
        lines[-1] = lines[-1].rstrip()
        lines.append("")
    lines += [f"# {md_escape(data['title'])}", "",
              md_escape(_("Period covered") + f": {data['period']}"), ""]
    section = None
    for p in data["paragraphs"]:
        if data["structure"] == "by_pillar" and p["section"] and p["section"] != section:
            section = p["section"]
            lines += [f"## {md_escape(section)}", ""]
        lines.append(f"{p['number']}. {md_escape(p['text'])}")
        for b in p["bullets"]:
            lines.append(f"   - {md_escape(b)}")
        if p.get("note"):
            lines += ["", f"   *{md_escape(p['note'])}*"]
        lines.append("")
    lines += ["## " + md_escape(_("Sources")), ""]
    for p in data["paragraphs"]:
        if not p["sources"]:
            continue
        refs = []
        for s in p["sources"]:
            label = md_escape(s["label"])
            if s.get("deleted"):
                refs.append(label + " " + md_escape(_("(record deleted since sign-off)")))
            elif s.get("url"):
                refs.append(f"[{label}]({site_url}{s['url']})")
            else:
                refs.append(label)
        lines.append(f"- ¶{p['number']}: " + "; ".join(refs))
    return "\n".join(lines).rstrip() + "\n"


# --- HTML and PDF -----------------------------------------------------------------------------

def paragraphs_html(data: dict[str, Any], *, rtl_lines: bool = False) -> SafeString:
    """The numbered paragraphs (with pillar headings and bullets) as HTML, every text escaped.

    Written here rather than by a template loop: the loop cost 0.15–0.2 s of CPU for 10,000
    paragraphs, this a few hundredths. Same markup as before (``_document.html`` puts it in place).
    A text written the other way from the document (an English paragraph in an Arabic export) carries
    its own ``dir``, found from its first letter as ``dir=auto`` would (WeasyPrint has no ``auto``).

    ``rtl_lines`` (the PDF): a paragraph, heading, bullet or translation note whose text reads right to left is
    written ``<p class="rtl-lines"><span dir="rtl">…</span></p>``, which ``report_pdf.html`` lays out as a left-to-right
    block around a right-to-left span. WeasyPrint 70 lays out every line of a block whose direction is rtl twice
    (``layout/inline.py``, ``get_next_linebox``: its loop stops for rtl only when the line's right edge equals the
    previous pass's, and the first pass has none); for an ltr block it stops after one pass. The span keeps the
    text's direction, so Pango still orders and shapes each line right to left; ``text-align: justify`` fills the
    lines and ``text-align-last: right`` puts the last one on the right. The pages are the same to the pixel and the
    Arabic PDF's layout takes about a fifth less CPU (bench/RESULTS.md, issue 18 session 9; the test is
    ``tests/test_pdf_right_to_left.py`` here). A heading, bullet or note (not justified) is aligned right, as its
    rtl start was; a bullet's marker keeps an rtl item's place (``::marker { direction: rtl }``). The header, the
    title, the numbers' markers and the page numbers stay rtl (one line each, a few a page: session 10).
    """
    esc = html.escape  # & < > " ' — what the template's autoescape escapes
    by_pillar = data["structure"] == "by_pillar"
    direction = document_direction()

    def block(tag: str, text: str, attrs: str = "", css_class: str = "", role: str = "") -> str:
        """``<tag>text</tag>`` with the text's own ``dir`` when it differs from the document's; with ``rtl_lines``,
        right-to-left text as ``<tag class="rtl-lines"><span dir="rtl">…</span></tag>``."""
        own = text_direction(text, direction)
        attrs += "" if own == direction else f' dir="{own}"'
        content = esc(text)
        if rtl_lines and own == "rtl":
            css_class, content = f"{css_class} rtl-lines".strip(), f'<span dir="rtl">{content}</span>'
        attrs += (f' class="{css_class}"' if css_class else "") + (f' role="{role}"' if role else "")
        return f"<{tag}{attrs}>{content}</{tag}>"

    out = ['<ol class="report">\n']
    section = None
    for p in data["paragraphs"]:
        if p["section"] != section:
            section = p["section"]
            if by_pillar and section:
                out.append(f'<li class="section-heading" role="presentation">{block("h2", section)}</li>\n')
        lang = f' lang="{esc(p["lang"])}"' if p.get("lang") else ""
        bullets = "".join(block("li", b, lang) for b in p["bullets"])
        note = block("p", p["note"], "", "translation-note", "note") if p.get("note") else ""
        paragraph = block("p", p["text"], lang)
        out.append(f'<li value="{int(p["number"])}">{paragraph}{f"<ul>{bullets}</ul>" if bullets else ""}{note}</li>\n')
    out.append("</ol>")
    return mark_safe("".join(out))  # noqa: S308 — every piece of text above is escaped


def to_html(data: dict[str, Any], template: str = "reports/report_print.html", *, rtl_lines: bool = False) -> str:
    """The report as one HTML document (``report_pdf.html``: the page WeasyPrint sets, with ``rtl_lines``)."""
    direction = document_direction()
    return render_to_string(template, {"doc": data, "paragraphs_html": paragraphs_html(data, rtl_lines=rtl_lines),
                                       "lang": bcp47(get_language() or settings.LANGUAGE_CODE), "dir": direction,
                                       "title_dir": text_direction(data["title"], direction),
                                       "fonts": ", ".join(f'"{family}"' for family in pdf_fonts(get_language()))})


# The font families the PDF is set in, in order of preference: together they cover Latin, Greek,
# Cyrillic, Arabic and Chinese/Japanese/Korean (Debian: fonts-noto-core, fonts-noto-cjk). The
# system check ``reports.E001`` refuses to start when fontconfig cannot find one of them.
PDF_FONTS = ("Noto Sans", "Noto Sans Arabic", "Noto Sans CJK SC")

# The family put first for a document in these languages. Pango sets each character in the first family of the
# list that has it: in Arabic text set "Noto Sans" first, every space WeasyPrint stretches to justify a line (a run
# of its own), every digit and full stop went to "Noto Sans" and back, two font changes a word (in the layout and as
# PDF operators: 2,983 font changes on 25 pages against 347). "Noto Sans Arabic" has those characters and no Latin
# letters, so Latin words in an Arabic document are still set in "Noto Sans".
PDF_FIRST_FONT = {"ar": "Noto Sans Arabic"}


def pdf_fonts(language: str | None = None) -> tuple[str, ...]:
    """The families, in order, for a document in ``language`` (its script's family first, see ``PDF_FIRST_FONT``)."""
    families = tuple(getattr(settings, "REPORTS_PDF_FONTS", PDF_FONTS))
    first = PDF_FIRST_FONT.get((language or "").split("-")[0])
    if first in families:
        families = (first, *(family for family in families if family != first))
    return families


# A PDF of this many paragraphs or more is made by the worker, with a progress bar (``services.report_pdf``);
# shorter ones (a few seconds at most) are made in the request.
PDF_IN_WORKER_FROM = 200


@dataclass
class Pdf:
    content: bytes
    pages: int


def to_pdf(data: dict[str, Any], *, progress: Callable[[int], None] | None = None) -> Pdf:
    """The report as a tagged PDF (WeasyPrint's PDF/UA-1 variant), set by WeasyPrint from ``report_pdf.html`` in
    the active language: its labels, dates, ``lang`` and direction (Arabic right to left, shaped by the font).

    ``progress(percent)`` is called as WeasyPrint reports its steps on its documented
    ``weasyprint.progress`` logger: the layout of each page, then writing the PDF. The number
    of pages is not known before the layout ends, so it is estimated from the text's length.
    """
    from weasyprint import HTML

    html = to_html(data, "reports/report_pdf.html", rtl_lines=True)  # one layout pass per Arabic line
    with _progress_reported(progress, _estimated_pages(data)):
        document = HTML(string=html).render(pdf_tags=True, presentational_hints=True)
        content = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, presentational_hints=True)
    return Pdf(content=content, pages=len(document.pages))


# About this many characters of paragraph text fill an A4 page of report_pdf.html (9,827 paragraphs made
# 1,234 pages in Noto Sans); each paragraph adds about one line of spacing.
_CHARS_PER_PAGE, _CHARS_PER_PARAGRAPH = 4250, 100


def _estimated_pages(data: dict[str, Any]) -> int:
    chars = sum(len(p["text"]) + sum(len(b) for b in p["bullets"]) + _CHARS_PER_PARAGRAPH for p in data["paragraphs"])
    return max(1, round(chars / _CHARS_PER_PAGE))


_LAYOUT_PAGE = re.compile(r"Step 5 - Creating layout - Page (\d+)$")
# WeasyPrint's steps, as shares of the time a 1,234-page report took (bench/reports_RESULTS.md): parsing and
# styling about 6 %, the layout (reported page by page) about 37 %, writing the PDF about 57 % (not reported
# page by page: the bar waits at 40 % meanwhile).
_STEPS = {"Step 3": 2, "Step 4": 4, "Step 6": 40, "Step 7": 95}
_LAYOUT_FROM, _LAYOUT_TO = 5, 39


@contextmanager
def _progress_reported(progress: Callable[[int], None] | None, pages: int):
    """Report WeasyPrint's steps of this thread to ``progress`` (percent, rising)."""
    if progress is None:
        yield
        return
    report = progress  # a name the handler below sees as not None
    thread = threading.get_ident()

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.thread != thread:
                return
            message = record.getMessage()
            page = _LAYOUT_PAGE.match(message)
            if page:
                span = _LAYOUT_TO - _LAYOUT_FROM
                report(_LAYOUT_FROM + min(span, span * int(page.group(1)) // pages))
            elif message[:6] in _STEPS:
                report(_STEPS[message[:6]])

    logger = logging.getLogger("weasyprint.progress")
    handler = Handler(logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


# --- DOCX -------------------------------------------------------------------------------------

def _w_run(text: str, rtl: bool = False) -> str:
    """A WordprocessingML run holding ``text`` as text: escaped, line breaks and tabs as Word's own."""
    text = strip_control_characters(text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
    text = text.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    return f'<w:r>{"<w:rPr><w:rtl/></w:rPr>" if rtl else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _w_paragraph(text: str, style_id: str = "", direction: str = "ltr") -> str:
    """A paragraph; right to left (``w:bidi``, its run ``w:rtl``) when its text reads so, as ``dir=auto``
    would decide, ``direction`` (the document's) when its text has no letter."""
    rtl = text_direction(text, direction) == "rtl"
    style = f'<w:pStyle w:val="{style_id}"/>' if style_id else ""
    props = f"<w:pPr>{style}{'<w:bidi/>' if rtl else ''}</w:pPr>" if style or rtl else ""
    return f"<w:p>{props}{_w_run(text, rtl)}</w:p>"


# What follows w:bidi in a paragraph's properties, and w:rtl in a run's (the schema's order).
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
               "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")


def docx_right_to_left(paragraph, direction: str) -> None:
    """Make a paragraph python-docx wrote right to left when its text reads so (``w:bidi``, its runs ``w:rtl``),
    as ``dir=auto`` would decide; ``direction`` (the document's) when its text has no letter."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if text_direction(paragraph.text, direction) != "rtl":
        return
    p = paragraph._p
    p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
    for run in p.iter(qn("w:r")):
        run.get_or_add_rPr().insert_element_before(OxmlElement("w:rtl"), *_AFTER_RTL)


def docx_document(direction: str):
    """A new python-docx document as the report's: Normal text in Calibri 11 pt; in a right-to-left language
    (``direction`` "rtl") its pages run right to left (``w:bidi`` on the section)."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    if direction == "rtl":
        doc.sections[0]._sectPr.insert_element_before(
            OxmlElement("w:bidi"), "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
    return doc


def docx_directions(doc, direction: str) -> None:
    """Once the document is written: its tables' cells run right to left in a right-to-left document
    (``bidiVisual``), and each paragraph, in the body and in the tables, takes the direction of its text."""
    from docx.enum.table import WD_TABLE_DIRECTION

    for table in doc.tables:
        if direction == "rtl":
            table.table_direction = WD_TABLE_DIRECTION.RTL
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    docx_right_to_left(paragraph, direction)
    for paragraph in doc.paragraphs:
        docx_right_to_left(paragraph, direction)


def to_docx(data: dict[str, Any]) -> bytes:
    """The report as a Word document.

    python-docx gives the package, its styles and the header block; the numbered paragraphs,
    bullets and sources (thousands in a large report) are written as WordprocessingML in one
    piece, which is the same markup ``add_paragraph`` makes, at a fraction of the cost.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    direction = document_direction()
    doc = docx_document(direction)
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.text = strip_control_characters("\n".join(x for x in (data["presented_to"], " – ".join(
        x for x in (data["meeting"], ", ".join(x for x in (data["meeting_place"], data["meeting_date_text"]) if x))
        if x)) if x))
    right.text = strip_control_characters("\n".join(x for x in (
        _("Document") + f" {data['document_number']}" if data["document_number"] else "",
        data.get("document_date_text") or data["meeting_date_text"], data.get("language_line", "")) if x))
    if direction != "rtl":  # right to left, the cells' order turns round and the number block ends on the left
        right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if data["author"]:
        doc.add_paragraph(strip_control_characters(_("Source") + f": {data['author']}"))
    heading = doc.add_heading(strip_control_characters(data["title"]), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_("Period covered") + f": {data['period']}")
    docx_directions(doc, direction)
    h2, bullet = doc.styles["Heading 2"].style_id, doc.styles["List Bullet"].style_id
    parts: list[str] = []
    section = None
    for p in data["paragraphs"]:
        if data["structure"] == "by_pillar" and p["section"] and p["section"] != section:
            section = p["section"]
            parts.append(_w_paragraph(section, h2, direction))
        parts.append(_w_paragraph(f"{p['number']}. {p['text']}", "", direction))
        for b in p["bullets"]:
            parts.append(_w_paragraph(b, bullet, direction))
        if p.get("note"):
            parts.append(_w_paragraph(p["note"], "", direction))
    parts.append(_w_paragraph(_("Sources"), h2, direction))
    deleted = " (" + _("deleted since sign-off") + ")"
    for p in data["paragraphs"]:
        if p["sources"]:
            labels = [s["label"] + (deleted if s.get("deleted") else "") for s in p["sources"]]
            parts.append(_w_paragraph(f"¶{p['number']}: " + "; ".join(labels), "", direction))
    body = doc.element.body
    sect_pr = body.sectPr
    for element in parse_xml(f"<w:body {nsdecls('w')}>{''.join(parts)}</w:body>"):
        sect_pr.addprevious(element)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
