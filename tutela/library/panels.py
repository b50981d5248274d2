"""Sections the library adds to the pages of apps below it (``core.panels``)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from . import selectors


def activity_session_plans(request: HttpRequest, activity: Any) -> str:
    uses = selectors.activity_uses(request.user, activity)
    if not uses:
        return ""
    return render_to_string("library/panels/activity.html", {"uses": uses}, request=request)
