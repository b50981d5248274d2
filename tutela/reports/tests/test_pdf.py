"""PDFs: one engine (WeasyPrint, tagged, Noto fonts for every script), long ones made by the worker
with a progress bar, and the files of a signed-off report stored once and served as stored."""

import base64
import hashlib
import os
import re
import subprocess
from datetime import date
from io import BytesIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from docx import Document

from tutela.activities.models import Activity
from tutela.activities.services import activity_create, activity_update
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.reports import rendering
from tutela.reports.checks import pdf_fonts_installed
from tutela.reports.models import Report, ReportFile
from tutela.reports.services import paragraph_add, report_create, report_draft, report_finalise, report_update

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())


def pdf_info(content: bytes) -> str:
    return subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()


def pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "f.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def demo(db):
    from tutela.accounts.models import User

    call_command("load_demo", stdout=open(os.devnull, "w"))
    return Report.objects.get(meeting="8th meeting"), User.objects.get(email="secretariat@tutela.test")


@pytest.fixture
def in_worker(monkeypatch):
    """Treat every PDF as long: the worker makes it."""
    monkeypatch.setattr(rendering, "PDF_IN_WORKER_FROM", 1)


def test_the_pdf_is_tagged_and_numbered_as_the_web_view_and_the_docx(demo, client, tmp_path):
    report, sec = demo
    # grouped by pillar: the section headings sit in the numbered list and must not shift the numbers
    report = report_update(actor=sec, report=report, structure=Report.Structure.BY_PILLAR)
    client.force_login(sec)
    pdf = client.get(f"/reports/{report.pk}/export.pdf").content
    info = pdf_info(pdf)
    assert re.search(r"Tagged:\s+yes", info) and "WeasyPrint" in info
    flat = pdf_text(pdf, tmp_path)
    web = client.get(f"/reports/{report.pk}/").content.decode()
    docx = [p.text for p in Document(BytesIO(client.get(f"/reports/{report.pk}/export.docx").content)).paragraphs]
    doc = rendering.document(report)
    assert any(p["section"] for p in doc["paragraphs"])
    for p in doc["paragraphs"]:
        n = p["number"]
        assert f"{n}. {' '.join(p['text'].split()[:5])}" in flat, n
        assert f'value="{n}"' in web and f"{n}. {p['text']}" in docx
    assert "Council Working Group on Child Online" in flat and "Period covered: 10 October 2013" in flat
    pages = int(info.split("Pages:")[1].split()[0])
    assert re.search(rf"\b1 ?/ ?{pages}\b", flat) and re.search(rf"\b{pages} ?/ ?{pages}\b", flat)


def test_arabic_and_chinese_record_text_is_set_in_noto_and_extractable(secretariat_org, secretariat, client, tmp_path):
    initiative = initiative_create(actor=None, name="COP Global Initiative", lead_organisation=secretariat_org)
    activity_create(actor=None, title="ورشة عمل مبادرة حماية", kind=Activity.Kind.WORKSHOP, status="held",
                    starts_on=date(2012, 3, 1), pillars=list(Pillar.objects.all()[:1]),
                    partners=[(secretariat_org, "organiser")], summary="儿童在线保护倡议 Привет, мир.")
    report = report_create(actor=secretariat, title="Rapport — تقرير — 报告", initiative=initiative,
                           period_start=date(2012, 1, 1), period_end=date(2012, 12, 31))
    report_draft(actor=secretariat, report=report)
    client.force_login(secretariat)
    pdf = client.get(f"/reports/{report.pk}/export.pdf").content
    text = pdf_text(pdf, tmp_path)
    for word in ("مبادرة", "حماية", "儿童在线保护倡议", "Привет", "报告"):
        assert word in text, word
    fonts = pdf_fonts(pdf, tmp_path)
    assert "Noto-Sans-Arabic" in fonts and "Noto-Sans-CJK" in fonts and "DejaVu" not in fonts


def test_a_missing_pdf_font_is_an_error_at_start_not_a_fallback():
    assert pdf_fonts_installed() == []
    with override_settings(REPORTS_PDF_FONTS=("Noto Sans", "No Such Family 42")):
        errors = pdf_fonts_installed()
    assert [e.id for e in errors] == ["reports.E001"] and "No Such Family 42" in errors[0].msg
    assert "fonts-noto-core fonts-noto-cjk" in errors[0].hint


def test_progress_is_reported_page_by_page_while_weasyprint_sets_the_pdf(demo):
    report, _sec = demo
    seen: list[int] = []
    pdf = rendering.to_pdf(rendering.document(report, links=False), progress=seen.append)
    assert pdf.pages > 1 and pdf.content.startswith(b"%PDF")
    layout = [p for p in seen if 5 <= p < 40]
    assert len(layout) >= pdf.pages and seen == sorted(seen) and seen[-2:] == [40, 95] and seen[0] < 5


