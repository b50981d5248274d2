"""Sections figures adds to the pages of apps below it (``core.panels``)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tutela.core import access

from . import selectors


def activity_figures(request: HttpRequest, activity: Any) -> str:
    return render_to_string("figures/_about_panel.html", {
        "heading": _("Figures about this activity"), "figures": selectors.figures_about(request.user, activity),
        "record_url": f"?subject_type=activities.activity&subject_id={activity.pk}",
        "record_label": _("Record a figure about this activity"), "can_edit": access.can_write(request.user, activity),
    }, request=request)


def project_figures(request: HttpRequest, project: Any) -> str:
    return render_to_string("figures/_about_panel.html", {
        "heading": _("Figures about this project"), "figures": selectors.figures_about(request.user, project),
    }, request=request)
