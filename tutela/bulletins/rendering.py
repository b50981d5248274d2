"""A bulletin's text: a small, safe Markdown (raw HTML is shown as text), blocks drawn from the
published records, and the message each recipient gets (HTML + plain text, list headers).

The Markdown understood: paragraphs, ``#``/``##``/``###`` headings, ``-``/``*`` and ``1.`` lists,
``**bold**``, ``*emphasis*`` and ``[label](link)``. Text goes through ``tutela.core.markdown``
first, so ``<script>`` and friends arrive as text and ``javascript:`` links lose their link. A link
that starts with ``/`` is a page of this site and is written with ``SITE_URL``.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override

from tutela.core import translations
from tutela.core.markdown import escape_html, is_unsafe_url

LINK = re.compile(r"\[((?:\\.|[^\[\]\\])*)\]\(\s*([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\s*\)")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
EM = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\*)")
HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


class TemplateProblem(ValueError):
    """The Markdown cannot be turned into a bulletin (an unclosed link, say)."""


def absolute(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


def links(markdown: str) -> list[tuple[str, str]]:
    """(label, destination) of every Markdown link, in order."""
    return [(m.group(1), m.group(2)) for m in LINK.finditer(markdown or "")]


def _inline_html(text: str) -> str:
    out, last = [], 0
    for match in LINK.finditer(text):
        out.append(_emphasis(text[last:match.start()]))
        label, url = match.group(1), html.unescape(match.group(2))
        if is_unsafe_url(url) or not url:
            out.append(_emphasis(label))
        else:
            out.append(f'<a href="{html.escape(absolute(url), quote=True)}">{_emphasis(label)}</a>')
        last = match.end()
    out.append(_emphasis(text[last:]))
    return "".join(out)


def _emphasis(text: str) -> str:
    return EM.sub(r"<em>\1</em>", BOLD.sub(r"<strong>\1</strong>", text.replace('"', "&quot;")))


def _blocks(markdown: str) -> list[list[str]]:
    paragraphs: list[list[str]] = [[]]
    for line in (markdown or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            paragraphs[-1].append(line.rstrip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def to_html(markdown: str) -> str:
    """Safe HTML for the Markdown subset above (``&``, ``<``, ``>`` escaped first)."""
    parts = []
    for lines in _blocks(escape_html(markdown)):
        if lines[0].count("[") > lines[0].count("]") and "](" not in "".join(lines):
            raise TemplateProblem(_("A link is not closed: “%(l)s”.") % {"l": html.unescape(lines[0])[:80]})
        heading = HEADING.match(lines[0])
        if heading and len(lines) == 1:
            level = len(heading.group(1)) + 1
            parts.append(f"<h{level}>{_inline_html(heading.group(2))}</h{level}>")
        elif all(bullets := [BULLET.match(line) for line in lines]):
            parts.append("<ul>" + "".join(f"<li>{_inline_html(m.group(1))}</li>" for m in bullets if m) + "</ul>")
        elif all(numbered := [NUMBERED.match(line) for line in lines]):
            parts.append("<ol>" + "".join(f"<li>{_inline_html(m.group(1))}</li>" for m in numbered if m) + "</ol>")
        else:
            parts.append("<p>" + "<br>\n".join(_inline_html(line.strip()) for line in lines) + "</p>")
    return "\n".join(parts)


def to_text(markdown: str) -> str:
    """The plain-text alternative: the Markdown with each link written out after its label."""
    def link(match: re.Match) -> str:
        url = match.group(2)
        if is_unsafe_url(url) or not url:
            return match.group(1)
        return f"{match.group(1)} <{absolute(url)}>"

    text = LINK.sub(link, (markdown or "").replace("\r\n", "\n"))
    return BOLD.sub(r"\1", text).strip()


# --- Blocks drawn from the records ------------------------------------------------------------

@dataclass
class Item:
    """One record in a block. ``english``: its title is shown in English in a bulletin of another language
    (not translated yet), so the line is marked ``lang="en" dir="ltr"``."""

    title: str
    url: str
    meta: str = ""
    english: bool = False

    @property
    def attrs(self) -> SafeString:
        return mark_safe(' lang="en" dir="ltr"') if self.english else mark_safe("")


@dataclass
class Block:
    kind: str
    heading: str
    items: list[Item] = field(default_factory=list)


def _since(value: date | None) -> datetime:
    day = value or (timezone.localdate() - timedelta(days=30))
    return timezone.make_aware(datetime.combine(day, time.min))


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def block(kind: str, since: date | None) -> Block:
    """The public records of one kind since a date (what anonymous readers can see), their titles in the
    active language (the bulletin's: ``core.translations``), or in English where not translated."""
    from tutela.activities.models import Activity
    from tutela.consultations.models import Consultation, GuidelineVersion
    from tutela.figures.models import Figure

    start = _since(since)
    labels = dict(_block_labels())
    result = Block(kind=kind, heading=labels.get(kind, kind))
    if kind == "activities":
        for a in Activity.objects.public().filter(created_at__gte=start).order_by("starts_on", "pk")[:20]:
            title = translations.shown(a, "title")
            result.items.append(Item(title.text, _url("activities:activity_detail", a.pk),
                                     f"{a.get_kind_display()} · {date_format(a.starts_on, 'DATE_FORMAT')}",
                                     english=title.fallback))
    elif kind == "documents":
        versions = GuidelineVersion.objects.public().filter(published_at__gte=start).select_related("document")
        for v in versions.order_by("published_at", "pk")[:20]:
            title = translations.shown(v.document, "title")
            result.items.append(Item(f"{title.text} — {v.label}", _url("consultations:version", v.pk),
                                     date_format(v.published_at, "DATE_FORMAT"), english=title.fallback))
    elif kind == "consultations":
        now = timezone.now()
        public = Consultation.objects.public()
        opening = public.filter(opens_at__gte=start, opens_at__lte=now + timedelta(days=30))
        closing = public.filter(closes_at__gte=now, closes_at__lte=now + timedelta(days=30))
        for c in (opening | closing).distinct().order_by("closes_at", "pk")[:20]:
            state = _("opens %(d)s") % {"d": date_format(c.opens_at, "DATE_FORMAT")} if c.opens_at > now else \
                _("closes %(d)s") % {"d": date_format(c.closes_at, "DATE_FORMAT")}
            title = translations.shown(c, "title")
            result.items.append(Item(title.text, _url("consultations:consultation_detail", c.pk), state,
                                     english=title.fallback))
    elif kind == "figures":
        for f in Figure.objects.public().filter(created_at__gte=start).select_related("indicator").order_by("as_of", "pk")[:20]:
            result.items.append(Item(f"{f.indicator.name}: {number_format(f.value.normalize(), force_grouping=True)} {f.indicator.unit}",
                                     _url("figures:figure_detail", f.pk),
                                     f"{f.get_kind_display()} · {f.get_measure_display()} · {date_format(f.as_of, 'DATE_FORMAT')}"))
    return result


def _block_labels():
    from .models import Bulletin

    return Bulletin.Block.choices


# --- The message ------------------------------------------------------------------------------

@dataclass
class Content:
    """What one language version looks like, before the recipient's links are added. ``english``: the
    texts shown in English because they are not translated into ``language`` (pages note them)."""

    language: str
    subject: str
    html: str
    text: str
    fragment: str
    english: tuple[str, ...] = ()


def content(bulletin: Any, language: str) -> Content:
    """The bulletin in ``language`` when it is translated into it (``core.translations``; a text not
    translated stays English, marked ``lang="en"``), otherwise in English; with its blocks."""
    used = language if language in (bulletin.translations or {}) else "en"
    subject, body = translations.shown(bulletin, "subject", used), translations.shown(bulletin, "body", used)
    with override(used):
        blocks = [block(kind, bulletin.blocks_since) for kind in bulletin.blocks]
        senders = [o.acronym or o.name for o in bulletin.organisations.all()]
        context = {"subject": subject.text, "subject_attrs": subject.attrs, "body_html": to_html(body.text),
                   "body_attrs": body.attrs, "blocks": blocks, "senders": senders,
                   "list": bulletin.mailing_list, "language": used, "site_url": settings.SITE_URL}
        fragment = render_to_string("bulletins/_content.html", context)
        page = render_to_string("bulletins/mail_body.html", {**context, "fragment": fragment})
        text = render_to_string("bulletins/mail_body.txt", {**context, "body_text": to_text(body.text)})
    # Plain strings: the text part must be escaped wherever a page shows it.
    return Content(language=used, subject=subject.text, html="".join([page]), text="".join([text]),
                   fragment="".join([fragment]), english=tuple(s for s, shown in (("subject", subject), ("body", body))
                                                               if shown.fallback))


def mail_domain() -> str:
    configured = getattr(settings, "BULLETINS_MAIL_DOMAIN", "")
    if configured:
        return configured
    address = re.search(r"@([^>\s]+)", settings.DEFAULT_FROM_EMAIL)
    return address.group(1) if address else (urlsplit(settings.SITE_URL).hostname or "localhost")
