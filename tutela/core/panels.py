"""Sections that an app adds to a page of an app below it (docs/architecture.md, "Layers").

An app imports only the apps below it, so the organisation page (partners) cannot ask activities
for the organisation's activities, nor an activity's page (activities) ask figures for its
figures. Instead the page names a slot, its URL name, and renders what the apps above put there::

    {% load tutela_panels %}{% panels "partners:organisation_detail" organisation %}

and an app above declares on its AppConfig, like its ``nav`` entries::

    panels = [("partners:organisation_detail", "tutela.activities.panels.organisation_activities")]

A panel is a function ``(request, obj) -> str``: it reads through its own app's selectors (so
``core.access`` decides what the viewer sees) and returns HTML, or "" when it has nothing to show.
Panels appear in ``INSTALLED_APPS`` order, which is the layer order.

A lower app that needs a *function* of the apps above it names an attribute, and each app above
that has one names its function there (a dotted path); ``handed_in(attribute)`` returns them in
layer order: ``organisation_replaced`` (partners), ``guideline_version_published`` (consultations),
``report_paragraphs`` (reports).
"""

from collections.abc import Callable
from functools import cache
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

type Panel = Callable[[HttpRequest, Any], str]


@cache
def _registered() -> dict[str, tuple[Panel, ...]]:
    slots: dict[str, list[Panel]] = {}
    for config in apps.get_app_configs():
        for slot, path in getattr(config, "panels", []):
            slots.setdefault(slot, []).append(import_string(path))
    return {slot: tuple(panels) for slot, panels in slots.items()}


@cache
def handed_in(attribute: str) -> tuple[Callable[..., Any], ...]:
    """The functions the installed apps name on their AppConfig as ``attribute``, in layer order."""
    return tuple(import_string(path) for config in apps.get_app_configs()
                 if (path := getattr(config, attribute, None)))


def render(slot: str, request: HttpRequest, obj: Any) -> SafeString:
    """The HTML the apps above put in ``slot`` for ``obj``, one after the other."""
    # Each panel returns a rendered template, escaped by the template engine.
    return mark_safe("".join(panel(request, obj) for panel in _registered().get(slot, ())))
