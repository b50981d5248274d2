"""A consultation held in several languages (issue 18 item 4): the guideline text translated paragraph
by paragraph, the consultation opened in the languages its text is complete in, each comment's language
recorded, shown to the secretariat and exported; a missing translation shows the English with a note."""

import csv
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tutela.consultations import outputs, selectors, services
from tutela.consultations.tests.conftest import DETAILS
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db

# The fallback note on a French page, in the French catalogue's words.
NOTE_FR = re.compile(r"pas encore disponible en Français")


def french(paragraphs):
    return {p.pk: f"[fr] {p.text}" for p in paragraphs.values()}


@pytest.fixture
def in_french(consultation, paragraphs, secretariat):
    services.version_translate(actor=secretariat, version=consultation.version, language="fr", texts=french(paragraphs))
    services.consultation_translate(actor=secretariat, consultation=consultation, language="fr",
                                    values={"title": "Consultation sur le projet"})
    services.document_translate(actor=secretariat, document=consultation.version.document, language="fr",
                                values={"title": "Lignes directrices pour l'industrie"})
    return services.consultation_set_languages(actor=secretariat, consultation=consultation, languages=["fr"])


def test_a_language_is_offered_only_once_the_whole_text_is_translated(consultation, paragraphs, secretariat):
    first = paragraphs["1"]
    services.version_translate(actor=secretariat, version=consultation.version, language="es",
                               texts={first.pk: "Las empresas nombran a una persona."})
    with pytest.raises(ValidationError) as refused:
        services.consultation_set_languages(actor=secretariat, consultation=consultation, languages=["es"])
    message = refused.value.message_dict["languages"][0]
    assert "not yet in Español" in message and "lack a translation" in message
    with pytest.raises(ValidationError) as refused:
        services.consultation_set_languages(actor=secretariat, consultation=consultation, languages=["de"])
    assert "“de” is not a language" in refused.value.message_dict["languages"][0]
    consultation.refresh_from_db()
    assert consultation.languages == []


def test_opening_in_french_is_audited(in_french, secretariat):
    assert in_french.languages == ["fr"]
    entry = AuditEntry.objects.filter(action="consultation.languages_changed").latest("pk")
    assert entry.changes == {"languages": [[], ["fr"]]}
    assert AuditEntry.objects.filter(action="paragraph.translated").count() == len(in_french.version.paragraphs.all()) == 7


def test_the_french_reading_page_shows_the_french_text(client, in_french, paragraphs):
    page = client.get(f"/fr/consultations/{in_french.pk}/read/").content.decode()
    assert "[fr] Companies name a person or team responsible for child protection." in page
    assert not NOTE_FR.search(page)
    detail = client.get(f"/fr/consultations/{in_french.pk}/").content.decode()
    assert "Consultation sur le projet" in detail


def test_the_french_pages_of_the_text_head_it_with_the_translated_titles(client, in_french, paragraphs, stakeholder):
    read = client.get(f"/fr/consultations/{in_french.pk}/read/").content.decode()
    assert "<bdi>Consultation sur le projet</bdi></a>" in read
    assert "<h1><bdi>Lignes directrices pour l&#x27;industrie: Draft 1</bdi></h1>" in read
    assert "<title>\u2068Lignes directrices pour l&#x27;industrie: Draft 1\u2069" in read
    client.force_login(stakeholder)
    whole = client.get(f"/fr/consultations/{in_french.pk}/comment/").content.decode()
    assert "<bdi>Lignes directrices pour l&#x27;industrie: Draft 1</bdi>" in whole
    assert "· Consultation sur le projet\u2069 · Tutela</title>" in whole


def test_an_untranslated_title_over_a_translated_text_is_the_english_with_the_note(client, in_french, secretariat):
    services.document_translate(actor=secretariat, document=in_french.version.document, language="fr",
                                values={"title": ""})
    read = client.get(f"/fr/consultations/{in_french.pk}/read/").content.decode()
    assert NOTE_FR.search(read)
    assert f'<h1><bdi lang="en" dir="ltr">{in_french.version.document.title}: Draft 1</bdi>' in read


def test_a_language_the_consultation_is_not_held_in_shows_the_english_with_the_note(client, consultation,
                                                                                     paragraphs, secretariat):
    # translated, but the consultation is not opened in French: the English is its text
    services.version_translate(actor=secretariat, version=consultation.version, language="fr", texts=french(paragraphs))
    page = client.get(f"/fr/consultations/{consultation.pk}/read/").content.decode()
    assert NOTE_FR.search(page)
    assert '<bdi lang="en" dir="ltr">Companies name a person or team responsible for child protection.</bdi>' in page
    assert "[fr]" not in page
    detail = client.get(f"/fr/consultations/{consultation.pk}/").content.decode()
    assert NOTE_FR.search(detail) and '<bdi lang="en" dir="ltr">Consultation on the draft</bdi>' in detail


def test_a_comment_records_its_language_and_quotes_the_text_read(in_french, submit, paragraphs, secretariat):
    comment = submit(text="Nommez aussi un suppléant.", language="fr", quote="[fr] Companies name a person")
    assert comment.language == "fr" and comment.target == "passage"
    with pytest.raises(ValidationError) as refused:
        submit(text="Bitte auch einen Stellvertreter.", language="de", submission_key="k2")
    assert "takes comments in English, Français" in refused.value.message_dict["language"][0]
    rows = selectors.resolution_rows(in_french)
    assert [r["language"] for r in rows] == ["fr"]
    with translation.override("en"):
        table = list(csv.reader(io.StringIO(outputs.resolution_csv(rows))))
    assert table[0][-1] == "Language" and table[1][-1] == "fr"


