"""Record text in several languages (issue 18 item 4; docs/decisions.md, "Content in several languages").

A record whose public text may be translated keeps its English text in its ordinary columns (what
every query, the search index, reports and exports already read) and the other languages in one
JSON field, ``translations = {language: {field: text}}``, listed by the model's
``TRANSLATED_FIELDS``. Reading goes through ``shown(obj, field)``: the text in the active language,
or the English one marked as a fallback (pages then say so, and mark it ``lang="en"``). Writing goes
through ``save(...)``, called by each app's ``<entity>_translate`` service: it checks the language
and the text, writes the one field and audits the change.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Func
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from . import access, audit, childtext
from .access import Actor
from .text import control_character_message, find_control_character

DEFAULT = "en"  # the language of the records' own columns


def languages() -> list[str]:
    """The languages a record may be translated into: every interface language but English."""
    return [code for code, _name in settings.LANGUAGES if code != DEFAULT]


def language_name(code: str) -> str:
    """A language named in itself, with a capital as a menu entry starts ("Français")."""
    name = get_language_info(code)["name_local"]
    return name[:1].upper() + name[1:]


def active() -> str:
    """The page's language as one of ``settings.LANGUAGES``' codes (English when none is active)."""
    code = (get_language() or DEFAULT).lower()
    return code if code in dict(settings.LANGUAGES) else DEFAULT


@dataclass(frozen=True)
class Shown:
    """A record's text as a page shows it in ``wanted``: translated, or the English as a fallback."""

    text: str
    language: str
    wanted: str

    @property
    def fallback(self) -> bool:
        return self.language != self.wanted and bool(self.text)

    @property
    def attrs(self) -> SafeString:
        """The attributes of the element holding the text: ``lang="en" dir="ltr"`` on a fallback, so a
        screen reader switches voice and Arabic pages do not reorder it."""
        return mark_safe(' lang="en" dir="ltr"') if self.fallback else mark_safe("")

    def __str__(self) -> str:
        return self.text


