"""Form helpers shared by every app's views."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from .text import control_character_message, find_control_character


@deconstructible
class ProhibitControlCharactersValidator:
    """Refuses text holding a character of ``tutela.core.text.CONTROL_CHARACTERS`` (NUL, the other
    C0/C1 controls but tab and line breaks, lone surrogates), naming the character."""

    code = "control_characters"

    def __call__(self, value) -> None:
        char = find_control_character(str(value))
        if char is not None:
            raise ValidationError(control_character_message(char), code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, ProhibitControlCharactersValidator)


def install_text_checks() -> None:
    """Every text field of every form (ours, Django's, the admin's) refuses control characters.

    Called once from ``CoreConfig.ready``: ``forms.CharField`` and the fields built on it
    (``RegexField``, ``UUIDField``, the CharFields model forms make) start with this validator,
    the way Django gives them ``ProhibitNullCharactersValidator``; fields that bring their own
    ``default_validators`` (e-mail, URL, slug) get it added to theirs. Idempotent.
    """
    check = ProhibitControlCharactersValidator()
    for field in (forms.CharField, forms.EmailField, forms.URLField, forms.SlugField):
        own = field.__dict__.get("default_validators", [])
        if check not in own:
            field.default_validators = [*own, check]


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has
    that field, otherwise at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def list_template(request, name: str, partial: str = "results") -> str:
    """The list page, or only its results partial for an htmx request (the filter form)."""
    return f"{name}#{partial}" if getattr(request, "htmx", False) else name
