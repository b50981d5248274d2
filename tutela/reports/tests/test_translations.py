"""A report's own paragraphs in other languages (issue 18 item 4; docs/reports.md, "Translations"): translated
paragraph by paragraph through ``report_translate`` (on the report's "Translations" page), flagged out of date when
the paragraph's text changes, frozen at sign-off, and used by the exports in that language, a paragraph not yet
translated shown in the original with a note, numbered alike in every language."""

import re
import subprocess
from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from tutela.activities.models import Activity
from tutela.activities.services import activity_create, activity_update
from tutela.core.models import AuditEntry
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.reports import rendering
from tutela.reports.models import Report, ReportParagraph
from tutela.reports.services import (
    paragraph_add,
    paragraph_edit,
    report_create,
    report_draft,
    report_finalise,
    report_translate,
)

pytestmark = pytest.mark.django_db

FRENCH_1 = "Le secrétariat a organisé un atelier régional sur la protection des enfants en ligne."
FRENCH_2 = "Un deuxième paragraphe, traduit à la main."
NOTE_FR = "This paragraph is not yet translated into"


def notes(markdown: str) -> int:
    """How many paragraphs of a Markdown export carry the note (whatever its language): its own italic line."""
    return len(re.findall(r"^   \*[^*].*\*$", markdown, flags=re.M))


