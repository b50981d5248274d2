"""Template helpers for partner pages: agreement expiry badges and how a person is named."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tutela.core import access

from ..selectors import agreement_expiry

register = template.Library()


@register.simple_tag
def expiry_badge(agreement: Any) -> str:
    """A badge saying where an agreement stands, counting days ahead so expiry is seen in time."""
    info = agreement_expiry(agreement)
    state, days = info["state"], info["days"]
    if state == "not_signed":
        text, css = _("not signed yet"), "badge"
    elif state == "expiring":
        text = _("ends today") if days == 0 else ngettext("ends in %(n)d day", "ends in %(n)d days", days) % {"n": days}
        css = "badge expiring"
    elif state == "expired":
        text, css = _("expired"), "badge expired"
    elif state == "upcoming":
        text = ngettext("starts in %(n)d day", "starts in %(n)d days", days) % {"n": days}
        css = "badge upcoming"
    elif state == "open_ended":
        text, css = _("in force, no end date"), "badge"
    else:
        text, css = _("in force"), "badge in-force"
    return format_html('<span class="{}" data-state="{}">{}</span>', css, state, text)


@register.simple_tag(takes_context=True)
def person_label(context: Any, person: Any) -> str:
    """The person's name if the viewer may see it, otherwise "a representative"."""
    user = context.get("user")
    if person.may_be_named or access.is_secretariat(user) or (
        person.organisation_id and person.organisation_id in access.user_organisation_ids(user)
    ):
        return str(person)
    return person.public_label()


@register.simple_tag(takes_context=True)
def can_see_person(context: Any, person: Any) -> bool:
    user = context.get("user")
    return person.may_be_named or access.is_secretariat(user) or (
        bool(person.organisation_id) and person.organisation_id in access.user_organisation_ids(user)
    )
