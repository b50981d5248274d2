"""``{% review_status obj %}``: a record's review state, its open flags and the secretariat's buttons."""

from django import template

from tutela.core import access

register = template.Library()


@register.inclusion_tag("core/_review_status.html", takes_context=True)
def review_status(context, obj):
    user = context["request"].user
    return {
        "obj": obj, "label": obj._meta.label_lower, "flags": obj.active_flags,
        "is_secretariat": access.is_secretariat(user), "can_edit": access.can_write(user, obj),
        "csrf_token": context.get("csrf_token"),
    }
