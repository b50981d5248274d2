"""Structured text: reading Markdown and DOCX into blocks, numbering them, matching them to
the anchors of the previous version, and diffing two versions. Pure functions; no writes.
"""

import difflib
import html
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from .models import Paragraph

KEY_RE = re.compile(r"\s*\{#([a-z0-9]{4,12})\}\s*$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")
LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
LEADING_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
PARAGRAPH_NUMBER_RE = re.compile(r"^\d+\.\s+")
MAX_BLOCKS = 5000
MAX_BLOCK_CHARS = 20_000


@dataclass
class Block:
    """One section heading (level ≥ 1) or paragraph (level 0) read from a source."""

    kind: str  # "section" | "paragraph"
    text: str
    level: int = 0
    key: str = ""
    number: str = ""
    section_index: int | None = None  # index of the enclosing section block
    anchor_id: int | None = field(default=None, repr=False)


def _split_key(text: str) -> tuple[str, str]:
    match = KEY_RE.search(text)
    if match:
        return text[: match.start()].strip(), match.group(1)
    return text.strip(), ""


def parse_markdown(source: str) -> list[Block]:
    """Headings (#, ##, …) become sections; blank-line separated text and list items become paragraphs.

    A trailing ``{#key}`` (as written by the export) keeps a block's identity.
    """
    blocks: list[Block] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            text, key = _split_key(html.unescape(" ".join(s.strip() for s in buffer)))
            if text:
                blocks.append(Block("paragraph", text, 0, key))
            buffer.clear()

    for line in source.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.lstrip().startswith("<!--") and line.rstrip().endswith("-->"):
            continue  # a comment line, e.g. the title our export writes
        heading = HEADING_RE.match(line)
        item = LIST_RE.match(line)
        if heading:
            flush()
            text, key = _split_key(html.unescape(heading.group(2)))
            text = LEADING_NUMBER_RE.sub("", text)
            if text:
                blocks.append(Block("section", text, len(heading.group(1)), key))
        elif not line.strip():
            flush()
        elif item:
            flush()
            buffer.append(item.group(1))
            flush()
        else:
            buffer.append(line)
    flush()
    return _checked(blocks)


def parse_docx(data: bytes) -> list[Block]:
    """Word headings (Title, Heading 1–6) become sections; other non-empty paragraphs become paragraphs."""
    from tutela.core import files

    if not data.startswith(files.ZIP_MAGIC):
        raise ValidationError({"file": _("This file is not a Word document (.docx). Save it as .docx and try again.")})
    try:
        files.check_package(io.BytesIO(data), "docx")  # size, ratio, entries and no DOCTYPE, before parsing
    except files.FileProblem as exc:
        raise ValidationError({"file": _("This file cannot be read as a Word document (.docx). %(why)s")
                               % {"why": exc.message}}) from exc
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, Exception) as exc:  # python-docx raises several kinds
        raise ValidationError(
            {"file": _("This file could not be read as a Word document (.docx). Save it as .docx and try again.")}
        ) from exc
    blocks: list[Block] = []
    for para in document.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        text, key = _split_key(para.text)
        if not text:
            continue
        level = 0
        if style == "Title":
            continue  # the document's title, not part of its structure
        if style.startswith("Heading "):
            try:
                level = max(1, min(6, int(style.split(" ", 1)[1])))
            except ValueError:
                level = 1
        if level:
            blocks.append(Block("section", LEADING_NUMBER_RE.sub("", text), level, key))
        else:
            # Our own export writes "12. " before each paragraph; its number is ours to recompute.
            blocks.append(Block("paragraph", PARAGRAPH_NUMBER_RE.sub("", text) if key else text, 0, key))
    return _checked(blocks)


