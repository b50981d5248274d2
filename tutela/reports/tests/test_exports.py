"""Exports: the DOCX written in one piece, the HTML document (the PDFs: test_pdf.py)."""

import html
import os
import re
import subprocess
from datetime import date
from io import BytesIO

import pytest
from django.core.management import call_command
from docx import Document

from tutela.activities.models import Activity
from tutela.activities.services import activity_create
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.reports import rendering
from tutela.reports.models import Report
from tutela.reports.services import (
    paragraph_add,
    paragraph_edit,
    paragraph_merge_next,
    report_create,
    report_draft,
    report_update,
)

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def demo(db):
    from tutela.accounts.models import User

    call_command("load_demo", stdout=open(os.devnull, "w"))
    return Report.objects.get(meeting="8th meeting"), User.objects.get(email="secretariat@tutela.test")


def test_docx_holds_every_paragraph_bullet_and_source_line_as_text(demo, client):
    report, sec = demo
    paragraph_add(actor=sec, report=report, text="Line one\nline two\twith a tab & <b>markup</b> \x0b")
    client.force_login(sec)
    response = client.get(f"/reports/{report.pk}/export.docx")
    document = Document(BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    doc = rendering.document(report)
    body = [text for style, text in paragraphs if style == "Normal"]
    bullets = [text for style, text in paragraphs if style == "List Bullet"]
    for p in doc["paragraphs"]:
        assert f"{p['number']}. {p['text']}".replace("\x0b", "") in body
    assert bullets == [b for p in doc["paragraphs"] for b in p["bullets"]] and bullets
    assert ("Heading 2", "Sources") in paragraphs
    third = doc["paragraphs"][2]
    assert "¶3: " + "; ".join(s["label"] for s in third["sources"]) in body and len(third["sources"]) > 1
    assert any("<b>markup</b>" in t and "\n" in t and "\t" in t for t in body)
    cells = [c.text for c in document.tables[0].rows[0].cells]
    assert "Council Working Group" in cells[0] and "8th meeting" in cells[0]


def test_the_html_document_carries_the_header_and_paragraphs_and_escapes_record_text(demo, client):
    report, sec = demo
    paragraph_add(actor=sec, report=report, text="<script>alert(1)</script> & more")
    client.force_login(sec)
    html = client.get(f"/reports/{report.pk}/export.html").content.decode()
    assert "Council Working Group on Child Online Protection (CWG-COP)" in html and "8th meeting" in html
    assert "Click Safe, Click Clever" in html and 'value="11"' in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_the_html_and_pdf_documents_read_the_same_text_as_the_full_document(demo, client):
    """They read only texts: edited, merged and free paragraphs, bullets and pillar headings must come
    out as the full document has them, escaped in the HTML."""
    report, sec = demo
    report = report_update(actor=sec, report=report, structure=Report.Structure.BY_PILLAR)
    third = report.paragraphs.get(order=3)
    paragraph_edit(actor=sec, paragraph=third, text="Edited <b>text</b> & “quotes” 'too'")
    paragraph_merge_next(actor=sec, paragraph=report.paragraphs.get(order=8))
    paragraph_add(actor=sec, report=report, text="<script>alert(1)</script>\nsecond line", after=1)
    light = rendering.document(report, links=False)["paragraphs"]
    full = rendering.document(report)["paragraphs"]
    assert [(p["number"], p["section"], p["text"], p["bullets"]) for p in light] == [
        (p["number"], p["section"], p["text"], p["bullets"]) for p in full]
    assert any(p["bullets"] for p in full) and any(p["section"] for p in full)
    client.force_login(sec)
    page = client.get(f"/reports/{report.pk}/export.html").content.decode()
    for p in full:
        assert f'<li value="{p["number"]}"><p>{html.escape(p["text"])}</p>' in page
        for b in p["bullets"]:
            assert f"<li>{html.escape(b)}</li>" in page
    changes = [p["section"] for i, p in enumerate(full) if p["section"] and (i == 0 or full[i - 1]["section"] != p["section"])]
    assert re.findall(r"<h2>(.*?)</h2>", page) == [html.escape(s) for s in changes]
    assert "<script>" not in page and "<b>text</b>" not in page


def test_record_text_comes_back_from_a_draft_exactly_and_escaped_in_the_html(secretariat_org, secretariat, client):
    """Backslashes, tabs, line breaks and a literal \\N in record fields come back from a draft as
    written, and the HTML export escapes them as text."""
    tricky = "Workshop \\N on C:\\temp\\new\tx\r\n“quotes” \"double\" <b>&amp;</b> \\\\ end"
    initiative = initiative_create(actor=None, name="COP Global Initiative", lead_organisation=secretariat_org)
    activity = activity_create(actor=None, title=tricky, kind=Activity.Kind.WORKSHOP, status="held",
                               starts_on=date(2012, 3, 1), pillars=list(Pillar.objects.all()[:1]),
                               partners=[(secretariat_org, "organiser")], summary=tricky)
    report = report_create(actor=secretariat, title="Tricky", initiative=initiative,
                           period_start=date(2012, 1, 1), period_end=date(2012, 12, 31))
    report_draft(actor=secretariat, report=report)
    paragraph = report.paragraphs.get(keys=[f"activity:{activity.pk}"])
    activity.refresh_from_db()  # as the activity service stored the title
    assert "\\N" in activity.title and "\\temp" in activity.title
    assert {s["label"] for s in paragraph.sources if s["id"] == activity.pk} == {activity.title}
    assert "C:\\temp\\new" in paragraph.text and "\\N" in paragraph.text and "\\\\ end" in paragraph.text
    assert report_draft(actor=secretariat, report=report)["unchanged"] == report.paragraphs.count()  # same hashes
    client.force_login(secretariat)
    page = client.get(f"/reports/{report.pk}/export.html").content.decode()
    assert html.escape(paragraph.text) in page and "<b>&amp;</b>" not in page
