"""The language switcher and the page's language tag (docs/i18n.md)."""

from django import template

from tutela.core import languages as core_languages

register = template.Library()

register.filter("bcp47", core_languages.bcp47)


@register.simple_tag(takes_context=True)
def languages(context: template.Context) -> list[dict[str, object]]:
    """The switcher's links: this page (with its query) in every language."""
    request = context.get("request")
    return core_languages.language_links(request.get_full_path() if request is not None else "/")