def note(language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return rendering.in_version({"paragraphs": [{}], "title": ""}, "en", language)["paragraphs"][0]["note"]


@pytest.fixture
def report(secretariat_org, secretariat):
    initiative = initiative_create(actor=None, name="COP Global Initiative", lead_organisation=secretariat_org)
    activity_create(actor=None, title="Regional Workshop on Child Online Protection", kind=Activity.Kind.WORKSHOP,
                    status="held", starts_on=date(2012, 3, 1), pillars=list(Pillar.objects.all()[:1]),
                    partners=[(secretariat_org, "organiser")])
    report = report_create(actor=secretariat, title="Progress report", initiative=initiative,
                           document_number="CWG-COP/1/2", author="ITU Secretariat",
                           period_start=date(2012, 1, 1), period_end=date(2012, 12, 31))
    paragraph_add(actor=secretariat, report=report, text="The secretariat held a Regional Workshop in March 2012.")
    paragraph_add(actor=secretariat, report=report, text="A second paragraph written by hand.")
    paragraph_add(actor=secretariat, report=report, text="A third paragraph, left untranslated.")
    return report


def paragraphs(report):
    return list(report.paragraphs.order_by("order"))


def numbers(markdown: str) -> list[str]:
    return re.findall(r"^(\d+)\. ", markdown, flags=re.M)


def translate(report, secretariat, language, **texts):
    return report_translate(actor=secretariat, report=report, language=language,
                            texts={int(k[1:]): {"text": v} for k, v in texts.items()})


def test_an_export_in_a_language_uses_its_translations_and_notes_each_paragraph_shown_in_the_original(
        report, secretariat, client, tmp_path):
    first, second, third = paragraphs(report)
    assert translate(report, secretariat, "fr", **{f"p{first.pk}": FRENCH_1, f"p{second.pk}": FRENCH_2}) == 2
    entry = AuditEntry.objects.filter(action="report.translated").get()
    assert entry.changes == {"¶1[fr]": [None, FRENCH_1], "¶2[fr]": [None, FRENCH_2]}
    client.force_login(secretariat)

    french = client.get(f"/reports/{report.pk}/export.md?language=fr").content.decode()
    assert FRENCH_1 in french and FRENCH_2 in french and "A third paragraph, left untranslated." in french
    assert "Regional Workshop" not in french.split("##")[0].split("1. ")[1]  # paragraph 1 is the French one
    assert notes(french) == 1 and french.count(note("fr")) == 1  # only the third paragraph is noted
    english = client.get(f"/reports/{report.pk}/export.md").content.decode()
    assert FRENCH_1 not in english and NOTE_FR not in english and notes(english) == 0
    assert numbers(french) == numbers(english) == ["1", "2", "3"]

    html = client.get(f"/reports/{report.pk}/export.html?language=fr").content.decode()
    assert f'<p dir="ltr">{FRENCH_1}' not in html  # a French paragraph in a French document needs no dir of its own
    assert f"<p>{FRENCH_1}</p>" in html
    assert '<p lang="en">A third paragraph, left untranslated.</p><p class="translation-note" role="note">' in html
    assert html.count('class="translation-note"') == 1
    assert html.count("<li value=") == 3

    docx = Document(BytesIO(client.get(f"/reports/{report.pk}/export.docx?language=fr").content))
    texts = [p.text for p in docx.paragraphs]
    assert f"1. {FRENCH_1}" in texts and f"2. {FRENCH_2}" in texts and "3. A third paragraph, left untranslated." in texts
    assert texts.count(note("fr")) == 1

    path = tmp_path / "r.pdf"
    path.write_bytes(client.get(f"/reports/{report.pk}/export.pdf?language=fr").content)
    pdf = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "atelier régional" in pdf and "left untranslated" in pdf


def test_the_header_names_the_original_language_and_the_language_of_a_translation(secretariat_org, secretariat,
                                                                                   client):
    initiative = initiative_create(actor=None, name="COP Global Initiative", lead_organisation=secretariat_org)
    report = report_create(actor=secretariat, title="Rapport", initiative=initiative, language="fr",
                           period_start=date(2012, 1, 1), period_end=date(2012, 12, 31))
    written = paragraph_add(actor=secretariat, report=report, text=FRENCH_1)
    with pytest.raises(ValidationError) as refused:  # the original is French: no translation "into" French
        translate(report, secretariat, "fr", **{f"p{written.pk}": "x"})
    assert "language" in refused.value.message_dict
    translate(report, secretariat, "en", **{f"p{written.pk}": "The secretariat held a regional workshop."})
    client.force_login(secretariat)
    english = client.get(f"/reports/{report.pk}/export.md?language=en").content.decode()
    assert "Original: French; this version: English" in english
    assert "1. The secretariat held a regional workshop." in english
    original = client.get(f"/fr/reports/{report.pk}/export.md").content.decode()
    assert "this version" not in original and f"1. {FRENCH_1}" in original and notes(original) == 0


def test_a_changed_paragraph_leaves_its_translation_out_of_date_until_it_is_translated_or_confirmed_again(
        report, secretariat, client):
    first, second, _third = paragraphs(report)
    translate(report, secretariat, "es", **{f"p{first.pk}": "El taller regional.", f"p{second.pk}": "Segundo."})
    paragraph_edit(actor=secretariat, paragraph=second, text="A second paragraph, rewritten.")
    second.refresh_from_db()
    assert second.translation_state("es") == "outdated"
    client.force_login(secretariat)
    md = client.get(f"/reports/{report.pk}/export.md?language=es").content.decode()
    assert "Segundo." not in md and "2. A second paragraph, rewritten." in md and notes(md) == 2

    page = client.get(f"/reports/{report.pk}/translations/es/").content.decode()
    assert "out of date: the paragraph changed since it was translated" in page
    assert f'name="p{second.pk}_confirmed"' in page and f'name="p{first.pk}_confirmed"' not in page
    # saving the page unchanged leaves it out of date; ticking the box says the translation still fits
    form = {f"p{first.pk}": "El taller regional.", f"p{second.pk}": "Segundo."}
    assert client.post(f"/reports/{report.pk}/translations/es/", form).status_code == 302
    second.refresh_from_db()
    assert second.translation_state("es") == "outdated"
    client.post(f"/reports/{report.pk}/translations/es/", {**form, f"p{second.pk}_confirmed": "on"})
    second.refresh_from_db()
    assert second.translation_state("es") == "current"


def test_a_redraft_that_changes_a_generated_paragraph_leaves_its_translation_out_of_date(report, secretariat):
    report_draft(actor=secretariat, report=report)
    first = next(p for p in paragraphs(report) if "Workshop on Child" in p.text)
    translate(report, secretariat, "ru", **{f"p{first.pk}": "Региональный семинар."})
    activity = Activity.objects.get()
    activity_update(actor=secretariat, activity=activity, title="Regional Forum on Child Online Protection")
    report_draft(actor=secretariat, report=report)
    first.refresh_from_db()
    assert "Forum" in first.text and first.translation_state("ru") == "outdated"


def test_sign_off_freezes_the_translations_and_refuses_new_ones(report, secretariat, client):
    first, _second, third = paragraphs(report)
    translate(report, secretariat, "fr", **{f"p{first.pk}": FRENCH_1})
    report_finalise(actor=secretariat, report=Report.objects.get(pk=report.pk))
    with pytest.raises(ValidationError, match="signed off"):
        translate(report, secretariat, "fr", **{f"p{third.pk}": "Trois."})
    ReportParagraph.objects.filter(pk=first.pk).update(translations={})  # not what a signed-off report shows
    client.force_login(secretariat)
    md = client.get(f"/reports/{report.pk}/export.md?language=fr").content.decode()
    assert FRENCH_1 in md and notes(md) == 2
    page = client.get(f"/reports/{report.pk}/translations/fr/").content.decode()
    assert "its translations are frozen" in page and "button primary" not in page and " disabled" in page
    client.get(f"/reports/{report.pk}/export.pdf?language=fr")  # stored in French once
    assert report.files.filter(signed_off=True, language="fr", format="pdf").count() == 1


def test_the_translations_page_saves_through_the_service_and_says_what_to_fix(report, secretariat, client):
    first, second, _third = paragraphs(report)
    client.force_login(secretariat)
    detail = client.get(f"/reports/{report.pk}/").content.decode()
    assert f'href="/reports/{report.pk}/translations/ar/"' in detail
    assert f'href="/reports/{report.pk}/translations/en/"' not in detail  # the report's own language
    page = client.get(f"/ar/reports/{report.pk}/translations/ar/")
    assert page.status_code == 200
    assert f'name="p{first.pk}"' in page.content.decode() and 'lang="ar"' in page.content.decode()
    response = client.post(f"/reports/{report.pk}/translations/ar/",
                           {f"p{first.pk}": "ورشة عمل إقليمية", f"p{second.pk}": "فقرة\u202e ثانية"})
    assert response.status_code == 422  # an unpaired direction control: nothing saved
    assert ReportParagraph.objects.get(pk=first.pk).translations == {}
    response = client.post(f"/reports/{report.pk}/translations/ar/", {f"p{first.pk}": "ورشة عمل إقليمية"})
    assert response.status_code == 302
    assert ReportParagraph.objects.get(pk=first.pk).translations["ar"]["text"] == "ورشة عمل إقليمية"
    response = client.post(f"/reports/{report.pk}/translations/ar/", {f"p{first.pk}": ""})  # empty: removed
    assert ReportParagraph.objects.get(pk=first.pk).translations == {}
    assert client.get(f"/reports/{report.pk}/translations/en/").status_code == 404
    assert client.get(f"/reports/{report.pk}/translations/de/").status_code == 404


def test_only_the_secretariat_translates_and_only_paragraphs_of_the_report(report, secretariat, focal_point, client):
    first = paragraphs(report)[0]
    with pytest.raises(PermissionDenied):
        translate(report, focal_point, "fr", **{f"p{first.pk}": FRENCH_1})
    client.force_login(focal_point)
    assert client.get(f"/reports/{report.pk}/translations/fr/").status_code == 403
    other = report_create(actor=secretariat, title="Other", initiative=report.initiative,
                          period_start=date(2013, 1, 1), period_end=date(2013, 12, 31))
    with pytest.raises(ValidationError, match="not in this report"):
        translate(other, secretariat, "fr", **{f"p{first.pk}": FRENCH_1})


def test_points_are_translated_one_a_line_and_counted(report, secretariat):
    paragraph = paragraphs(report)[0]
    paragraph.is_edited = False
    paragraph.bullets = [{"text": "first point", "sources": []}, {"text": "second point", "sources": []}]
    paragraph.save()
    with pytest.raises(ValidationError) as refused:
        report_translate(actor=secretariat, report=report, language="fr",
                         texts={paragraph.pk: {"text": FRENCH_1, "bullets": ["premier point"]}})
    assert f"p{paragraph.pk}_bullets" in refused.value.message_dict
    report_translate(actor=secretariat, report=report, language="fr",
                     texts={paragraph.pk: {"text": FRENCH_1, "bullets": ["premier point", "second point"]}})
    paragraph.refresh_from_db()
    assert paragraph.translation_state("fr") == "current"
