"""Sections initiatives adds to the pages of partners, the app below it (``core.panels``)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from tutela.core.access import Actor

from . import selectors

EDITABLE_LIMIT = 100


def organisation_involvement(request: HttpRequest, organisation: Any) -> str:
    context = {"organisation": organisation, **selectors.organisation_involvement(user=request.user, organisation=organisation)}
    return render_to_string("initiatives/panels/organisation.html", context, request=request)


def editable_records(request: HttpRequest, user: Actor) -> str:
    context = selectors.editable_records(user=request.user, limit=EDITABLE_LIMIT)
    return render_to_string("initiatives/panels/my_records.html", context, request=request)
