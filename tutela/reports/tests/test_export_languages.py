"""Exports in every language (issue 18 item 5): the PDF, DOCX and Markdown of a report carry their labels, dates
and direction in the language they are asked in (/ar/reports/<pk>/export.pdf, or ?language= from the export
form); the worker renders a long PDF in the language it was asked in; every PDF is tagged (PDF/UA-1)."""

import re
import subprocess
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn

from tutela.activities.models import Activity
from tutela.activities.services import activity_create
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.reports import rendering
from tutela.reports.models import Report, ReportFile
from tutela.reports.services import (
    paragraph_add,
    report_create,
    report_draft,
    report_file_make,
    report_finalise,
    report_update,
)

pytestmark = pytest.mark.django_db

ARABIC = "عقدت الأمانة ورشة عمل إقليمية بشأن حماية الأطفال على الإنترنت."
CHINESE = "秘书处举办了关于儿童在线保护的区域讲习班。"
# The labels each language's catalogue gives: "Period covered", "Sources", "Source", "Document".
LABELS = {
    "en": ("Period covered", "Sources", "Source", "Document"),
    "ar": ("الفترة المشمولة", "المصادر", "المصدر", "الوثيقة"),
    "zh-hans": ("涵盖期间", "来源", "来源", "文件"),
    "fr": ("Période couverte", "Sources", "Source", "Document"),
}
PERIOD = {"en": "1 January – 31 December 2012", "ar": "1 يناير 2012", "zh-hans": "2012年1月1日", "fr": "1 janvier 2012"}


def prefix(language: str) -> str:
    return "" if language == "en" else f"/{language}"


