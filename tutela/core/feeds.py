"""Atom feeds in the page's language (issue 18): a record's title and summary as ``core.translations`` shows them
in ``/fr/…/feed.atom``, and an entry whose title falls back to English says so with ``xml:lang="en"`` (RFC 4287
section 2: any element may carry it), as the pages mark such text ``lang="en"``."""

from typing import Any

from django.contrib.syndication.views import Feed
from django.db import models
from django.utils.feedgenerator import Atom1Feed

from . import translations


class LanguageAtom1Feed(Atom1Feed):
    """Atom whose entries may carry their own ``xml:lang`` (an ``add_item(..., lang=…)``)."""

    def item_attributes(self, item: dict[str, Any]) -> dict[str, str]:
        attributes = super().item_attributes(item)
        if item.get("lang"):
            attributes["xml:lang"] = item["lang"]
        return attributes


class TranslatedFeed(Feed):
    """A feed of records with ``TRANSLATED_FIELDS``: ``shown(item, field)`` is the text to write, the feed's
    language is the page's, and an entry whose title is the English fallback is marked ``xml:lang="en"``."""

    feed_type = LanguageAtom1Feed  # the feed's own xml:lang is the page's language (Feed's default)

    @staticmethod
    def shown(item: models.Model, field: str) -> str:
        return str(translations.shown(item, field))

    def item_extra_kwargs(self, item: models.Model) -> dict[str, Any]:
        extra = super().item_extra_kwargs(item)
        if translations.shown(item, "title").fallback:
            extra["lang"] = "en"
        return extra