def test_a_long_pdf_is_made_by_the_worker_behind_a_progress_bar(demo, in_worker, client, tmp_path,
                                                                django_capture_on_commit_callbacks):
    report, sec = demo
    client.force_login(sec)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get(f"/reports/{report.pk}/export.pdf")
    assert len(callbacks) == 1  # queued for the worker, not made in the request
    file = ReportFile.objects.get(report=report)
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/files/{file.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert '<progress max="100" value="0"' in page and "Waiting for the worker to start." in page
    assert f'hx-get="/reports/{report.pk}/files/{file.pk}/" hx-trigger="every 3s"' in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page  # without JS: the page refreshes
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
    # the same text asked again: the same file, not a second job
    with django_capture_on_commit_callbacks() as again:
        assert client.get(f"/reports/{report.pk}/export.pdf")["Location"] == response["Location"]
    assert not again and ReportFile.objects.filter(report=report).count() == 1

    callbacks[0]()  # the worker runs the task
    file.refresh_from_db()
    assert file.status == ReportFile.Status.DONE and file.progress == 100 and file.pages >= 2
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and "<html" not in partial  # polling stops; just the fragment
    download = client.get(f"/reports/{report.pk}/files/{file.pk}/download")
    assert download.status_code == 200 and "Click Safe, Click Clever" in pdf_text(download.content, tmp_path)
    assert hashlib.sha256(download.content).hexdigest() == file.sha256
    assert client.get(f"/reports/{report.pk}/export.pdf").content == download.content  # served, not made again
    # an edit changes the text: a new file is made, the old one dropped
    paragraph_add(actor=sec, report=report, text="A new closing paragraph.")
    with django_capture_on_commit_callbacks() as callbacks:
        client.get(f"/reports/{report.pk}/export.pdf")
    assert len(callbacks) == 1 and list(ReportFile.objects.filter(report=report).values_list("status", flat=True)) == [
        ReportFile.Status.QUEUED]


def test_the_api_answers_202_with_the_progress_while_the_worker_makes_a_long_pdf(demo, in_worker, client,
                                                                                 django_capture_on_commit_callbacks):
    from tutela.accounts.services import api_token_create

    report, sec = demo
    _, key = api_token_create(actor=sec, name="t")
    with django_capture_on_commit_callbacks():
        response = client.get(f"/api/v1/reports/{report.pk}/export.pdf", headers={"Authorization": f"Bearer {key}"})
    file = ReportFile.objects.get(report=report)
    assert response.status_code == 202
    assert response.json() == {"status": "queued", "progress": 0, "url": f"/reports/{report.pk}/files/{file.pk}/"}


def _digest(response) -> str:
    return base64.b64decode(response["Repr-Digest"].removeprefix("sha-256=:").removesuffix(":")).hex()


def test_a_signed_off_report_serves_its_stored_pdf_and_docx_whatever_the_records_do_later(demo, client):
    report, sec = demo
    report_finalise(actor=sec, report=report)
    stored = {f.format: f for f in ReportFile.objects.filter(report=report, signed_off=True)}
    assert set(stored) == {"pdf", "docx"}
    served = {}
    for fmt, file in stored.items():
        assert file.status == ReportFile.Status.DONE and file.sha256 == hashlib.sha256(bytes(file.content)).hexdigest()
        response = client.get(f"/reports/{report.pk}/export.{fmt}")  # public now
        assert response.status_code == 200 and response.content == bytes(file.content)
        assert _digest(response) == file.sha256
        served[fmt] = response.content
    cafe = Activity.objects.get(kind=Activity.Kind.WORLD_CAFE)
    activity_update(actor=sec, activity=cafe, title="Renamed café")
    cafe.delete()  # the DOCX cites it: made again, it would say "deleted since sign-off"
    for fmt in stored:
        response = client.get(f"/reports/{report.pk}/export.{fmt}")
        assert response.content == served[fmt] and hashlib.sha256(response.content).hexdigest() == stored[fmt].sha256
    assert ReportFile.objects.filter(report=report).count() == 2


def test_a_long_signed_off_pdf_is_made_once_by_the_worker(demo, in_worker, client, django_capture_on_commit_callbacks):
    report, sec = demo
    with django_capture_on_commit_callbacks() as callbacks:
        report_finalise(actor=sec, report=report)
    pdf = ReportFile.objects.get(report=report, signed_off=True, format="pdf")
    assert pdf.status == ReportFile.Status.QUEUED and len(callbacks) == 1
    assert client.get(f"/reports/{report.pk}/export.pdf")["Location"] == f"/reports/{report.pk}/files/{pdf.pk}/"
    callbacks[0]()
    pdf.refresh_from_db()
    first = client.get(f"/reports/{report.pk}/export.pdf")
    assert first.status_code == 200 and _digest(first) == pdf.sha256 == hashlib.sha256(first.content).hexdigest()
    assert client.get(f"/reports/{report.pk}/export.pdf").content == first.content
