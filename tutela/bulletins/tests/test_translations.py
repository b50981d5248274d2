"""A bulletin's subject and text in several languages (issue 18 item 4, ``core.translations``): written by
the secretariat through ``bulletin_translate`` before sending; each subscriber gets their language's text
(English where it is not translated); the public archive shows the page language's text or the English
with the note, marked ``lang="en"``."""

import email
import email.policy
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tutela.accounts.services import api_token_create
from tutela.activities.services import activity_create, activity_translate
from tutela.bulletins import services
from tutela.bulletins.models import Bulletin
from tutela.core.models import AuditEntry
from tutela.initiatives.models import Pillar

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


ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _feed(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    assert not response.cookies
    root = ET.fromstring(response.content)
    return root, root.findall(f"{ATOM}entry")


def test_the_archive_feed_under_a_language_prefix_is_in_that_language_or_english_with_the_note(client, sent, members):
    root, [entry] = _feed(client, f"/fr/bulletins/archive/{members.slug}/feed.atom")
    assert root.get(XML_LANG) == "fr" and XML_LANG not in entry.attrib
    assert entry.findtext(f"{ATOM}title") == "Nouvelles COP nº 1"
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/fr/bulletins/archive/{members.slug}/{sent.pk}/")
    content = entry.findtext(f"{ATOM}summary")
    assert '<div lang="fr" dir="ltr">' in content and "Les <strong>lignes directrices</strong>" in content
    assert "translation-note" not in content
    assert root.find(f"{ATOM}link").get("href").endswith(f"/fr/bulletins/archive/{members.slug}/")

    # Russian: not sent in Russian, so the English, the entry marked as English and its content noted
    root, [entry] = _feed(client, f"/ru/bulletins/archive/{members.slug}/feed.atom")
    assert root.get(XML_LANG) == "ru" and entry.get(XML_LANG) == "en"
    assert entry.findtext(f"{ATOM}title") == "COP news no. 1"
    content = entry.findtext(f"{ATOM}summary")
    assert "translation-note" in content and "Русский" in content and '<div lang="en" dir="ltr">' in content
    assert content.index("translation-note") < content.index("The <strong>guidelines</strong>")

    # Spanish: the subject was translated, the text was not: the entry is Spanish, its text noted and marked English
    _root, [entry] = _feed(client, f"/es/bulletins/archive/{members.slug}/feed.atom")
    assert entry.findtext(f"{ATOM}title") == "Noticias COP n.º 1" and XML_LANG not in entry.attrib
    assert "translation-note" in entry.findtext(f"{ATOM}summary")

    root, [entry] = _feed(client, f"/zh-hans/bulletins/archive/{members.slug}/feed.atom")
    assert root.get(XML_LANG) == "zh-Hans" and entry.get(XML_LANG) == "en"
    root, [entry] = _feed(client, f"/bulletins/archive/{members.slug}/feed.atom")
    assert root.get(XML_LANG) == "en" and XML_LANG not in entry.attrib
    assert entry.findtext(f"{ATOM}id").endswith(f"/bulletins/archive/{members.slug}/{sent.pk}/")
    assert "/fr/" not in entry.findtext(f"{ATOM}id") and "translation-note" not in entry.findtext(f"{ATOM}summary")


def test_the_archive_page_under_a_prefix_links_the_feed_in_its_language(client, sent, members):
    page = client.get(f"/ar/bulletins/archive/{members.slug}/").content.decode()
    assert f'href="/ar/bulletins/archive/{members.slug}/feed.atom"' in page


def test_the_records_listed_in_a_bulletin_take_its_language_or_stay_english_marked(
        client, secretariat, members, add, org_a, run_on_commit, smtp_peer):
    pillars = list(Pillar.objects.all()[:1])
    translated = activity_create(actor=None, title="Online safety workshop", kind="workshop", starts_on=date(2026, 1, 5),
                                 pillars=pillars, partners=[(org_a, "organiser")], is_published=True)
    activity_translate(actor=secretariat, activity=translated, language="fr",
                       values={"title": "Atelier sur la sécurité en ligne"})
    activity_translate(actor=secretariat, activity=translated, language="ar", values={"title": "ورشة عمل عن السلامة"})
    untranslated = activity_create(actor=None, title="Safer Internet Day", kind="workshop", starts_on=date(2026, 2, 10),
                                   pillars=pillars, partners=[(org_a, "organiser")], is_published=True)
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="COP news", body="Hello.",
                                        blocks=["activities"])
    services.bulletin_translate(actor=secretariat, bulletin=bulletin, language="fr",
                                values={"subject": "Nouvelles COP", "body": "Bonjour."})
    services.bulletin_translate(actor=secretariat, bulletin=bulletin, language="ar", values={"subject": "أخبار"})

    client.force_login(secretariat)
    french = client.get(f"/bulletins/workspace/{bulletin.pk}/preview/?lang=fr").content.decode()
    assert f'/fr/activities/{translated.pk}/"><bdi>Atelier sur la sécurité en ligne</bdi></a>' in french
    assert f'/fr/activities/{untranslated.pk}/" lang="en" dir="ltr"><bdi>Safer Internet Day</bdi></a>' in french
    assert '<article class="bulletin" lang="fr" dir="ltr">' in french
    assert "Online safety workshop" not in french.split('<article class="bulletin"')[1]
    english = client.get(f"/bulletins/workspace/{bulletin.pk}/preview/").content.decode()
    assert f'/activities/{translated.pk}/"><bdi>Online safety workshop</bdi></a>' in english
    assert "Atelier" not in english and 'lang="en" dir="ltr"><bdi>' not in english
    # a language the bulletin is not translated into: the English bulletin, titles in English too
    spanish = client.get(f"/bulletins/workspace/{bulletin.pk}/preview/?lang=es").content.decode()
    assert "<bdi>Online safety workshop</bdi>" in spanish and "Atelier" not in spanish

    add(members, "fr@example.org", "fr")
    add(members, "ar@example.org", "ar")
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin)
    received = {env.rcpt_tos[0]: email.message_from_bytes(env.original_content, policy=email.policy.default)
                for env in smtp_peer.messages}
    html = received["fr@example.org"].get_body(("html",)).get_content()
    assert "<bdi>Atelier sur la sécurité en ligne</bdi>" in html and 'lang="en" dir="ltr"><bdi>Safer Internet Day' in html
    text = received["fr@example.org"].get_body(("plain",)).get_content()
    assert "- Atelier sur la sécurité en ligne" in text and "- Safer Internet Day" in text
    assert "<bdi>ورشة عمل عن السلامة</bdi>" in received["ar@example.org"].get_body(("html",)).get_content()
    # what was sent is what the archive and its feed show, in each language
    page = client.get(f"/fr/bulletins/archive/{members.slug}/{bulletin.pk}/").content.decode()
    assert "<bdi>Atelier sur la sécurité en ligne</bdi>" in page
    _root, [entry] = _feed(client, f"/ar/bulletins/archive/{members.slug}/feed.atom")
    assert "<bdi>ورشة عمل عن السلامة</bdi>" in entry.findtext(f"{ATOM}summary")


def test_the_preview_and_the_archive_isolate_the_subject_and_the_list_name(client, secretariat, sent, members):
    client.force_login(secretariat)
    preview = client.get(f"/ar/bulletins/workspace/{sent.pk}/preview/?lang=fr").content.decode()
    assert f'/ar/bulletins/workspace/{sent.pk}/"><bdi>COP news no. 1</bdi></a> · ' in preview
    assert "\u2068COP news no. 1\u2069" in preview.split("</title>")[0]
    detail = client.get(f"/ar/bulletins/workspace/{sent.pk}/").content.decode()
    assert f"· <bdi>{members.name}</bdi></p>" in detail
    client.logout()
    archived = client.get(f"/ar/bulletins/archive/{members.slug}/{sent.pk}/").content.decode()
    assert f'/ar/bulletins/archive/{members.slug}/"><bdi>{members.name}</bdi></a> · ' in archived
