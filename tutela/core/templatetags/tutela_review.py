"""``{% review_status obj %}``: a record's review state, its open flags, the secretariat's buttons, and the
last decision while it holds (who validated a published record; why a record was returned).
``{% review_outcome obj %}``: the decision part alone (and the return form), for pages with their own buttons."""

from django import template

from tutela.core import access, review

register = template.Library()


def _context(context, obj) -> dict:
    user = context["request"].user
    return {
        "obj": obj, "label": obj._meta.label_lower, "flags": obj.active_flags,
        "decision": review.current_decision(obj),
        "is_secretariat": access.is_secretariat(user), "can_edit": access.can_write(user, obj),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("core/_review_status.html", takes_context=True)
def review_status(context, obj):
    return _context(context, obj)


@register.inclusion_tag("core/_review_outcome.html", takes_context=True)
def review_outcome(context, obj):
    return _context(context, obj)
