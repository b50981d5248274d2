"""Language-prefixed pages (docs/i18n.md): /fr/…, /ar/…, English without a prefix; a switcher that
keeps the page; <html lang dir> right; an unknown prefix gets a 404 listing the languages."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tutela.core.languages import bcp47

pytestmark = pytest.mark.django_db

CODES = ["en", "fr", "es", "ar", "ru", "zh-hans"]


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


@pytest.mark.parametrize(("code", "tag", "direction"), [
    ("fr", "fr", "ltr"), ("es", "es", "ltr"), ("ar", "ar", "rtl"), ("ru", "ru", "ltr"), ("zh-hans", "zh-Hans", "ltr"),
])
def test_a_prefixed_page_declares_its_language_and_direction(client, code, tag, direction):
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    assert html_tag(response) == f'<html lang="{tag}" dir="{direction}">'
    assert response["Content-Language"] == code


def test_english_has_no_prefix_and_ignores_the_browser_language(client):
    """A shared link shows what its sender saw: the address decides, not Accept-Language or a cookie."""
    response = client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9"})
    assert html_tag(response) == '<html lang="en" dir="ltr">'
    assert not response.cookies
    assert client.get("/en/").status_code == 404


def test_the_switcher_keeps_the_page_and_its_query(client):
    path = reverse("home:search") + "?q=workshop"
    response = client.get(path)
    body = response.content.decode()
    for code in CODES[1:]:
        assert f'href="/{code}/search/?q=workshop"' in body, code
    # from French back to English and to Arabic, still on the search page
    body = client.get("/fr" + path).content.decode()
    assert 'href="/search/?q=workshop"' in body
    assert 'href="/ar/search/?q=workshop"' in body
    assert 'aria-current="true">Français</a>' in body


def test_links_inside_a_page_keep_its_language(client):
    body = client.get("/ar/").content.decode()
    nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', body, re.S).group(1)
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs and all(h.startswith("/ar/") for h in hrefs), hrefs


def test_the_api_and_admin_have_no_prefix(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/fr/api/v1/openapi.json").status_code == 404


@pytest.mark.parametrize("path", ["/de/", "/pt-br/search/", "/de/search/?q=x"])
def test_an_unknown_language_gets_a_404_listing_the_languages(client, path):
    response = client.get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert "not available in the language" in body
    for name in ["English", "Français", "Español", "العربيّة", "Русский", "简体中文"]:
        assert f">{name}</a>" in body, name
    if "search" in path:
        assert 'href="/fr/search/"' in body or 'href="/fr/search/?q=x"' in body
    if "?q=x" in path:  # the same page means its query too
        assert 'href="/fr/search/?q=x"' in body and 'href="/search/?q=x"' in body


@pytest.mark.parametrize(("path", "language"), [("/en/search/", "en"), ("/FR/search/", "fr"),
                                                ("/zh-cn/search/", "zh-hans")])
def test_a_language_tutela_has_under_a_prefix_it_does_not_use_lists_the_languages_too(client, path, language):
    """English has no prefix, and prefixes are lower case with Django's codes: /en/…, /FR/…, /zh-cn/… are not
    pages, but the language is one Tutela has (Django speaks it on the 404), so the page does not say it lacks it."""
    response = client.get(path)
    assert response.status_code == 404
    body = response.content.decode()
    with translation.override(language):
        assert escape(translation.gettext("There is nothing at this address.")) in body
        assert escape(translation.gettext("Tutela is not available in the language this address asks for.")) not in body
    assert 'href="/search/"' in body and 'href="/fr/search/"' in body and 'href="/zh-hans/search/"' in body


def test_an_unknown_page_is_not_taken_for_a_language(client):
    body = client.get("/hub/nothing-here/").content.decode()
    assert "There is nothing at this address" in body
    assert "not available in the language" not in body


def test_bcp47():
    assert [bcp47(c) for c in CODES] == ["en", "fr", "es", "ar", "ru", "zh-Hans"]
    assert bcp47("pt-br") == "pt-BR"


def test_menus_are_built_per_language(client):
    """The header's links were once computed once per process, in whichever language came first."""
    client.get("/fr/")
    body = client.get("/").content.decode()
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', body, re.S).group(1)
    assert "/fr/" not in nav
    with translation.override("en"):
        assert reverse("home:index") == "/"


@pytest.mark.parametrize("code", [c for c in CODES if c != "en"])
def test_djangos_messages_that_its_own_catalogues_miss_are_translated_by_ours(code):
    from django.db.models.fields import BLANK_CHOICE_LABEL

    from tutela.core.languages import DJANGO_MESSAGES

    assert str(BLANK_CHOICE_LABEL) in DJANGO_MESSAGES  # the empty choice of a select: on most forms
    with translation.override(code):
        untranslated = [m for m in DJANGO_MESSAGES if translation.gettext(m) == m]
    assert not untranslated, f"{code}: {untranslated} (translate them in locale/…/django.po)"
