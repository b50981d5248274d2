"""Sections bulletins adds to the pages of apps below it (``core.panels``)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from tutela.core import access

from . import charts, selectors


def commitment_deliveries(request: HttpRequest, agreement: Any) -> str:
    """Each commitment of the agreement with its cadence against what was delivered this year (a chart and its
    table), the records that delivered it, and — for whoever may change it — a form to name another, and
    a button to remove a wrong link."""
    rows = selectors.agreement_cadences(agreement)
    if not rows:
        return ""
    deliveries = selectors.commitment_deliveries([c.pk for c, _check in rows])
    may_change = access.can_write(request.user, agreement)
    items = [{"commitment": c, "check": check, "deliveries": deliveries[c.pk]} for c, check in rows]
    return render_to_string("bulletins/_commitment_cadence.html",
                            {"items": items, "chart": charts.cadence(rows), "may_change": may_change},
                            request=request)
