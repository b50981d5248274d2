"""Sections activities adds to the pages of apps below it (``core.panels``)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from . import selectors


def organisation_activities(request: HttpRequest, organisation: Any) -> str:
    roles = selectors.organisation_activity_roles(request.user, organisation)
    return render_to_string("activities/panels/organisation.html", {"activity_roles": roles}, request=request)


def deliverable_evidence(request: HttpRequest, deliverable: Any) -> str:
    evidence = selectors.deliverable_evidence(request.user, deliverable)
    return render_to_string("activities/panels/deliverable.html", {"evidence": evidence}, request=request)


def pillar_activities(request: HttpRequest, pillar: Any) -> str:
    activities, count = selectors.pillar_activities(request.user, pillar)
    return render_to_string("activities/panels/pillar.html", {"activities": activities, "activity_count": count},
                            request=request)
