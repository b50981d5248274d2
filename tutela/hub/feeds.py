"""Atom (RFC 4287) feeds of the public records, through Django's syndication framework.

Each entry's id is a tag URI (RFC 4151) made of the record's kind and primary key only, so it
never changes when a title or the site's address does. The resources feed is library's and the
bulletins' archive feeds are bulletins'; the hub's feeds page lists them with these.
"""

from collections.abc import Callable

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page
from django.views.decorators.vary import vary_on_cookie

from tutela.activities.models import Activity
from tutela.consultations.models import Consultation
from tutela.coordination.models import Document
from tutela.core.feeds import TranslatedFeed

LIMIT = 50
MAX_AGE = 15 * 60  # seconds a reader may keep a feed or a calendar before asking again


def subscription(view: Callable) -> Callable:
    """What a feed or a calendar subscription answers with besides its body, through Django's decorators:
    ``Cache-Control: max-age`` (readers poll; a record published now shows within ``MAX_AGE``),
    ``Vary: Cookie`` (the language may come from a cookie; ``LocaleMiddleware`` adds ``Accept-Language``),
    and, for a body that is the same from one request to the next (an Atom feed), an ``ETag`` of the body
    with ``304 Not Modified`` to a reader that sends it back (``conditional_page``). An iCalendar body
    changes every second (``DTSTAMP`` is the time it was written, RFC 5545 3.8.7.2 with ``METHOD``), so
    its ETag would never match: the calendars take only the first two."""
    return conditional_page(cache_control(max_age=MAX_AGE)(vary_on_cookie(view)))


def tag(kind: str, pk: int) -> str:
    return f"tag:tutela,2026:{kind}/{pk}"


def _label(choices, value: str) -> str:
    """A stored choice's label; a value no longer among the choices is shown as stored."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class _AtomFeed(Feed):
    feed_type = Atom1Feed
    item_guid_is_permalink = False
    kind = ""

    def item_guid(self, item) -> str:
        return tag(self.kind, item.pk)


class _TranslatedAtomFeed(TranslatedFeed, _AtomFeed):
    """An ``_AtomFeed`` (its ids) of translatable records, in the page's language (``TranslatedFeed`` first: its
    generator writes each entry's ``xml:lang``)."""


class ActivityFeed(_TranslatedAtomFeed):
    title = _("Tutela: activities")
    subtitle = _("Published activities, newest first.")
    kind = "activities/activity"

    def link(self) -> str:
        return reverse("activities:activity_list")

    def items(self):
        return Activity.objects.public().only("pk", "title", "summary", "translations", "kind", "starts_on",
                                              "created_at", "updated_at").order_by("-created_at", "-pk")[:LIMIT]

    def item_title(self, item: Activity) -> str:
        return f"{self.shown(item, 'title')} ({item.starts_on:%Y-%m-%d})"

    def item_description(self, item: Activity) -> str:
        return self.shown(item, "summary")

    def item_link(self, item: Activity) -> str:
        return reverse("activities:activity_detail", args=[item.pk])

    def item_categories(self, item: Activity) -> list[str]:
        # The label from the choices themselves: get_kind_display() hashes every lazy label on each call.
        return [str(_label(Activity.Kind, item.kind))]

    def item_pubdate(self, item: Activity):
        return item.created_at

    def item_updateddate(self, item: Activity):
        return item.updated_at


class DocumentFeed(_AtomFeed):
    title = _("Tutela: coordination documents")
    subtitle = _("Public documents of the coordination bodies' registries, newest first.")
    kind = "coordination/document"

    def link(self) -> str:
        return reverse("coordination:registry")

    def items(self):
        return Document.objects.public().select_related("body").order_by("-registered_at", "-pk")[:LIMIT]

    def item_title(self, item: Document) -> str:
        if item.is_withdrawn:
            return gettext("%(label)s: %(title)s — withdrawn") % {"label": item.label, "title": item.title}
        return f"{item.label}: {item.title}"

    def item_description(self, item: Document) -> str:
        kind = _label(Document.Kind, item.kind)
        return f"{item.body.name}. {kind}, {item.document_date:%Y-%m-%d}. Source: {item.source}."

    def item_link(self, item: Document) -> str:
        return reverse("coordination:document_detail", args=[item.pk])

    def item_pubdate(self, item: Document):
        return item.registered_at

    def item_updateddate(self, item: Document):
        return item.registered_at


class ConsultationFeed(_TranslatedAtomFeed):
    title = _("Tutela: consultations")
    subtitle = _("Public consultations on guidelines, newest first.")
    kind = "consultations/consultation"

    def link(self) -> str:
        return reverse("consultations:consultation_list")

    def items(self):
        return Consultation.objects.public().order_by("-opens_at", "-pk")[:LIMIT]

    def item_title(self, item: Consultation) -> str:
        return self.shown(item, "title")

    def item_description(self, item: Consultation) -> str:
        window = gettext("Open from %(start)s to %(end)s.") % {"start": f"{item.opens_at:%Y-%m-%d}",
                                                               "end": f"{item.closes_at:%Y-%m-%d}"}
        return f"{self.shown(item, 'summary')}\n\n{window}".strip()

    def item_link(self, item: Consultation) -> str:
        return reverse("consultations:consultation_detail", args=[item.pk])

    def item_pubdate(self, item: Consultation):
        return item.created_at

    def item_updateddate(self, item: Consultation):
        return item.opens_at
