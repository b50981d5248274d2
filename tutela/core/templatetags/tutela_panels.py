"""``{% panels "app:page" obj %}``: the sections apps above this page's app add to it (core.panels)."""

from django import template

from tutela.core import panels as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot, obj):
    return registry.render(slot, context["request"], obj)
