"""A bulletin's subject and text in several languages (issue 18 item 4, ``core.translations``): written by
the secretariat through ``bulletin_translate`` before sending; each subscriber gets their language's text
(English where it is not translated); the public archive shows the page language's text or the English
with the note, marked ``lang="en"``."""

import email
import email.policy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tutela.accounts.services import api_token_create
from tutela.bulletins import services
from tutela.bulletins.models import Bulletin
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulletin(secretariat, members):
    return services.bulletin_create(actor=secretariat, mailing_list=members, subject="COP news no. 1",
                                    body="The **guidelines** are out.")


@pytest.fixture
def sent(secretariat, members, add, bulletin, run_on_commit, smtp_peer):
    """Sent with a French subject and text, and only a Spanish subject."""
    for address, language in (("en@example.org", "en"), ("fr@example.org", "fr"), ("es@example.org", "es"),
                              ("ru@example.org", "ru")):
        add(members, address, language)
    services.bulletin_translate(actor=secretariat, bulletin=bulletin, language="fr",
                                values={"subject": "Nouvelles COP nº 1", "body": "Les **lignes directrices** sont publiées."})
    services.bulletin_translate(actor=secretariat, bulletin=bulletin, language="es", values={"subject": "Noticias COP n.º 1"})
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin)
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.SENT
    return bulletin


def test_the_service_saves_audits_and_an_empty_text_removes_a_translation(secretariat, bulletin):
    services.bulletin_translate(actor=secretariat, bulletin=bulletin, language="fr",
                                values={"subject": "  Nouvelles   COP ", "body": "Bonjour."})
    bulletin.refresh_from_db()
    assert bulletin.translations == {"fr": {"subject": "Nouvelles COP", "body": "Bonjour."}}
    assert AuditEntry.objects.filter(action="bulletin.translated").latest("pk").changes == {
        "body[fr]": [None, "Bonjour."], "subject[fr]": [None, "Nouvelles COP"]}
    services.bulletin_translate(actor=secretariat, bulletin=bulletin, language="fr", values={"body": ""})
    bulletin.refresh_from_db()
    assert bulletin.translations == {"fr": {"subject": "Nouvelles COP"}}
    assert bulletin.subject == "COP news no. 1" and bulletin.body == "The **guidelines** are out."  # English untouched


@pytest.mark.parametrize(("language", "values", "field", "says"), [
    ("pt", {"subject": "Notícias"}, "language", "not one of them"),
    ("en", {"subject": "News"}, "language", "not one of them"),
    ("fr", {"topics": "events"}, "__all__", "Only subject, body can be translated"),
    ("fr", {"subject": "Nouvelles\u0007"}, "subject", "control character U+0007"),
    ("fr", {"body": "\u202eBonjour"}, "body", "U+202E"),
    ("fr", {"subject": "x" * 201}, "subject", "200 characters"),
    ("fr", {"body": "Amina, 11 ans, née le 3 mars 2012"}, "body", "remove it"),
    ("fr", {"body": "Un [lien jamais fermé"}, "body", "not closed"),
    ("fr", {"body": "x" * 200_001}, "body", "at most 200"),
])
def test_bad_translations_are_refused_with_what_to_change(secretariat, bulletin, language, values, field, says):
    with pytest.raises(ValidationError) as refused:
        services.bulletin_translate(actor=secretariat, bulletin=bulletin, language=language, values=values)
    assert field in refused.value.message_dict and says in " ".join(refused.value.message_dict[field])
    bulletin.refresh_from_db()
    assert bulletin.translations == {}


def test_only_the_secretariat_translates_and_only_before_sending(secretariat, focal_point, sent):
    with pytest.raises(PermissionDenied):
        services.bulletin_translate(actor=focal_point, bulletin=sent, language="fr", values={"subject": "Nouvelles"})
    with pytest.raises(ValidationError, match="can no longer change"):
        services.bulletin_translate(actor=secretariat, bulletin=sent, language="ru", values={"subject": "Новости"})


def test_each_recipient_gets_their_language_or_english(sent, smtp_peer):
    received = {env.rcpt_tos[0]: email.message_from_bytes(env.original_content, policy=email.policy.default)
                for env in smtp_peer.messages}
    assert received["fr@example.org"]["Subject"] == "Nouvelles COP nº 1"
    assert "Les <strong>lignes directrices</strong>" in received["fr@example.org"].get_body(("html",)).get_content()
    spanish = received["es@example.org"]
    assert spanish["Subject"] == "Noticias COP n.º 1"
    assert '<div lang="en" dir="ltr"><p>The <strong>guidelines</strong> are out.</p></div>' in \
        spanish.get_body(("html",)).get_content()  # the text not translated into Spanish stays English, marked
    assert received["ru@example.org"]["Subject"] == received["en@example.org"]["Subject"] == "COP news no. 1"
    assert sorted(sent.rendered) == ["en", "es", "fr"]


