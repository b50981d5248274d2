"""Sections bulletins adds to the pages of apps below it (``core.panels``)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from . import selectors


def commitment_deliveries(request: HttpRequest, agreement: Any) -> str:
    """Each commitment of the agreement with its cadence against what was delivered this year."""
    rows = selectors.agreement_cadences(agreement)
    if not rows:
        return ""
    return render_to_string("bulletins/_commitment_cadence.html", {"rows": rows}, request=request)
