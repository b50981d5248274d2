"""A right-to-left paragraph, heading, bullet or translation note of a report PDF is set as a left-to-right block
around its text in a right-to-left span (``rendering.paragraphs_html``, ``report_pdf.html``'s ``.rtl-lines``):
WeasyPrint 70 lays out each line of an rtl block twice, of an ltr block once. The trick must not show: the pages are
the pages plain rtl blocks make (compared as images), each line still reads right to left, justified, the last line
on the right, the number on the right, and the text comes out of the PDF as before."""

import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.utils import translation

from tutela.initiatives.services import initiative_create
from tutela.reports import rendering
from tutela.reports.services import paragraph_add, report_create

pytestmark = pytest.mark.django_db

# Long enough for several lines, with Latin names, a document code, numbers and punctuation inside right-to-left text.
ARABIC = ("عقد الاتحاد الدولي للاتصالات (ITU) ورشة عمل إقليمية في مسقط يومي 12–13 أكتوبر 2013 بالتعاون مع شركة "
          "Trend Micro والمنظمة ACOPEA، وحضرها 150 مشاركاً من 14 دولة عضواً؛ وصدرت الوثيقة JCA-COP DOC047 (Rev. 2) "
          "في اليوم نفسه. وقال السيد Carlos Fernández إن نسبة المشاركة بلغت 87,5 في المائة، أي أكثر من الهدف "
          "(50 مشاركاً). وتعهدت الأمانة بنشر التقرير الكامل على الموقع قبل نهاية السنة.")
ENGLISH = "The Addis Ababa pilot reached 1,200 children in 2013 (counted), against a target of 1,000."


@pytest.fixture
def report(secretariat_org, secretariat):
    initiative = initiative_create(actor=None, name="COP Global Initiative", lead_organisation=secretariat_org)
    report = report_create(actor=secretariat, title="تقرير مرحلي", initiative=initiative, document_number="CWG-COP/1/2",
                           author="ITU Secretariat", language="ar", period_start=date(2013, 1, 1),
                           period_end=date(2013, 12, 31))
    for text in (ARABIC, ENGLISH, ARABIC):
        paragraph_add(actor=secretariat, report=report, text=text)
    return report


def run(tool: str, content: bytes, tmp_path, *args: str) -> bytes:
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    out = ["-"] if tool == "pdftotext" else []  # pdftoppm without a file name writes the pages to stdout
    return subprocess.run([tool, *args, str(path), *out], capture_output=True, check=True).stdout


def plain_pdf(report, language: str) -> bytes:
    """The same report set with plain rtl blocks (``rtl_lines=False``), as before."""
    from weasyprint import HTML

    with translation.override(language):
        html = rendering.to_html(rendering.document(report, links=False, version=language), "reports/report_pdf.html")
    assert 'class="rtl-lines"' not in html
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, presentational_hints=True)


def test_the_pdf_markup_wraps_right_to_left_paragraphs_only(report):
    with translation.override("ar"):
        data = rendering.document(report, links=False, version="ar")
        pdf_html = rendering.to_html(data, "reports/report_pdf.html", rtl_lines=True)
        print_html = rendering.to_html(data)
    assert pdf_html.count(f'<p class="rtl-lines"><span dir="rtl">{ARABIC}</span></p>') == 2
    assert f'<p dir="ltr">{ENGLISH}</p>' in pdf_html  # an English paragraph is an ordinary ltr block
    assert re.search(r"ol\.report \.rtl-lines \{ direction: ltr; text-align: right; \}", pdf_html)
    assert re.search(r"ol\.report p\.rtl-lines \{ text-align: justify; text-align-last: right; \}", pdf_html)
    assert "rtl-lines" not in print_html and f"<p>{ARABIC}</p>" in print_html  # the HTML export is as it was
    with translation.override("en"):  # Arabic text in an English document: the same, the p keeps its dir
        english = rendering.to_html(rendering.document(report, links=False, version="en"), "reports/report_pdf.html",
                                    rtl_lines=True)
    assert english.count(f' dir="rtl" class="rtl-lines"><span dir="rtl">{ARABIC}</span></p>') == 2
    assert re.search(rf"<p[^>]*>{re.escape(ENGLISH)}</p>", english)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_pdf_looks_and_reads_as_with_plain_right_to_left_blocks(report, secretariat, client, tmp_path, language):
    client.force_login(secretariat)
    exported = client.get(f"{'' if language == 'en' else '/' + language}/reports/{report.pk}/export.pdf").content
    plain = plain_pdf(report, language)
    # every page, as an image
    assert run("pdftoppm", exported, tmp_path, "-r", "60", "-gray") == run("pdftoppm", plain, tmp_path, "-r", "60",
                                                                           "-gray")
    assert run("pdftotext", exported, tmp_path) == run("pdftotext", plain, tmp_path)
    assert re.search(rb"Tagged:\s+yes", run("pdfinfo", exported, tmp_path))