def test_the_archive_under_fr_shows_french_and_elsewhere_english_with_the_note(client, sent, members):
    archive = client.get(f"/fr/bulletins/archive/{members.slug}/").content.decode()
    assert "Nouvelles COP nº 1" in archive and "translation-note" not in archive
    page = client.get(f"/fr/bulletins/archive/{members.slug}/{sent.pk}/").content.decode()
    assert '<h1>Nouvelles COP nº 1</h1>' in page and "Les <strong>lignes directrices</strong>" in page
    assert 'lang="fr" dir="ltr"' in page and "translation-note" not in page

    russian = client.get(f"/ru/bulletins/archive/{members.slug}/{sent.pk}/").content.decode()
    assert '<article class="bulletin" lang="en" dir="ltr">' in russian and "<h1>COP news no. 1</h1>" in russian
    assert 'class="notice translation-note"' in russian and "Русский" in russian
    listed = client.get(f"/ru/bulletins/archive/{members.slug}/").content.decode()
    assert 'lang="en" dir="ltr">COP news no. 1</a>' in listed and "translation-note" in listed

    spanish = client.get(f"/es/bulletins/archive/{members.slug}/{sent.pk}/").content.decode()
    assert "<h1>Noticias COP n.º 1</h1>" in spanish  # the subject is Spanish …
    assert '<div lang="en" dir="ltr">' in spanish and "translation-note" in spanish  # … the text English, noted

    arabic = client.get(f"/ar/bulletins/archive/{members.slug}/{sent.pk}/").content.decode()
    assert '<article class="bulletin" lang="en" dir="ltr">' in arabic  # English inside a right-to-left page
    english = client.get(f"/bulletins/archive/{members.slug}/{sent.pk}/").content.decode()
    assert "translation-note" not in english and "<h1>COP news no. 1</h1>" in english


def test_the_form_per_language_from_the_bulletin_page(client, secretariat, focal_point, bulletin):
    client.force_login(secretariat)
    detail = client.get(f"/bulletins/workspace/{bulletin.pk}/").content.decode()
    assert f'href="/bulletins/workspace/{bulletin.pk}/translations/ar/"' in detail
    form = client.get(f"/bulletins/workspace/{bulletin.pk}/translations/fr/").content.decode()
    assert "In English: COP news no. 1" in form
    response = client.post(f"/bulletins/workspace/{bulletin.pk}/translations/ar/", {"subject": "أخبار", "body": ""})
    assert response.status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.translations == {"ar": {"subject": "أخبار"}}
    refused = client.post(f"/bulletins/workspace/{bulletin.pk}/translations/fr/", {"subject": "Nouvelles\u0007"})
    assert refused.status_code == 422 and "control character U+0007" in refused.content.decode()
    assert client.get(f"/bulletins/workspace/{bulletin.pk}/translations/en/").status_code == 404
    assert client.get(f"/bulletins/workspace/{bulletin.pk}/translations/de/").status_code == 404
    client.force_login(focal_point)
    assert client.get(f"/bulletins/workspace/{bulletin.pk}/translations/fr/").status_code == 403


def test_the_api_shows_and_takes_translations(client, secretariat, focal_point, bulletin):
    def put(user, language, payload):
        _token, key = api_token_create(actor=user, name="t")
        return client.put(f"/api/v1/bulletins/bulletins/{bulletin.pk}/translations/{language}", payload,
                          content_type="application/json", headers={"Authorization": f"Bearer {key}"})

    response = put(secretariat, "zh-hans", {"subject": "儿童在线保护新闻"})
    assert response.status_code == 200, response.json()
    assert response.json()["translations"] == {"zh-hans": {"subject": "儿童在线保护新闻"}}
    bad = put(secretariat, "pt", {"subject": "Notícias"})
    assert bad.status_code == 422 and "not one of them" in bad.json()["error"]["fields"]["language"][0]
    assert put(secretariat, "fr", {"subject": 5}).status_code == 422
    assert put(secretariat, "fr", {"blocks": "x"}).status_code == 422
    assert put(focal_point, "fr", {"subject": "Nouvelles"}).status_code == 403
    assert client.put(f"/api/v1/bulletins/bulletins/{bulletin.pk}/translations/fr", {"subject": "x"},
                      content_type="application/json").status_code == 401
