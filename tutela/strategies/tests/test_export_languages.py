"""A round's report (DOCX, PDF) speaks the language it is asked in, as a progress report's exports do
(docs/i18n.md, "Exports speak the language they are asked in"): the page's (/fr/…) or ``?language=``; its labels,
dates and numbers in that language, Arabic right to left. The round's own text stays as written."""

import re
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn

from .conftest import fill

pytestmark = pytest.mark.django_db

HEADING = "%(country)s: national COP self-assessment, %(date)s"
LABELS = ("Framework", "Criteria", "Criterion", "Level", "Target", "Gap",
          "Mean level by pillar (0–4)", "Pillar", "Mean level")


def labels(language: str) -> dict[str, str]:
    with translation.override(language):
        translated = {label: translation.gettext(label) for label in LABELS}
    assert all(translated[label] != label for label in ("Framework", "Criteria", "Mean level")), translated
    return translated


def heading(language: str, country: str, date: str) -> str:
    """The round report's heading as the language writes it: one pattern, so Arabic can join with its own comma."""
    with translation.override(language):
        pattern = translation.gettext(HEADING)
    assert pattern != HEADING or language == "en", language
    return pattern % {"country": country, "date": date}


def url(assessment, fmt: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse("strategies:assessment_export", args=[assessment.pk, fmt])


def docx_of(client, address: str):
    response = client.get(address)
    assert response.status_code == 200, response.content[:300]
    return response, Document(BytesIO(response.content))


def all_text(doc) -> str:
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def bidi(paragraph) -> bool:
    p_pr = paragraph._p.pPr
    return p_pr is not None and p_pr.find(qn("w:bidi")) is not None


@pytest.fixture
def filled(draft_om, national_om, client):
    fill(draft_om, national_om, [1, 3, 2, 4, 0, 3, 2, 2, 1, 4])
    client.force_login(national_om)
    return draft_om


def test_the_docx_under_fr_has_french_labels_date_and_numbers(client, filled):
    french = labels("fr")
    response, doc = docx_of(client, url(filled, "docx", "fr"))
    assert response["Content-Language"] == "fr"
    text = all_text(doc)
    assert doc.paragraphs[0].text == heading("fr", "Oman", "15 octobre 2013")
    for label in ("Framework", "Criteria", "Criterion", "Level", "Target", "Gap", "Pillar", "Mean level"):
        assert french[label] in text, label
    assert "Framework" not in text and "Mean level" not in text and "October" not in text
    assert re.search(r"^\d,\d\d$", text, re.M), "the mean levels are written with a decimal comma"
    assert "Criterion 1.1" in text  # the round's own text stays as written


def test_the_language_may_be_chosen_and_an_unknown_one_is_a_404(client, filled):
    chinese = labels("zh-hans")
    _response, doc = docx_of(client, url(filled, "docx") + "?language=zh-hans")
    assert chinese["Criteria"] in all_text(doc) and "2013年10月15日" in doc.paragraphs[0].text
    assert client.get(url(filled, "docx") + "?language=de").status_code == 404
    assert client.get(url(filled, "pdf", "fr") + "?language=pt").status_code == 404
    _response, english = docx_of(client, url(filled, "docx"))
    assert english.paragraphs[0].text == "Oman: national COP self-assessment, 15 October 2013"
    assert english.element.body.find(f"{qn('w:sectPr')}/{qn('w:bidi')}") is None


def test_the_arabic_docx_runs_right_to_left_and_english_text_in_it_left_to_right(client, filled):
    arabic = labels("ar")
    _response, doc = docx_of(client, url(filled, "docx", "ar"))
    assert doc.element.body.find(f"{qn('w:sectPr')}/{qn('w:bidi')}") is not None  # the pages
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in doc.tables)  # and the tables' cells
    title = doc.paragraphs[0]
    assert title.text.startswith("عُمان") and "،" in title.text and bidi(title)  # the Arabic comma
    cells = {cell.text: cell for table in doc.tables for row in table.rows for cell in row.cells}
    for label in ("Criterion", "Pillar", "Mean level"):
        paragraph = cells[arabic[label]].paragraphs[0]
        assert bidi(paragraph), label
        assert all(r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None for r in paragraph._p.iter(qn("w:r")))
    english = next(cell for text, cell in cells.items() if text.startswith("X11 Criterion 1.1"))
    assert not bidi(english.paragraphs[0])  # a criterion written in English keeps its direction


def test_the_pdf_follows_the_language_with_its_fonts(client, filled, tmp_path):
    def pdf_text(content: bytes, tool: str = "pdftotext") -> str:
        path = tmp_path / "a.pdf"
        path.write_bytes(content)
        return subprocess.run([tool, str(path), *(["-"] if tool == "pdftotext" else [])], capture_output=True,
                              text=True, check=True).stdout

    french = labels("fr")
    response = client.get(url(filled, "pdf", "fr"))
    assert response["Content-Language"] == "fr"
    text = " ".join(pdf_text(response.content).split())
    assert french["Mean level by pillar (0–4)"] in text and "15 octobre 2013" in text and "Framework" not in text
    arabic = client.get(url(filled, "pdf", "ar")).content
    assert "Noto-Sans-Arabic" in pdf_text(arabic, "pdffonts")
    assert labels("ar")["Criteria"] in pdf_text(arabic)


def test_the_public_gets_the_pillar_summary_in_its_language(client, published_om):
    client.logout()
    spanish = labels("es")
    _response, doc = docx_of(client, url(published_om, "docx", "es"))
    text = all_text(doc)
    assert spanish["Mean level by pillar (0–4)"] in text and "Oman has a legal basis." in text
    assert spanish["Criteria"] not in text and "Criterion 1.1" not in text  # the full answers are not public