def _checked(blocks: list[Block]) -> list[Block]:
    if not blocks:
        raise ValidationError({"source": _("The text is empty: give at least one heading or paragraph.")})
    if len(blocks) > MAX_BLOCKS:
        raise ValidationError({"source": _("The text has more than %(n)s paragraphs; split it.") % {"n": MAX_BLOCKS}})
    for block in blocks:
        if len(block.text) > MAX_BLOCK_CHARS:
            raise ValidationError(
                {"source": _("A paragraph is longer than %(n)s characters (it begins “%(start)s”); split it.")
                 % {"n": MAX_BLOCK_CHARS, "start": block.text[:40]}}
            )
    number(blocks)
    return blocks


def number(blocks: list[Block]) -> None:
    """Sections get hierarchical numbers (1, 1.2, 1.2.1); paragraphs run 1…N through the document."""
    counters: list[int] = []
    stack: list[tuple[int, int]] = []  # (level, block index)
    paragraphs = 0
    for i, block in enumerate(blocks):
        if block.kind == "section":
            depth = block.level
            while len(counters) < depth:
                counters.append(0)
            del counters[depth:]
            counters[depth - 1] += 1
            for j in range(depth - 1):
                counters[j] = counters[j] or 1
            block.number = ".".join(str(c) for c in counters)
            while stack and stack[-1][0] >= depth:
                stack.pop()
            block.section_index = stack[-1][1] if stack else None
            stack.append((depth, i))
        else:
            paragraphs += 1
            block.number = str(paragraphs)
            block.section_index = stack[-1][1] if stack else None


def normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def match_anchors(blocks: list[Block], previous: list[tuple[int, str, str, str]],
                  compared: Callable[[int], None] | None = None) -> None:
    """Give each block the anchor id of the previous version's paragraph it continues.

    ``previous`` is ``[(anchor_id, key, kind, text)]``. Order of preference: an explicit
    ``{#key}``; the same text; the most similar text of the same kind (ratio ≥ 0.6). Blocks
    left over are new (``anchor_id`` None); previous paragraphs left over were deleted.
    ``compared(n)``, if given, is told after each block how many blocks have been through the
    similarity pass (the slow part: a job's progress).
    """
    by_key = {key: (aid, kind) for aid, key, kind, _t in previous}
    used: set[int] = set()
    for block in blocks:
        hit = by_key.get(block.key) if block.key else None
        if hit and hit[0] not in used and hit[1] == block.kind:
            block.anchor_id = hit[0]
            used.add(hit[0])
    by_text: dict[tuple[str, str], list[int]] = {}
    for aid, _key, kind, text in previous:
        if aid not in used:
            by_text.setdefault((kind, normalised(text)), []).append(aid)
    for block in blocks:
        if block.anchor_id is None:
            candidates = [a for a in by_text.get((block.kind, normalised(block.text)), []) if a not in used]
            if candidates:
                block.anchor_id = candidates[0]
                used.add(candidates[0])
    left = [(aid, kind, text.split()) for aid, _key, kind, text in previous if aid not in used]
    pairs: list[tuple[float, int, int]] = []
    for i, block in enumerate(blocks):
        if compared is not None:
            compared(i)
        if block.anchor_id is not None:
            continue
        words = block.text.split()
        for aid, kind, old in left:
            if kind != block.kind:
                continue
            matcher = difflib.SequenceMatcher(None, old, words, autojunk=False)
            shorter = min(len(old), len(words))
            # Either the texts are alike overall (ratio), or one is the other with words added or
            # removed around it (coverage of the shorter one), as when a sentence is extended.
            if matcher.quick_ratio() < 0.6 and (shorter < 4 or matcher.quick_ratio() * (len(old) + len(words)) / 2 < 0.8 * shorter):
                continue
            ratio = matcher.ratio()
            coverage = sum(b.size for b in matcher.get_matching_blocks()) / shorter if shorter >= 4 else 0.0
            score = max(ratio, 0.9 * coverage if coverage >= 0.8 else 0.0)
            if score >= 0.6:
                pairs.append((score, i, aid))
    if compared is not None:
        compared(len(blocks))
    for _ratio, i, aid in sorted(pairs, key=lambda p: (-p[0], p[1])):
        if blocks[i].anchor_id is None and aid not in used:
            blocks[i].anchor_id = aid
            used.add(aid)