def test_the_comment_form_on_the_french_page_records_french(client, in_french, paragraphs, stakeholder):
    client.force_login(stakeholder)
    response = client.post(f"/fr/consultations/{in_french.pk}/p/{paragraphs['1'].pk}/", {
        **DETAILS, "text": "Nommez aussi un suppléant.", "comment_type": "general", "submission_key": "abc",
        "quote": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    english = client.post(f"/es/consultations/{in_french.pk}/p/{paragraphs['1'].pk}/", {
        **DETAILS, "text": "Also a deputy.", "comment_type": "general", "submission_key": "abd", "quote": ""})
    assert english.status_code == 302
    assert [c.language for c in in_french.comments.order_by("id")] == ["fr", "en"]  # es: not held, read in English


def test_the_secretariat_sees_each_comment_language(client, in_french, submit, secretariat):
    submit(text="Nommez aussi un suppléant.", language="fr")
    client.force_login(secretariat)
    page = client.get(f"/consultations/{in_french.pk}/moderate/").content.decode()
    assert "Written in French" in page
    assert '<p class="text" lang="fr">' in page


def test_bad_paragraph_translations_are_refused_before_any_is_written(consultation, paragraphs, secretariat):
    with pytest.raises(ValidationError) as refused:
        services.version_translate(actor=secretariat, version=consultation.version, language="fr",
                                   texts={paragraphs["1"].pk: "Bien.", paragraphs["2"].pk: "Mal\u0000"})
    assert "U+0000" in refused.value.message_dict[f"p{paragraphs['2'].pk}"][0]
    with pytest.raises(ValidationError):
        services.version_translate(actor=secretariat, version=consultation.version, language="fr", texts={999999: "x"})
    assert not AuditEntry.objects.filter(action="paragraph.translated").exists()


def test_only_the_secretariat_translates_the_text(consultation, paragraphs, focal_point):
    with pytest.raises(PermissionDenied):
        services.version_translate(actor=focal_point, version=consultation.version, language="fr",
                                   texts={paragraphs["1"].pk: "x"})


def test_the_secretariat_translates_the_version_on_one_form(client, consultation, paragraphs, secretariat):
    client.force_login(secretariat)
    url = f"/consultations/versions/{consultation.version_id}/translations/ru/"
    form = client.get(url).content.decode()
    assert "In English: Companies name a person or team responsible for child protection." in form
    response = client.post(url, {f"p{paragraphs['1'].pk}": "Компании назначают ответственного."})
    assert response.status_code == 302
    paragraphs["1"].refresh_from_db()
    assert paragraphs["1"].translations == {"ru": {"text": "Компании назначают ответственного."}}
    languages = client.post(f"/consultations/{consultation.pk}/languages/", {"languages": ["ru"]})
    assert languages.status_code == 422 and "not yet in Русский" in languages.content.decode()


def test_the_api_carries_languages_translations_and_comment_language(as_user, consultation, paragraphs,
                                                                     secretariat, stakeholder):
    texts = {str(k): v for k, v in french(paragraphs).items()}
    assert as_user(secretariat, "put", f"/consultations/versions/{consultation.version_id}/translations/fr",
                   texts).json() == {"changed": len(paragraphs)}
    body = as_user(secretariat, "put", f"/consultations/{consultation.pk}/languages", {"languages": ["fr"]}).json()
    assert body["languages"] == ["fr"]
    listed = as_user(None, "get", f"/consultations/versions/{consultation.version_id}/paragraphs").json()["items"]
    assert listed[1]["translations"]["fr"]["text"].startswith("[fr] ")
    comment = {**DETAILS, "paragraph_id": paragraphs["1"].pk, "text": "Nommez un suppléant.", "language": "fr"}
    assert as_user(stakeholder, "post", f"/consultations/{consultation.pk}/comments", comment).status_code == 201
    bad = as_user(stakeholder, "post", f"/consultations/{consultation.pk}/comments", {**comment, "language": "pt"})
    assert bad.status_code == 422 and "takes comments in" in bad.json()["error"]["fields"]["language"][0]
    wrong = as_user(secretariat, "put", f"/consultations/{consultation.pk}/translations/xx", {"title": "x"})
    assert wrong.status_code == 422


@pytest.mark.parametrize(("language", "state", "version"), [("fr", "Brouillon", "Projet"), ("ru", "Черновик", "Проект")])
def test_a_draft_state_and_a_draft_version_are_two_words_where_the_language_has_two(language, state, version):
    """French and Russian say "projet" / "проект" for a document's draft version but "brouillon" / "черновик" for
    a record not yet final: one word had put a status "Projet" beside the "Projets" list (docs/glossary.md)."""
    from tutela.consultations.models import GuidelineVersion
    from tutela.reports.models import Report

    with translation.override(language):
        assert str(Report.Status.DRAFT.label) == state
        assert str(GuidelineVersion.Stage.DRAFT.label) == version


def test_the_french_list_of_consultations_names_them_as_their_pages_do(client, in_french):
    page = client.get("/fr/consultations/").content.decode()
    assert "<bdi>Consultation sur le projet</bdi></a>" in page
    assert "<bdi>Lignes directrices pour l&#x27;industrie: Draft 1</bdi>" in page
    assert "<bdi>Lignes directrices pour l&#x27;industrie (2014)</bdi></a>" in page
    assert "Consultation on the draft" not in page and "Guidelines for Industry" not in page
