"""The API's door to a report's translations (issue 18 item 4; docs/reports.md, "Translations"):
``GET``/``PUT /api/v1/reports/<id>/translations/<language>``, through ``report_translate`` as the report's
Translations page is. Everything here goes through the API client, and checks that the page and the exports
then show what the API answered."""

import html
from datetime import date

import pytest

from tutela.core.models import AuditEntry
from tutela.initiatives.services import initiative_create
from tutela.reports.models import ReportParagraph
from tutela.reports.services import TRANSLATION_MAX, paragraph_add, report_create

pytestmark = pytest.mark.django_db

FRENCH_1 = "Le secrétariat a organisé un atelier régional sur la protection des enfants en ligne."
FRENCH_2 = "Un deuxième paragraphe, traduit à la main."
OTHERS = "fr, es, ar, ru, zh-hans"


@pytest.fixture
def report(secretariat_org, secretariat):
    initiative = initiative_create(actor=None, name="COP Global Initiative", lead_organisation=secretariat_org)
    report = report_create(actor=secretariat, title="Progress report", initiative=initiative,
                           document_number="CWG-COP/1/2", period_start=date(2012, 1, 1), period_end=date(2012, 12, 31))
    for text in ("The secretariat held a Regional Workshop in March 2012.", "A second paragraph written by hand.",
                 "A third paragraph, left untranslated."):
        paragraph_add(actor=secretariat, report=report, text=text)
    return report


def ids(report) -> list[int]:
    return list(report.paragraphs.order_by("order").values_list("pk", flat=True))


def url(report, language="fr") -> str:
    return f"/reports/{report.pk}/translations/{language}"


def body(**texts) -> dict:
    """``body(p12="...")`` -> the PUT body translating paragraph 12."""
    return {"paragraphs": {k[1:]: v if isinstance(v, dict) else {"text": v} for k, v in texts.items()}}


def test_the_api_translation_is_what_the_page_and_the_exports_then_show(report, secretariat, as_user, client):
    first, second, third = ids(report)
    empty = as_user(secretariat, "get", url(report)).json()
    assert empty["counts"] == {"current": 0, "outdated": 0, "missing": 3}
    assert [(p["number"], p["id"], p["translation"], p["state"]) for p in empty["paragraphs"]] == [
        (1, first, None, "missing"), (2, second, None, "missing"), (3, third, None, "missing")]
    assert empty["paragraphs"][0]["text"] == "The secretariat held a Regional Workshop in March 2012."
    assert (empty["original_language"], empty["languages"], empty["frozen"]) == ("en", OTHERS.split(", "), False)

    saved = as_user(secretariat, "put", url(report), body(**{f"p{first}": FRENCH_1, f"p{second}": FRENCH_2}))
    assert saved.status_code == 200, saved.content
    answer = saved.json()
    assert answer["changed"] == 2 and answer["counts"] == {"current": 2, "outdated": 0, "missing": 1}
    assert answer["paragraphs"][0]["translation"] == {"text": FRENCH_1, "bullets": []}
    assert answer["paragraphs"][0]["state"] == "current" and answer["paragraphs"][0]["outdated"] is False
    assert {k: v for k, v in as_user(secretariat, "get", url(report)).json().items()} == {
        k: v for k, v in answer.items() if k != "changed"}
    assert AuditEntry.objects.get(action="report.translated").changes == {
        "¶1[fr]": [None, FRENCH_1], "¶2[fr]": [None, FRENCH_2]}
    assert as_user(secretariat, "put", url(report), body(**{f"p{first}": FRENCH_1})).json()["changed"] == 0

    client.force_login(secretariat)
    page = client.get(f"/reports/{report.pk}/translations/fr/").content.decode()
    client.logout()
    assert html.escape(FRENCH_1, quote=False) in page and "2 translated · 0 out of date · 1 not translated" in page
    md = as_user(secretariat, "get", f"/reports/{report.pk}/export.md?language=fr").content.decode()
    assert f"1. {FRENCH_1}" in md and f"2. {FRENCH_2}" in md and "3. A third paragraph, left untranslated." in md
    assert FRENCH_1 not in as_user(secretariat, "get", f"/reports/{report.pk}/export.md").content.decode()

    cleared = as_user(secretariat, "put", url(report), body(**{f"p{second}": ""})).json()
    assert cleared["changed"] == 1 and cleared["paragraphs"][1]["translation"] is None
    assert FRENCH_2 not in as_user(secretariat, "get", f"/reports/{report.pk}/export.md?language=fr").content.decode()