TOKEN_RE = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff_html(old: str, new: str) -> str:
    """Escaped HTML of ``new`` with deletions in <del> and insertions in <ins>."""
    a, b = TOKEN_RE.findall(old), TOKEN_RE.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(out)


# What happened to a paragraph between two versions, as a reader is told it (badges, the report's list).
CHANGE_LABELS = {"new": gettext_lazy("new"), "deleted": gettext_lazy("deleted"), "edited": gettext_lazy("edited"),
                 "moved": gettext_lazy("moved"), "renumbered": gettext_lazy("renumbered")}


def change_labels(changes: list[str]) -> list[str]:
    """The change keys ("edited", "renumbered") in the active language."""
    return [str(CHANGE_LABELS.get(c, c)) for c in changes]


@dataclass
class DiffRow:
    """One anchor's fate between two versions."""

    anchor_id: int
    old: "Paragraph | None"  # in the older version
    new: "Paragraph | None"  # in the newer version
    changes: list[str]  # of "new", "deleted", "edited", "moved", "renumbered"
    html: str = ""
    comments: list = field(default_factory=list)

    @property
    def change_labels(self) -> list[tuple[str, str]]:
        """Each change as (key, label in the active language), for the badges."""
        return list(zip(self.changes, change_labels(self.changes), strict=True))

    @property
    def changed(self) -> bool:
        """A change of text or place; renumbering alone follows from changes elsewhere."""
        return bool(set(self.changes) - {"renumbered"})

    @property
    def label(self) -> str:
        if self.old is not None and self.new is not None and self.old.number != self.new.number:
            return f"{self.old.label} → {self.new.label}"
        paragraph = self.new or self.old
        assert paragraph is not None  # a row has at least one side
        return paragraph.label


def diff_versions(old_paragraphs: list, new_paragraphs: list) -> list[DiffRow]:
    """Paragraph-level diff by anchor, with word-level HTML for edited text.

    Rows follow the newer version's order; a deleted paragraph appears after the row of the
    paragraph that preceded it in the older version.
    """
    old_by_anchor = {p.anchor_id: p for p in old_paragraphs}
    new_by_anchor = {p.anchor_id: p for p in new_paragraphs}
    common_old = [p.anchor_id for p in old_paragraphs if p.anchor_id in new_by_anchor]
    common_new = [p.anchor_id for p in new_paragraphs if p.anchor_id in old_by_anchor]
    matcher = difflib.SequenceMatcher(None, common_old, common_new, autojunk=False)
    in_place = set()
    for block in matcher.get_matching_blocks():
        in_place.update(common_new[block.b : block.b + block.size])
    rows: list[DiffRow] = []
    for p in new_paragraphs:
        old = old_by_anchor.get(p.anchor_id)
        if old is None:
            rows.append(DiffRow(p.anchor_id, None, p, ["new"], escape(p.text)))
            continue
        changes = []
        if normalised(old.text) != normalised(p.text):
            changes.append("edited")
        if p.anchor_id not in in_place:
            changes.append("moved")
        if old.number != p.number:
            changes.append("renumbered")
        html = word_diff_html(old.text, p.text) if "edited" in changes else escape(p.text)
        rows.append(DiffRow(p.anchor_id, old, p, changes, html))
    # Place deletions after their predecessor in the old order.
    position = {row.anchor_id: i for i, row in enumerate(rows)}
    inserts: list[tuple[int, int, DiffRow]] = []
    previous_anchor = None
    for order, p in enumerate(old_paragraphs):
        if p.anchor_id not in new_by_anchor:
            at = position.get(previous_anchor, -1) + 1 if previous_anchor is not None else 0
            inserts.append((at, order, DiffRow(p.anchor_id, p, None, ["deleted"], f"<del>{escape(p.text)}</del>")))
        else:
            previous_anchor = p.anchor_id
    for at, _order, row in sorted(inserts, key=lambda t: (t[0], t[1]), reverse=True):
        rows.insert(at, row)
    return rows