def pdf_run(tool: str, content: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture
def report(secretariat_org, secretariat):
    initiative = initiative_create(actor=None, name="COP Global Initiative", lead_organisation=secretariat_org)
    activity_create(actor=None, title="Regional Workshop on Child Online Protection", kind=Activity.Kind.WORKSHOP,
                    status="held", starts_on=date(2012, 3, 1), pillars=list(Pillar.objects.all()[:1]),
                    partners=[(secretariat_org, "organiser")])
    report = report_create(actor=secretariat, title="Progress report", initiative=initiative,
                           document_number="CWG-COP/1/2", author="ITU Secretariat",
                           period_start=date(2012, 1, 1), period_end=date(2012, 12, 31))
    report_draft(actor=secretariat, report=report)
    paragraph_add(actor=secretariat, report=report, text=ARABIC)
    paragraph_add(actor=secretariat, report=report, text=CHINESE)
    return report


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans", "fr"])
def test_the_markdown_pdf_and_docx_labels_and_dates_follow_the_language_asked(report, secretariat, client, tmp_path,
                                                                             language):
    client.force_login(secretariat)
    period, sources, source, document = LABELS[language]
    url = f"{prefix(language)}/reports/{report.pk}/export"

    md = client.get(f"{url}.md").content.decode()
    assert f"{period}: {PERIOD[language]}" in md and f"## {sources}" in md
    assert f"{source}: ITU Secretariat" in md and f"{document} CWG-COP/1/2" in md
    assert ARABIC in md and CHINESE in md  # the text is the report's, whatever the labels' language

    text = " ".join(pdf_run("pdftotext", client.get(f"{url}.pdf").content, tmp_path).split())
    if language == "ar":  # pdftotext gives right-to-left lines in visual order: the words are there
        assert all(word in text for word in ("الفترة", "المشمولة", "يناير", "المصدر", "الوثيقة")), text[:400]
    else:
        assert f"{period}: {PERIOD[language]}" in text, text[:400]
        assert f"{source}: ITU Secretariat" in text

    docx = "\n".join(p.text for p in Document(BytesIO(client.get(f"{url}.docx").content)).paragraphs)
    assert f"{period}: {PERIOD[language]}" in docx and f"{source}: ITU Secretariat" in docx
    assert f"\n{sources}\n" in docx
    if language != "en":
        assert "Period covered" not in md + text + docx


def test_an_arabic_docx_runs_right_to_left_and_an_english_paragraph_in_it_left_to_right(report, secretariat,
                                                                                         client):
    client.force_login(secretariat)
    doc = Document(BytesIO(client.get(f"/ar/reports/{report.pk}/export.docx").content))
    body = doc.element.body
    assert body.find(f"{qn('w:sectPr')}/{qn('w:bidi')}") is not None  # the pages run right to left
    assert doc.tables[0]._tbl.tblPr.find(qn("w:bidiVisual")) is not None  # and the header's cells

    def bidi(paragraph) -> bool:
        p_pr = paragraph._p.pPr
        return p_pr is not None and p_pr.find(qn("w:bidi")) is not None

    def rtl_runs(paragraph) -> bool:
        return all(r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None for r in paragraph._p.iter(qn("w:r")))

    by_text = {p.text: p for p in doc.paragraphs}
    arabic = next(p for text, p in by_text.items() if ARABIC in text)
    assert bidi(arabic) and rtl_runs(arabic)
    for label in ("الفترة المشمولة", "المصدر", "المصادر"):  # the labels, in Arabic, run right to left
        paragraph = next(p for text, p in by_text.items() if text.startswith(label))
        assert bidi(paragraph) and rtl_runs(paragraph), label
    english = next(p for text, p in by_text.items() if "Regional Workshop" in text)
    assert not bidi(english)  # an English paragraph keeps its direction (its full stop stays at its end)

    english_doc = Document(BytesIO(client.get(f"/reports/{report.pk}/export.docx").content))
    assert english_doc.element.body.find(f"{qn('w:sectPr')}/{qn('w:bidi')}") is None
    assert bidi(next(p for p in english_doc.paragraphs if ARABIC in p.text))  # Arabic text is RTL anywhere
    assert not bidi(next(p for p in english_doc.paragraphs if p.text.startswith("Period covered")))


def test_the_arabic_pdf_is_right_to_left_shaped_and_tagged_and_the_chinese_one_embeds_cjk(report, secretariat,
                                                                                          client, tmp_path):
    client.force_login(secretariat)
    html = client.get(f"/ar/reports/{report.pk}/export.html").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert re.search(r'<p lang="en" dir="ltr">1\. |<p lang="en" dir="ltr">[^<]*Regional Workshop', html)  # English text keeps LTR, marked English
    assert f"<p lang=\"en\">{ARABIC}</p>" in html  # Arabic text takes the document's direction (no dir; lang: the original's)
    arabic = client.get(f"/ar/reports/{report.pk}/export.pdf").content
    text = " ".join(pdf_run("pdftotext", arabic, tmp_path).split())
    # shaped (joined) glyphs map back to their letters; pdftotext splits lam-alef ligatures, so words without one
    assert all(word in text for word in ("عقدت", "ورشة", "عمل", "إقليمية", "بشأن", "حماية")), text
    fonts = pdf_run("pdffonts", arabic, tmp_path)
    assert "Noto-Sans-Arabic" in fonts
    # the English paragraph's Latin letters in Noto Sans; the page numbers too in the PDF's fonts (they were set in
    # fontconfig's default, DejaVu Sans for Arabic): no font outside the configured families
    assert re.search(r"\+Noto-Sans\s", fonts) and "DejaVu" not in fonts and "Serif" not in fonts, fonts

    chinese = client.get(f"/zh-hans/reports/{report.pk}/export.pdf").content
    assert CHINESE in " ".join(pdf_run("pdftotext", chinese, tmp_path).split())
    assert "涵盖期间" in pdf_run("pdftotext", chinese, tmp_path)
    assert "Noto-Sans-CJK-SC" in pdf_run("pdffonts", chinese, tmp_path)
    assert '<html lang="zh-Hans" dir="ltr">' in client.get(f"/zh-hans/reports/{report.pk}/export.html").content.decode()

    for pdf in (arabic, chinese, client.get(f"/reports/{report.pk}/export.pdf").content):
        info = pdf_run("pdfinfo", pdf, tmp_path)
        assert re.search(r"Tagged:\s+yes", info) and re.search(r"PDF version:\s+1\.7", info)
        # a structure tree (StructTreeRoot) of headings, paragraphs and a list; PDF/UA-1 named in the metadata
        tree = pdf_run("pdfinfo", pdf, tmp_path, "-struct")
        assert all(re.search(rf"^\s*{tag} \(block\)", tree, re.M) for tag in ("H1", "P", "L", "LI")), tree[:300]
        assert 'pdfuaid:part="1"' in pdf_run("pdfinfo", pdf, tmp_path, "-meta")


def test_the_header_keeps_each_names_own_direction_in_an_arabic_pdf(report, secretariat, client, tmp_path):
    """WeasyPrint ignores dir=auto: a Latin name ending in a parenthesis, set in an Arabic header, came out as
    "-Council … (CWG" / "(COP" until each header text got its own direction."""
    report_update(actor=secretariat, report=report, author="أمانة الاتحاد",
                  presented_to="Council Working Group on Child Online Protection (CWG-COP)")
    client.force_login(secretariat)
    html = client.get(f"/ar/reports/{report.pk}/export.html").content.decode()
    assert '<bdi dir="ltr">Council Working Group on Child Online Protection (CWG-COP)</bdi>' in html
    assert '<bdi dir="ltr">CWG-COP/1/2</bdi>' in html and '<bdi dir="rtl">أمانة الاتحاد</bdi>' in html
    text = pdf_run("pdftotext", client.get(f"/ar/reports/{report.pk}/export.pdf").content, tmp_path)
    words = " ".join(text.split())  # the name may wrap onto a second line
    assert "Council Working Group on Child Online Protection (CWG-COP)" in words and "-Council" not in words, text[:400]


def test_the_export_form_chooses_the_language_and_an_unknown_one_is_a_404(report, secretariat, client, tmp_path):
    client.force_login(secretariat)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'name="language"' in page and f'formaction="/reports/{report.pk}/export.docx"' in page
    md = client.get(f"/reports/{report.pk}/export.md?language=ar").content.decode()
    assert "## المصادر" in md
    assert client.get(f"/reports/{report.pk}/export.pdf?language=de").status_code == 404


def test_a_long_pdf_is_made_by_the_worker_in_the_language_it_was_asked_in(report, secretariat, client, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setattr(rendering, "PDF_IN_WORKER_FROM", 1)
    client.force_login(secretariat)
    response = client.get(f"/ar/reports/{report.pk}/export.pdf")
    assert response.status_code == 302
    file = ReportFile.objects.get(report=report)
    assert file.language == "ar" and file.status == ReportFile.Status.QUEUED
    # the English one is another file; asking again in Arabic finds the Arabic one
    client.get(f"/reports/{report.pk}/export.pdf")
    assert set(ReportFile.objects.filter(report=report).values_list("language", flat=True)) == {"ar", "en"}
    client.get(f"/ar/reports/{report.pk}/export.pdf")
    assert ReportFile.objects.filter(report=report, language="ar").count() == 1
    report_file_make(file_id=file.pk)  # the worker runs with English active, as a worker process does
    file.refresh_from_db()
    text = pdf_run("pdftotext", bytes(file.content), tmp_path)
    assert "المشمولة" in text and "Period covered" not in text


def test_a_signed_off_report_stores_its_files_in_its_language_and_others_once_asked(report, secretariat, client,
                                                                                   tmp_path):
    report.language = "fr"
    report.save()
    report_finalise(actor=secretariat, report=Report.objects.get(pk=report.pk))
    assert set(ReportFile.objects.filter(report=report).values_list("format", "language")) == {
        ("pdf", "fr"), ("docx", "fr")}
    client.force_login(secretariat)
    first = client.get(f"/ar/reports/{report.pk}/export.pdf")
    again = client.get(f"/ar/reports/{report.pk}/export.pdf")
    assert first["ETag"] == again["ETag"]  # stored once, served as stored
    assert ReportFile.objects.filter(report=report, language="ar", format="pdf", signed_off=True).count() == 1
    assert "المشمولة" in pdf_run("pdftotext", first.content, tmp_path)
    md = client.get(f"/zh-hans/reports/{report.pk}/export.md").content.decode()
    assert "涵盖期间: 2012年1月1日" in md  # a signed-off report's header follows the language too


@pytest.mark.parametrize("language", ["ar", "zh-hans", "fr"])
def test_the_api_export_takes_the_language_as_the_pages_do(report, secretariat, as_user, tmp_path, language):
    period, sources, source, document = LABELS[language]
    url = f"/reports/{report.pk}/export"
    md = as_user(secretariat, "get", f"{url}.md?language={language}").content.decode()
    assert f"{period}: {PERIOD[language]}" in md and f"## {sources}" in md and "Period covered" not in md
    html = as_user(secretariat, "get", f"{url}.html?language={language}").content.decode()
    assert f'dir="{"rtl" if language == "ar" else "ltr"}"' in html.split(">", 2)[1]
    docx = Document(BytesIO(as_user(secretariat, "get", f"{url}.docx?language={language}").content))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert f"{period}: {PERIOD[language]}" in text and f"{source}: ITU Secretariat" in text
    if language == "ar":  # the same right-to-left DOCX as the page's export
        assert docx.element.body.find(f"{qn('w:sectPr')}/{qn('w:bidi')}") is not None
    pdf = as_user(secretariat, "get", f"{url}.pdf?language={language}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    if language != "ar":  # pdftotext gives Arabic lines in visual order (checked above)
        assert f"{period}: {PERIOD[language]}" in " ".join(pdf_run("pdftotext", pdf.content, tmp_path).split())


def test_the_api_export_in_a_language_uses_the_paragraphs_translated_into_it(report, secretariat, as_user):
    from tutela.reports.services import report_translate

    first = report.paragraphs.order_by("order").first()
    report_translate(actor=secretariat, report=report, language="fr",
                     texts={first.pk: {"text": "Le secrétariat a tenu un atelier régional.", "bullets": []}})
    for fmt in ("md", "html"):
        french = as_user(secretariat, "get", f"/reports/{report.pk}/export.{fmt}?language=fr").content.decode()
        assert "Le secrétariat a tenu un atelier régional." in french, fmt
        english = as_user(secretariat, "get", f"/reports/{report.pk}/export.{fmt}").content.decode()
        assert "Le secrétariat" not in english, fmt


def test_the_api_export_is_english_by_default_and_refuses_an_unknown_language(report, secretariat, as_user):
    md = as_user(secretariat, "get", f"/reports/{report.pk}/export.md").content.decode()
    assert "Period covered: 1 January – 31 December 2012" in md
    for fmt in ("md", "html", "pdf", "docx"):
        response = as_user(secretariat, "get", f"/reports/{report.pk}/export.{fmt}?language=de")
        assert response.status_code == 422, fmt
        error = response.json()["error"]
        assert error["code"] == "invalid" and "de" in error["fields"]["language"][0]
        assert "zh-hans" in error["message"] and "ar" in error["message"]
    assert not ReportFile.objects.filter(report=report).exists()


def test_the_api_schema_documents_the_export_language(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = next(ops["get"] for path, ops in schema["paths"].items() if path.endswith("/export.{fmt}")
                     and "/reports/" in path)
    language = next(p for p in operation["parameters"] if p["name"] == "language")
    assert language["in"] == "query" and language["schema"]["default"] == "en"
    assert "zh-hans" in language["description"] and "ar" in language["description"]


def test_a_long_pdf_asked_through_the_api_in_arabic_is_made_in_arabic(report, secretariat, as_user, monkeypatch):
    monkeypatch.setattr(rendering, "PDF_IN_WORKER_FROM", 1)
    response = as_user(secretariat, "get", f"/reports/{report.pk}/export.pdf?language=ar")
    assert response.status_code == 202 and response.json()["url"].startswith(f"/ar/reports/{report.pk}/files/")
    assert ReportFile.objects.get(report=report).language == "ar"


def test_the_report_preview_isolates_names_titles_and_record_labels(report, secretariat, client):
    report_finalise(actor=secretariat, report=Report.objects.get(pk=report.pk))
    client.force_login(secretariat)
    page = client.get(f"/ar/reports/{report.pk}/").content.decode()
    assert f"<bdi>{secretariat}</bdi>" in page  # "Signed off by …"
    assert "<bdi>Regional Workshop on Child Online Protection" in page  # the records behind a paragraph
    sources = client.get(f"/ar/reports/{report.pk}/sources/").content.decode()
    assert '<span class="dir-arrow" aria-hidden="true">←</span> <bdi>Progress report</bdi></a>' in sources
    assert "\u2068Progress report\u2069" in sources.split("</title>")[0]
