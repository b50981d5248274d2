"""Atom (RFC 4287) feed of the published resources, through Django's syndication framework."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tutela.core.feeds import TranslatedFeed

from .models import Resource


class ResourceFeed(TranslatedFeed):
    title = _("Tutela: resources")
    subtitle = _("Guidelines, kits, leaflets, videos and courses, newest first.")

    def link(self) -> str:
        return reverse("library:resource_list")

    def items(self):
        # The public's view only: a feed is read anonymously and cached by readers.
        return Resource.objects.public().order_by("-created_at", "-pk")[:50]

    def item_title(self, item: Resource) -> str:
        return self.shown(item, "title")

    def item_description(self, item: Resource) -> str:
        return self.shown(item, "summary")

    def item_link(self, item: Resource) -> str:
        return reverse("library:resource_detail", args=[item.pk])

    def item_guid(self, item: Resource) -> str:
        # A stable id that never changes when the title or the site's address does (RFC 4287 4.2.6).
        return f"tag:tutela,2026:library/resource/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Resource):
        return item.created_at

    def item_updateddate(self, item: Resource):
        return item.created_at
