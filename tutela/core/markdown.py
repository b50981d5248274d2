"""Record text written into Markdown files: raw HTML and script links never survive.

A Markdown file we export is opened by other tools (a wiki, a Git host, an editor's preview)
that render HTML inside it and follow its links. Text from records is data, so before it is
written into Markdown:

- ``&``, ``<`` and ``>`` become entities: ``<script>``, ``<img onerror=…>``, ``<!-- -->`` and
  autolinks such as ``<javascript:…>`` are shown as text, never parsed as markup;
- a link or image whose destination uses the ``javascript:``, ``vbscript:`` or ``data:`` scheme
  (in any case, with spaces or control characters inside) keeps its label and loses its link;
  a reference definition with such a destination is reduced to its label.

Importers that read our Markdown back decode the entities (``html.unescape``), so a round trip
keeps the text.
"""

import re

UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")

# [label](destination "title") and ![alt](destination): the label may hold escaped brackets.
# The destination may hold one level of balanced parentheses, as in javascript:alert(1).
_INLINE_LINK = re.compile(r"(!?)\[((?:\\.|[^\[\]\\])*)\]\(((?:[^()]|\([^()]*\))*)\)")
# [label]: destination  (a reference definition)
_REFERENCE = re.compile(r"^ {0,3}\[((?:\\.|[^\]\\])+)\]:\s*(\S+).*$", re.MULTILINE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def is_unsafe_url(url: str) -> bool:
    """Would a browser run (or load inline) this link? Whitespace and control characters are
    ignored, as browsers do, and so is a leading ``<``."""
    squeezed = _INVISIBLE.sub("", url).lstrip("<").lower()
    return squeezed.startswith(UNSAFE_SCHEMES)


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def drop_unsafe_links(text: str) -> str:
    def inline(match: re.Match) -> str:
        return match.group(2) if is_unsafe_url(match.group(3)) else match.group(0)

    text = _INLINE_LINK.sub(inline, text)
    return _REFERENCE.sub(lambda m: m.group(1) if is_unsafe_url(m.group(2)) else m.group(0), text)


def safe_markdown_text(text: str) -> str:
    """Record text made safe to write into a Markdown file (see the module docstring)."""
    return drop_unsafe_links(escape_html(text or ""))
