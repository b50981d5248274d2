"""A record's text in the page's language (docs/i18n.md, "Content in several languages").

``{% translated activity "title" as title %}<h1{{ title.attrs }}>{{ title }}</h1>`` shows the text in the
active language, or the English with ``lang="en" dir="ltr"``; ``{% translation_note activity %}`` says
so in a visible note; ``{% translation_links activity "activities:activity_translate" %}`` lists the
languages with a link to each one's form (for those who may edit the record).
"""

from collections.abc import Collection

from django import template
from django.db import models
from django.urls import reverse
from django.utils.safestring import SafeString

from tutela.core import translations

register = template.Library()


@register.simple_tag
def translated(obj: models.Model, field: str, offered: Collection[str] | None = None) -> translations.Shown:
    """``offered``: only these languages' translations are used (a consultation's languages)."""
    return translations.shown(obj, field, offered=offered)


@register.simple_tag
def translation_note(*objs: models.Model, offered: Collection[str] | None = None) -> SafeString:
    return translations.note(*objs, offered=offered)


@register.inclusion_tag("core/_translation_links.html")
def translation_links(obj: models.Model, url_name: str) -> dict[str, object]:
    rows = translations.status(obj)
    for row in rows:
        row["url"] = reverse(url_name, args=[obj.pk, row["code"]])
    return {"rows": rows}