def test_each_arabic_line_is_justified_the_last_one_ends_on_the_right_and_the_number_is_on_the_right(
        report, secretariat, client, tmp_path):
    client.force_login(secretariat)
    layout = run("pdftotext", client.get(f"/ar/reports/{report.pk}/export.pdf").content, tmp_path, "-bbox-layout")
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    blocks = []  # each block: its lines as (xMin, xMax, words)
    for block in ET.fromstring(layout).iterfind(".//x:block", ns):
        lines = [(float(line.get("xMin")), float(line.get("xMax")), [w.text for w in line.iterfind("x:word", ns)])
                 for line in block.iterfind("x:line", ns)]
        if any("Fernández" in words for _x0, _x1, words in lines):
            blocks.append(lines)
    assert len(blocks) == 2  # the two Arabic paragraphs
    for lines in blocks:
        assert len(lines) >= 4, lines
        first, middle, last = lines[0], lines[1:-1], lines[-1]
        left = min(x0 for x0, _x1, _words in lines)
        right = max(x1 for _x0, x1, _words in middle)
        # pdftotext gives a line's words from left to right, each word's letters in that order too: "1." is ".1"
        assert first[2][-1] in (".1", ".3"), first  # the number: at the right end of the first line
        assert first[1] > right + 5  # …beyond the text's right edge
        for x0, x1, words in middle:  # justified: from edge to edge
            assert abs(x0 - left) < 1 and abs(x1 - right) < 1, (x0, x1, words)
        assert abs(last[1] - right) < 1 and last[0] > left + 20, last  # the last line: short, on the right
        assert last[2][0].startswith("."), last  # …its full stop at the left end, where right-to-left text ends


def document_of_every_block(language: str) -> dict:
    """A by-pillar report with what else can read right to left: headings, bullets (Arabic, one long, and English),
    a translation note, in the header a right-to-left body and meeting."""
    with translation.override(language):
        data = {"title": "تقرير مرحلي", "presented_to": "الفريق العامل التابع للمجلس", "meeting": "الاجتماع الثاني",
                "meeting_place": "جنيف", "meeting_date_text": "12 أكتوبر 2013", "document_number": "CWG-COP/1/2",
                "document_date_text": "1 أكتوبر 2013", "language_line": rendering.language_line("ar"),
                "author": "الأمانة", "period": "2013", "structure": "by_pillar", "language": language,
                "paragraphs": [
                    {"number": 1, "section": "الركيزة الأولى: التدابير القانونية والتنظيمية في الدول الأعضاء", "text": ARABIC,
                     "bullets": ["ورشة عمل إقليمية في مسقط (ITU)", ARABIC[:260], ENGLISH], "note": "", "sources": []},
                    {"number": 2, "section": "الركيزة الأولى: التدابير القانونية والتنظيمية في الدول الأعضاء", "text": ENGLISH,
                     "bullets": [], "lang": "en", "sources": [],
                     "note": "لم تُترجم هذه الفقرة بعد إلى العربية؛ وهي معروضة بلغتها الأصلية (الإنكليزية). " * 3},
                    {"number": 3, "section": "Pillar 2: Technical and procedural measures", "text": ARABIC,
                     "bullets": ["بيان صحفي", "Trend Micro"], "note": "", "sources": []},
                ]}
        data["dirs"] = rendering._header_directions(data)
        return data


@pytest.mark.parametrize("language", ["ar", "en"])
def test_headings_bullets_and_notes_look_as_with_plain_right_to_left_blocks(tmp_path, language):
    from weasyprint import HTML

    data = document_of_every_block(language)
    with translation.override(language):
        wrapped = rendering.to_html(data, "reports/report_pdf.html", rtl_lines=True)
        plain = rendering.to_html(data, "reports/report_pdf.html")
    assert re.search(r'<h2[^>]* class="rtl-lines"><span dir="rtl">الركيزة', wrapped)
    assert re.search(r'<li[^>]* class="rtl-lines"><span dir="rtl">بيان صحفي</span></li>', wrapped)
    assert re.search(r'<p[^>]* class="translation-note rtl-lines" role="note"><span dir="rtl">', wrapped)
    pdfs = [HTML(string=h).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, presentational_hints=True)
            for h in (wrapped, plain)]
    pages = [run("pdftoppm", pdf, tmp_path, "-r", "100", "-gray") for pdf in pdfs]
    assert pages[0] == pages[1]
    assert run("pdftotext", pdfs[0], tmp_path) == run("pdftotext", pdfs[1], tmp_path)
