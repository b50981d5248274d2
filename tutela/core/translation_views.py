"""The page on which a record's text is translated into one language (docs/i18n.md): one form per
language, reached from the record's page, saving through the record's own ``<entity>_translate``
service (which checks and audits)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from . import translations
from .languages import bcp47
from .views import form_view


def translation_form(obj: models.Model, language: str, data: Any = None) -> forms.Form:
    """A form with one field per translatable text of ``obj`` that has English text, the English
    shown as the field's help, the current translation as its value."""
    have = (getattr(obj, "translations", None) or {}).get(language) or {}
    fields: dict[str, forms.Field] = {}
    for name in translations.translated_fields(obj):
        original = getattr(obj, name) or ""
        if not original:
            continue
        model_field = obj._meta.get_field(name)
        limit = getattr(model_field, "max_length", None)
        widget = forms.Textarea(attrs={"rows": 6, "lang": bcp47(language), "dir": "auto"}) if not limit else \
            forms.TextInput(attrs={"lang": bcp47(language), "dir": "auto"})
        fields[name] = forms.CharField(
            label=str(getattr(model_field, "verbose_name", name)).capitalize(), required=False, widget=widget,
            initial=have.get(name, ""), max_length=limit,
            help_text=_("In English: %(text)s") % {"text": original[:600] + ("…" if len(original) > 600 else "")})
    form_class = type("TranslationForm", (forms.Form,), fields)
    return form_class(data)


def translation_form_view(request: HttpRequest, obj: models.Model, language: str, *,
                          save: Callable[[dict[str, Any]], Any], back_url: str, back_label: str) -> HttpResponse:
    """The form page of ``obj``'s translation into ``language`` (404 for a language Tutela does not
    speak, or English: that is the record's own text, edited on its own form)."""
    if language not in translations.languages():
        raise Http404(_("Translations are into %(languages)s.") % {"languages": ", ".join(translations.languages())})
    form = translation_form(obj, language, request.POST if request.method == "POST" else None)
    name = translations.language_name(language)
    return form_view(
        request, form, save=save, template="components/form_page.html", success_url=back_url,
        message=_("Translation into %(language)s saved.") % {"language": name},
        context={"heading": _("%(record)s in %(language)s") % {"record": back_label, "language": name},
                 "back_url": back_url, "back_label": back_label,
                 "lede": _("Leave a text empty to show the English one, with a note saying it is not yet translated.")})