@pytest.mark.parametrize("method", ["get", "put"])
def test_only_the_secretariat_reads_and_writes_translations(report, personas, as_user, method):
    """A draft is the secretariat's: unreadable to a focal point (404); signed off, readable but not theirs to
    translate (403); anonymous: 401. Reports have no owning organisation: every focal point is "another org"."""
    first = ids(report)[0]
    payload = body(**{f"p{first}": FRENCH_1}) if method == "put" else None
    statuses = {name: as_user(user, method, url(report), payload).status_code for name, user in personas.items()}
    assert statuses == {"secretariat": 200, "focal_point": 404, "other_focal_point": 404, "stakeholder": 404,
                        "anonymous": 401}
    assert as_user(personas["secretariat"], "post", f"/reports/{report.pk}/sign-off").status_code == 200
    statuses = {name: as_user(user, method, url(report), payload).status_code for name, user in personas.items()}
    assert statuses == {"secretariat": 200 if method == "get" else 422, "focal_point": 403,
                        "other_focal_point": 403, "stakeholder": 403, "anonymous": 401}
    refused = as_user(personas["focal_point"], method, url(report), payload).json()
    assert refused["error"]["code"] == "forbidden"


def test_a_signed_off_report_keeps_its_translations_read_only(report, secretariat, as_user):
    first, second, _third = ids(report)
    as_user(secretariat, "put", url(report), body(**{f"p{first}": FRENCH_1}))
    assert as_user(secretariat, "post", f"/reports/{report.pk}/sign-off").status_code == 200
    refused = as_user(secretariat, "put", url(report), body(**{f"p{first}": "", f"p{second}": FRENCH_2}))
    assert refused.status_code == 422 and "signed off and is frozen" in refused.json()["error"]["message"]
    assert list(refused.json()["error"]["fields"]) == ["__all__"]
    read = as_user(secretariat, "get", url(report)).json()
    assert read["frozen"] is True and read["paragraphs"][0]["translation"]["text"] == FRENCH_1
    assert read["paragraphs"][1]["translation"] is None


def test_an_edited_paragraph_shows_its_translation_out_of_date_until_confirmed(report, secretariat, as_user, client):
    first, second, _third = ids(report)
    as_user(secretariat, "put", url(report, "es"), body(**{f"p{first}": "El taller.", f"p{second}": "Segundo."}))
    client.force_login(secretariat)
    edited = client.post(f"/reports/paragraphs/{second}/edit/", {"text": "A second paragraph, rewritten."})
    assert edited.status_code == 302
    assert "1 translated · 1 out of date · 1 not translated" in client.get(
        f"/reports/{report.pk}/translations/es/").content.decode()
    client.logout()

    read = as_user(secretariat, "get", url(report, "es")).json()
    assert read["counts"] == {"current": 1, "outdated": 1, "missing": 1}
    paragraph = read["paragraphs"][1]
    assert (paragraph["state"], paragraph["outdated"], paragraph["text"], paragraph["translation"]["text"]) == (
        "outdated", True, "A second paragraph, rewritten.", "Segundo.")
    md = as_user(secretariat, "get", f"/reports/{report.pk}/export.md?language=es").content.decode()
    assert "Segundo." not in md and "2. A second paragraph, rewritten." in md  # the export shows the original

    unchanged = as_user(secretariat, "put", url(report, "es"), body(**{f"p{second}": "Segundo."})).json()
    assert unchanged["changed"] == 0 and unchanged["paragraphs"][1]["outdated"] is True
    confirmed = as_user(secretariat, "put", url(report, "es"),
                        body(**{f"p{second}": {"text": "Segundo.", "confirmed": True}})).json()
    assert confirmed["changed"] == 1 and confirmed["paragraphs"][1]["state"] == "current"
    assert "2. Segundo." in as_user(secretariat, "get", f"/reports/{report.pk}/export.md?language=es").content.decode()


