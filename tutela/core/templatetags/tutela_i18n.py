"""The language switcher and the page's language tag (docs/i18n.md)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tutela.core import languages as core_languages
from tutela.core.text import balance_direction_controls, isolate

register = template.Library()

register.filter("bcp47", core_languages.bcp47)


@register.filter
def bdi(value: object) -> SafeString:
    """A user's text (a name, a title, a code) inside an interface sentence: in <bdi>, so its own
    direction neither moves nor reorders the words around it; its direction controls are paired
    (core.text.balance_direction_controls), so none can end the isolation early."""
    return format_html("<bdi>{}</bdi>", balance_direction_controls(str(value)))


# The same for plain text, where no element may stand (<title>, attribute values).
register.filter("isolate", lambda value: isolate(str(value)))


@register.simple_tag(takes_context=True)
def languages(context: template.Context) -> list[dict[str, object]]:
    """The switcher's links: this page (with its query) in every language."""
    request = context.get("request")
    return core_languages.language_links(request.get_full_path() if request is not None else "/")