def translated_fields(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    return tuple(getattr(model, "TRANSLATED_FIELDS", ()))


def shown(obj: models.Model, field: str, language: str | None = None,
          offered: Collection[str] | None = None) -> Shown:
    """``obj.field`` in ``language`` (the active one by default), falling back to English. With
    ``offered`` (a consultation's languages), a language not in it falls back too."""
    wanted = (language or active()).lower()
    original = getattr(obj, field) or ""
    if wanted not in languages():  # English, or a language Tutela does not speak
        return Shown(original, DEFAULT, DEFAULT)
    text = ((getattr(obj, "translations", None) or {}).get(wanted) or {}).get(field) or ""
    if text and (offered is None or wanted in offered):
        return Shown(text, wanted, wanted)
    return Shown(original, DEFAULT, wanted)


def missing(obj: models.Model, language: str | None = None, offered: Collection[str] | None = None) -> bool:
    """Whether any translatable text of ``obj`` is shown in English in ``language``."""
    return any(shown(obj, f, language, offered).fallback for f in translated_fields(obj))


def note(*objs: models.Model, language: str | None = None, offered: Collection[str] | None = None) -> SafeString:
    """The visible note a page shows above records' text when part of it falls back to English."""
    wanted = (language or active()).lower()
    if not any(missing(obj, wanted, offered) for obj in objs):
        return mark_safe("")
    return note_html(wanted)


def note_html(language: str) -> SafeString:
    message = _("This text is not yet available in %(language)s; shown in English.") % {
        "language": language_name(language)}
    return format_html('<p class="notice translation-note" role="note">{}</p>', message)


def status(obj: models.Model) -> list[dict[str, Any]]:
    """Each language a record may be translated into, its own name and how many of its texts are in it."""
    have = getattr(obj, "translations", None) or {}
    fields = [f for f in translated_fields(obj) if getattr(obj, f)]
    return [{"code": code, "name": language_name(code),
             "done": sum(1 for f in fields if (have.get(code) or {}).get(f)), "of": len(fields)}
            for code in languages()]


def clean(model: type[models.Model], language: str, values: Mapping[str, Any]) -> dict[str, str]:
    """The texts of a translation as stored, or a ``ValidationError`` that says what to change:
    a language Tutela does not speak (or English, which is the record's own text), a field that is
    not translated, text too long for the field, invisible control characters, or a child's identity
    (refused outright: a translation is shown as soon as it is saved, without a review)."""
    code = (language or "").strip().lower()
    if code not in languages():
        raise ValidationError({"language": _(
            "Translations are into %(languages)s; “%(code)s” is not one of them (the English text is the "
            "record's own: edit the record to change it).") % {
                "languages": ", ".join(languages()), "code": (language or "")[:20]}})
    fields = translated_fields(model)
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ValidationError({"__all__": _("Only %(fields)s can be translated here, not %(unknown)s.") % {
            "fields": ", ".join(fields), "unknown": ", ".join(str(u)[:40] for u in unknown[:5])}})
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name in fields:
        if name not in values:
            continue
        value = values[name]
        if value is not None and not isinstance(value, str):
            errors.setdefault(name, []).append(_("Give the translation as text."))
            continue
        text = (value or "").strip()
        field = model._meta.get_field(name)
        if isinstance(field, models.CharField):
            text = " ".join(text.split())
        if (char := find_control_character(text)) is not None:
            errors.setdefault(name, []).append(control_character_message(char))
            continue
        limit = getattr(field, "max_length", None)
        if limit and len(text) > limit:
            errors.setdefault(name, []).append(
                _("Shorten this to %(limit)s characters at most (it has %(n)s).") % {"limit": limit, "n": len(text)})
            continue
        cleaned[name] = text
    if errors:
        raise ValidationError(errors)
    childtext.refuse(cleaned)
    return cleaned


def save[M: models.Model](obj: M, *, actor: Actor | None, action: str, language: str,
                          values: Mapping[str, Any]) -> M:
    """Write the translation of ``obj`` into ``language`` the one way services do (inside the caller's
    transaction): ``values`` maps fields to text; an empty text removes that field's translation, so
    the page falls back to English again. One audit entry ``action`` holds what changed, per
    ``field[language]``. Only the secretariat translates (``None``, the system, for the demo and imports):
    a translation is shown as soon as it is saved, so it is the secretariat's word, like publishing."""
    if actor is not None:
        access.require_secretariat(actor)
    texts = clean(type(obj), language, values)
    code = language.strip().lower()
    current: dict[str, dict[str, str]] = {k: dict(v) for k, v in (getattr(obj, "translations") or {}).items()}  # noqa: B009 (M is any model with the field)
    before = dict(current.get(code, {}))
    after = {**before, **{k: v for k, v in texts.items() if v}}
    for k, v in texts.items():
        if not v:
            after.pop(k, None)
    if after:
        current[code] = after
    else:
        current.pop(code, None)
    changes = {f"{k}[{code}]": [before.get(k), after.get(k)] for k in sorted(before.keys() | after.keys())
               if before.get(k) != after.get(k)}
    if not changes:
        return obj
    setattr(obj, "translations", current)  # noqa: B010 (as above)
    obj.save(update_fields=["translations"])
    audit.record(actor=actor, action=action, target=obj, changes=changes)
    return obj


def translations_field() -> models.JSONField:
    """The field a translatable model declares as ``translations``."""
    return models.JSONField(
        default=dict, blank=True, editable=False,
        help_text="{language: {field: text}} for the fields in TRANSLATED_FIELDS; English is the record's own text.")


class AllTranslationsVector(Func):
    """PostgreSQL's full-text vector of every text in a ``translations`` field, all languages together
    (``jsonb_to_tsvector``, ``simple`` configuration). Site search asks it first, through a GIN index on this very
    expression (activities migration 0015), and then checks the one language it searches in on the few rows it
    finds: a word present only in another language's translation is not a hit. Constants are written into the SQL,
    not passed as parameters, so the query's expression is the index's."""

    template = "jsonb_to_tsvector('simple'::regconfig, %(expressions)s, '[\"string\"]'::jsonb)"
    output_field = SearchVectorField()