def test_a_batch_with_one_refused_paragraph_saves_none_and_names_it(report, secretariat, as_user):
    first, second, third = ids(report)
    too_long = as_user(secretariat, "put", url(report), body(**{f"p{first}": FRENCH_1, f"p{third}": "x" * (TRANSLATION_MAX + 1)}))
    assert too_long.status_code == 422
    error = too_long.json()["error"]
    assert list(error["fields"]) == [f"paragraphs.{third}.text"]
    assert error["fields"][f"paragraphs.{third}.text"] == [
        f"Paragraph 3: Shorten this to {TRANSLATION_MAX} characters at most (it has {TRANSLATION_MAX + 1})."]
    assert error["message"].startswith("Paragraph 3: ")

    other = paragraph_add(actor=secretariat, report=report_create(
        actor=secretariat, title="Another", initiative=report.initiative, period_start=date(2012, 1, 1),
        period_end=date(2012, 12, 31)), text="Elsewhere.")
    unknown = as_user(secretariat, "put", url(report), body(**{f"p{first}": FRENCH_1, f"p{other.pk}": "Ailleurs."}))
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"] == {"paragraphs": [f"Paragraphs {other.pk} are not in this report."]}
    not_an_id = as_user(secretariat, "put", url(report), {"paragraphs": {"first": {"text": FRENCH_1}}})
    assert not_an_id.status_code == 422

    with_points = ReportParagraph.objects.get(pk=second)
    with_points.bullets = [{"text": "first point", "sources": []}, {"text": "second point", "sources": []}]
    with_points.save()
    points = as_user(secretariat, "put", url(report), body(**{
        f"p{first}": FRENCH_1, f"p{second}": {"text": FRENCH_2, "bullets": ["premier point"]}}))
    assert points.status_code == 422
    assert points.json()["error"]["fields"] == {f"paragraphs.{second}.bullets": [
        "Paragraph 2: Translate each of the 2 points, one a line (there are 1)."]}

    read = as_user(secretariat, "get", url(report)).json()
    assert read["counts"] == {"current": 0, "outdated": 0, "missing": 3}
    assert not AuditEntry.objects.filter(action="report.translated").exists()
    both = as_user(secretariat, "put", url(report), body(**{
        f"p{second}": {"text": FRENCH_2, "bullets": ["premier point", "deuxième point"]}})).json()
    assert both["paragraphs"][1]["translation"] == {"text": FRENCH_2, "bullets": ["premier point", "deuxième point"]}


@pytest.mark.parametrize("method", ["get", "put"])
@pytest.mark.parametrize("language", ["xx", "en", "pt"])
def test_a_language_the_report_cannot_be_translated_into_is_a_422_listing_the_others(report, secretariat, as_user,
                                                                                     method, language):
    payload = body(**{f"p{ids(report)[0]}": FRENCH_1}) if method == "put" else None
    refused = as_user(secretariat, method, url(report, language), payload)
    assert refused.status_code == 422
    message = refused.json()["error"]["fields"]["language"][0]
    assert message == f"This report is written in English; translate it into {OTHERS}."
    assert report.paragraphs.exclude(translations={}).count() == 0


def test_hostile_text_is_stored_as_text_or_refused_naming_the_paragraph(report, secretariat, as_user):
    first, second, _third = ids(report)
    script = '<script>alert("x")</script> « l’atelier »'
    isolated = "Nom : \u202eNOM ARABE\u202c, atelier."
    saved = as_user(secretariat, "put", url(report), body(**{f"p{first}": script, f"p{second}": isolated})).json()
    assert [p["translation"]["text"] for p in saved["paragraphs"][:2]] == [script, isolated]
    page = as_user(secretariat, "get", f"/reports/{report.pk}/export.html?language=fr").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page

    override = as_user(secretariat, "put", url(report), body(**{f"p{first}": "", f"p{second}": "Texte \u202e à l’envers"}))
    assert override.status_code == 422
    fields = override.json()["error"]["fields"]
    assert list(fields) == [f"paragraphs.{second}.text"] and "U+202E" in fields[f"paragraphs.{second}.text"][0]
    nul = as_user(secretariat, "put", url(report), body(**{f"p{first}": {"text": "ok", "bullets": ["a\x00b"]}}))
    assert nul.status_code == 422 and list(nul.json()["error"]["fields"]) == [f"paragraphs.{first}.bullets.0"]
    assert [p["translation"]["text"] for p in as_user(secretariat, "get", url(report)).json()["paragraphs"][:2]] == [
        script, isolated]


def test_the_openapi_document_describes_both_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = schema["paths"]["/api/v1/reports/{report_id}/translations/{language}"]
    assert set(operations) == {"get", "put"}
    assert {"200", "401", "403", "404", "422"} <= set(operations["put"]["responses"])
    assert "ReportTranslationsIn" in schema["components"]["schemas"]
