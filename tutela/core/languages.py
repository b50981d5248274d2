"""The six UN languages Tutela speaks: their tags, their own names, and a page's address in each
(docs/i18n.md). Pages carry the language in the path (/fr/…; English has no prefix)."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info, gettext_noop

# Django's own messages that its catalogues leave in English in some of our languages, marked here so
# that makemessages puts them in ours (which Django reads first). "- Select an option -", the empty
# choice of every select on a model's choices, is French in Django 6.1 but English in its Spanish,
# Arabic, Russian and Chinese catalogues. tutela/core/tests/test_languages.py checks each is translated.
DJANGO_MESSAGES = [gettext_noop("- Select an option -")]


def bcp47(code: str) -> str:
    """A Django language code as HTML's lang attribute wants it: zh-hans → zh-Hans."""
    base, _, script = (code or "").partition("-")
    if not script:
        return base
    return f"{base}-{script.title() if len(script) == 4 else script.upper()}"


def language_links(path: str) -> list[dict[str, object]]:
    """Each language with the address of ``path`` in it, its own name, and whether it is the current one."""
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        name = info["name_local"]  # "français": a menu entry starts with a capital, as each language writes it
        links.append({"code": code, "tag": bcp47(code), "name": name[:1].upper() + name[1:], "bidi": info["bidi"],
                      "url": translate_url(path, code), "current": code == current})
    return links
