"""Links to records of other apps that may not have pages yet, and small display helpers."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

register = template.Library()


def safe_url(name: str, *args) -> str:
    """The URL of ``name``, or "" while the page does not exist (another app not built yet)."""
    if not name:
        return ""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def org_link(org):
    url = safe_url("partners:organisation_detail", org.pk)
    label = str(org)
    return format_html('<a href="{}">{}</a>', url, label) if url else format_html("{}", label)


@register.simple_tag
def deliverable_link(deliverable):
    url = safe_url("initiatives:deliverable_detail", deliverable.pk)
    return format_html('<a href="{}">{}</a>', url, deliverable.title) if url else format_html("{}", deliverable.title)


@register.simple_tag
def url_or_empty(name, *args):
    return safe_url(name, *args)


@register.filter
def kind_label(kind):
    """``<span class="kind estimated">estimated</span>`` for a figure kind value."""
    from tutela.core.choices import FigureKind

    try:
        word = FigureKind.word(kind)
    except ValueError:
        return ""
    return format_html('<span class="kind {}">{}</span>', kind, word)


SUBJECT_URLS = {
    "activities.activity": "activities:activity_detail",
    "activities.project": "activities:project_detail",
    "activities.occasion": "activities:occasion_detail",
    "partners.organisation": "partners:organisation_detail",
    "initiatives.deliverable": "initiatives:deliverable_detail",
}


@register.simple_tag
def subject_link(figure):
    """The record a figure is about, linked when it has a page; nothing if the viewer may not read it."""
    subject = getattr(figure, "shown_subject", None)
    if subject is None:
        return ""
    url = safe_url(SUBJECT_URLS.get(subject._meta.label_lower, ""), subject.pk)
    if not url and hasattr(subject, "get_absolute_url"):
        url = subject.get_absolute_url()
    label = str(subject)
    return format_html('<a href="{}">{}</a>', url, label) if url else format_html("{}", label)


@register.filter
def number(value):
    """A figure's value without trailing zeros, with thousands separators: 15000.00 → 15,000."""
    if value is None:
        return ""
    v = float(value)
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}".rstrip("0").rstrip(".")
