"""Sections the library adds to the pages of apps below it (``core.panels``)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from tutela.core import access

from . import selectors


def activity_session_plans(request: HttpRequest, activity: Any) -> str:
    uses = selectors.activity_uses(request.user, activity)
    can_write = access.can_write(request.user, activity)
    if not uses and not can_write:
        return ""
    return render_to_string("library/panels/activity.html", {"uses": uses, "activity": activity, "can_write": can_write},
                            request=request)


def country_resources(request: HttpRequest, code: Any) -> str:
    """A country page (strategies): the resources distributed in that country, as the viewer may see them."""
    items = list(selectors.resources(request.user, country=str(code)).order_by("title")[:50])
    return render_to_string("library/panels/country.html", {"resources": items}, request=request)
