"""Form helpers shared by every app's views."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
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
