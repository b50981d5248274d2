"""A direct PDF writer for long reports: the same page as the WeasyPrint one, in a fraction of the time.

WeasyPrint lays out a report of thousands of paragraphs (over a thousand A4 pages) in about a
minute, most of it in its general CSS box layout. A report is simple typography: a header
block, a centred title, numbered justified paragraphs, bullets, optional section headings and
page numbers. This module sets exactly that with the DejaVu Sans fonts WeasyPrint uses,
measuring words from the font's own advance widths, and writes the PDF with pydyf (WeasyPrint's
own PDF library), embedding a subset of each font and a ToUnicode map so the text can be
searched, copied and extracted.

It handles scripts that need no shaping (Latin, Greek, Cyrillic and common symbols). A text with
anything else (Arabic, Hebrew, Indic, CJK …) or a character the font lacks is left to
WeasyPrint: ``can_set`` says which. Record text is written as glyph ids, never as PDF syntax, so
hostile text stays text.
"""

from __future__ import annotations

import io
import unicodedata
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/TTF", "/usr/share/fonts/dejavu",
             "/usr/local/share/fonts", "/Library/Fonts"]
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}

# A4 and the print stylesheet of report_pdf.html, in points.
PAGE_W, PAGE_H = 595.276, 841.89
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 56.693, 56.693, 62.362
BODY, LEADING = 10.5, 10.5 * 1.45
SMALL, SMALL_LEADING = 9.5, 9.5 * 1.45
TITLE, TITLE_LEADING = 14.0, 14.0 * 1.3
H2, H2_LEADING = 11.5, 11.5 * 1.3
BLUE = (0.043, 0.361, 0.678)
GREY, INK = 0.27, 0.067


def _font_path(name: str) -> Path | None:
    for folder in FONT_DIRS:
        path = Path(folder) / FONT_FILES[name]
        if path.is_file():
            return path
    return None


_BIDI_CONTROLS = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def _settable(cp: int) -> bool:
    """Characters that are set left to right one glyph each, without shaping or bidi reordering."""
    return ((cp < 0x0590 or 0x1D00 <= cp < 0x2C00 or 0x2C60 <= cp < 0x2C80 or 0xA720 <= cp < 0xA800
             or 0xFB00 <= cp < 0xFB07) and cp not in _BIDI_CONTROLS)


class Font:
    """One TrueType font: glyph ids and advance widths (in 1/1000 em) of the characters used."""

    def __init__(self, key: str, path: Path):
        from fontTools.ttLib import TTFont

        self.key, self.path = key, path
        tt = TTFont(str(path), lazy=True)
        self.upem = tt["head"].unitsPerEm
        scale = 1000 / self.upem
        order = {name: gid for gid, name in enumerate(tt.getGlyphOrder())}
        metrics = tt["hmtx"].metrics
        self.cmap = {cp: order[name] for cp, name in tt.getBestCmap().items()}
        self.advance = {gid: metrics[name][0] * scale for name, gid in order.items()}
        head, hhea, os2 = tt["head"], tt["hhea"], tt["OS/2"]
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.ascent, self.descent = round(hhea.ascent * scale), round(hhea.descent * scale)
        self.cap_height = round(getattr(os2, "sCapHeight", 0) * scale) or self.ascent
        self.italic_angle = tt["post"].italicAngle
        self.space = self.cmap[32]

    def can_set_all(self, chars: set[str]) -> bool:
        return all(_settable(ord(ch)) and ord(ch) in self.cmap for ch in chars if ch not in "\n\t\r")


@lru_cache(maxsize=2)
def _font(key: str) -> Font | None:
    path = _font_path(key)
    return Font(key, path) if path else None


def available() -> bool:
    return _font("regular") is not None and _font("bold") is not None


class _Face:
    """A font as used in one document: words encoded and measured once, glyphs used remembered."""

    def __init__(self, font: Font, name: str):
        self.font, self.name = font, name
        self.used: dict[int, str] = {0: "", font.space: " "}
        self.words: dict[str, tuple[str, float]] = {}

    def word(self, word: str) -> tuple[str, float]:
        """(hex glyph string, width in 1/1000 em)."""
        known = self.words.get(word)
        if known is None:
            cmap, advance, used = self.font.cmap, self.font.advance, self.used
            gids = [cmap.get(ord(ch), 0) for ch in word]
            for gid, ch in zip(gids, word, strict=True):
                if gid not in used:
                    used[gid] = ch
            known = self.words[word] = ("".join(f"{g:04x}" for g in gids), sum(advance[g] for g in gids))
        return known


def _words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


class _Layout:
    def __init__(self, regular: _Face, bold: _Face):
        self.regular, self.bold = regular, bold
        self.pages: list[list[str]] = []
        self.ops: list[str] = []
        self.y = 0.0
        self.space = {id(regular): regular.font.advance[regular.font.space],
                      id(bold): bold.font.advance[bold.font.space]}
        self.new_page()

    def new_page(self) -> None:
        self.ops = []
        self.pages.append(self.ops)
        self.y = PAGE_H - MARGIN_TOP

    def room(self, height: float) -> None:
        if self.y - height < MARGIN_BOTTOM:
            self.new_page()

    def wrap(self, words: list[str], face: _Face, size: float, width: float) -> list[list[tuple[str, float]]]:
        """Greedy line breaking; a word wider than the line is broken between characters."""
        limit = width * 1000 / size
        space = self.space[id(face)]
        lines: list[list[tuple[str, float]]] = []
        line: list[tuple[str, float]] = []
        used = 0.0
        for w in words:
            hexed, wide = face.word(w)
            if wide > limit:
                pieces, piece = [], ""
                for ch in w:
                    if piece and face.word(piece + ch)[1] > limit:
                        pieces.append(piece)
                        piece = ""
                    piece += ch
                pieces.append(piece)
            else:
                pieces = [w]
            for piece in pieces:
                hexed, wide = face.word(piece)
                if line and used + space + wide > limit:
                    lines.append(line)
                    line, used = [], 0.0
                used += (space if line else 0) + wide
                line.append((hexed, wide))
        if line:
            lines.append(line)
        return lines

    def line(self, face: _Face, size: float, x: float, baseline: float, line: list[tuple[str, float]],
             width: float, align: str) -> None:
        space = self.space[id(face)]
        natural = sum(w for _, w in line) + space * (len(line) - 1)
        gap_adjust = ""
        if align == "justify" and len(line) > 1:
            extra = width * 1000 / size - natural
            gap_adjust = f"{-extra / (len(line) - 1):.2f}"
        elif align == "right":
            x += width - natural * size / 1000
        elif align == "center":
            x += (width - natural * size / 1000) / 2
        sp = f"{face.font.space:04x}"
        if gap_adjust:
            body = f"{sp}> {gap_adjust} <".join(h for h, _ in line)
        else:
            body = sp.join(h for h, _ in line)
        self.ops.append(f"BT /{face.name} {size:g} Tf 1 0 0 1 {x:.2f} {baseline:.2f} Tm [<{body}>] TJ ET")

    def block(self, text: str, *, face: _Face, size: float, leading: float, x: float, width: float,
              align: str = "left", label: str = "", label_right: float = 0.0, colour: float = INK,
              keep_with_next: float = 0.0) -> None:
        lines = self.wrap(_words(text), face, size, width) or [[]]
        for i, words in enumerate(lines):
            self.room(leading + (keep_with_next if i == len(lines) - 1 else 0))
            baseline = self.y - (leading + size * 0.72) / 2
            if colour != INK:
                self.ops.append(f"{colour:g} g")
            if i == 0 and label:
                hexed, wide = face.word(label)
                self.line(face, size, label_right - wide * size / 1000, baseline, [(hexed, wide)], 0, "left")
            if words:
                last = i == len(lines) - 1
                self.line(face, size, x, baseline, words, width, "left" if (align == "justify" and last) else align)
            if colour != INK:
                self.ops.append(f"{INK:g} g")
            self.y -= leading


def can_set(data: dict[str, Any]) -> bool:
    """Whether every text in the document can be set by this writer (else WeasyPrint sets it)."""
    if not available():
        return False
    regular, bold = _font("regular"), _font("bold")
    texts = [data["title"], data["presented_to"], data["meeting"], data["meeting_place"], data["document_number"],
             data["author"], data["period"], data["finalised_by"]]
    if not bold.can_set_all(set("".join(texts[:5]))):
        return False
    chars = set("".join(texts))
    for p in data["paragraphs"]:
        chars.update(p["text"])
        chars.update(p["section"])
        for b in p["bullets"]:
            chars.update(b)
    return regular.can_set_all(chars)


def write(data: dict[str, Any]) -> bytes:
    """The report as PDF (call ``can_set`` first)."""
    import pydyf

    regular, bold = _Face(_font("regular"), "F1"), _Face(_font("bold"), "F2")
    lay = _Layout(regular, bold)
    width = PAGE_W - 2 * MARGIN_X

    # Header block: body and meeting on the left; document number and period on the right; a blue rule.
    top = lay.y
    column = width / 2 - 6
    if data["presented_to"]:
        lay.block(data["presented_to"], face=bold, size=SMALL, leading=SMALL_LEADING, x=MARGIN_X, width=column)
    if data["meeting"]:
        meeting = ", ".join(x for x in (data["meeting"], data["meeting_place"], data["meeting_date_text"]) if x)
        lay.block(meeting, face=regular, size=SMALL, leading=SMALL_LEADING, x=MARGIN_X, width=column)
    left_bottom = lay.y
    lay.y = top
    right_x = MARGIN_X + width - column
    if data["document_number"]:
        lay.block(f"Document {data['document_number']}", face=bold, size=SMALL, leading=SMALL_LEADING, x=right_x,
                  width=column, align="right")
    lay.block(f"Period covered: {data['period']}", face=regular, size=SMALL, leading=SMALL_LEADING, x=right_x,
              width=column, align="right")
    lay.y = min(lay.y, left_bottom) - 6
    lay.ops.append(f"{BLUE[0]} {BLUE[1]} {BLUE[2]} RG 1.5 w {MARGIN_X:.2f} {lay.y:.2f} m "
                   f"{MARGIN_X + width:.2f} {lay.y:.2f} l S 0 G")
    lay.y -= 12
    if data["author"]:
        lay.block(f"Source: {data['author']}", face=regular, size=SMALL, leading=SMALL_LEADING, x=MARGIN_X,
                  width=width, colour=GREY)
        lay.y -= 9.5
    lay.y -= 18
    lay.block(data["title"], face=bold, size=TITLE, leading=TITLE_LEADING, x=MARGIN_X, width=width, align="center")
    lay.y -= 18

    # Numbered paragraphs: the number hangs in the gutter, the text is justified.
    numbers = [f"{p['number']}." for p in data["paragraphs"]]
    gutter = max([regular.word(n)[1] * BODY / 1000 for n in numbers] + [BODY * 1.6]) + 6
    text_x, text_w = MARGIN_X + gutter, width - gutter
    bullet_x, bullet_w = text_x + BODY * 2.4, text_w - BODY * 2.4
    section = None
    for p, number in zip(data["paragraphs"], numbers, strict=True):
        if data["structure"] == "by_pillar" and p["section"] and p["section"] != section:
            section = p["section"]
            lay.y -= 14
            lay.block(section, face=bold, size=H2, leading=H2_LEADING, x=MARGIN_X, width=width,
                      keep_with_next=LEADING * 2)
            lay.y -= 6
        lay.block(p["text"], face=regular, size=BODY, leading=LEADING, x=text_x, width=text_w, align="justify",
                  label=number, label_right=text_x - 6)
        lay.y -= 4
        for b in p["bullets"]:
            lay.block(b, face=regular, size=BODY, leading=LEADING, x=bullet_x, width=bullet_w, label="•",
                      label_right=bullet_x - 5)
        lay.y -= 4 if not p["bullets"] else 8
    if data["status"] == "final":
        lay.y -= 6
        lay.block(f"Signed off by {data['finalised_by']}, {data['finalised_at'][:10]}", face=regular, size=SMALL,
                  leading=SMALL_LEADING, x=MARGIN_X, width=width, colour=GREY)

    # Page numbers, "n / N", centred in the bottom margin.
    total = len(lay.pages)
    for n, ops in enumerate(lay.pages, start=1):
        lay.ops = ops
        label = [regular.word(w) for w in (str(n), "/", str(total))]
        natural = sum(w for _, w in label) + 2 * lay.space[id(regular)]
        ops.append(f"{0.33:g} g")
        lay.line(regular, 9, (PAGE_W - natural * 9 / 1000) / 2, MARGIN_BOTTOM / 2, label, 0, "left")
        ops.append(f"{INK:g} g")

    pdf = pydyf.PDF()
    fonts = {face.name: _embed(pdf, face) for face in (regular, bold)}
    resources = pydyf.Dictionary({"Font": pydyf.Dictionary(fonts)})
    pdf.add_object(resources)
    for ops in lay.pages:
        content = _stream(f"{INK:g} g\n" + "\n".join(ops))
        pdf.add_object(content)
        pdf.add_page(pydyf.Dictionary({
            "Type": "/Page", "Parent": pdf.pages.reference,
            "MediaBox": pydyf.Array([0, 0, f"{PAGE_W:.3f}", f"{PAGE_H:.3f}"]),
            "Contents": content.reference, "Resources": resources.reference,
        }))
    pdf.info["Title"] = pydyf.String(data["title"])
    pdf.info["Producer"] = pydyf.String("Tutela")
    out = io.BytesIO()
    pdf.write(out, compress=False)
    return out.getvalue()


def _stream(text: str | bytes, extra: dict | None = None):
    import pydyf

    raw = text.encode("latin-1") if isinstance(text, str) else text
    data = zlib.compress(raw, 6)
    return pydyf.Stream([data], extra={**(extra or {}), "Filter": "/FlateDecode"})


def _embed(pdf, face: _Face):
    """A Type 0 font with Identity-H encoding: a subset of the TrueType file, widths and a ToUnicode map."""
    import pydyf
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = face.font
    gids = sorted(face.used)
    options = subset.Options()
    options.retain_gids = True
    options.notdef_outline = True
    options.hinting = False
    options.layout_features = []
    options.name_IDs = ["*"]
    options.drop_tables += ["FFTM"]
    tt = TTFont(str(font.path))
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=gids)
    subsetter.subset(tt)
    buffer = io.BytesIO()
    tt.save(buffer)
    font_file = _stream(buffer.getvalue(), {"Length1": len(buffer.getvalue())})
    pdf.add_object(font_file)
    base = f"/{'TUTELA' if face.name == 'F1' else 'TUTELB'}+{font.path.stem.replace('-', '')}"
    descriptor = pydyf.Dictionary({
        "Type": "/FontDescriptor", "FontName": base, "Flags": 32,
        "FontBBox": pydyf.Array(font.bbox), "ItalicAngle": font.italic_angle,
        "Ascent": font.ascent, "Descent": font.descent, "CapHeight": font.cap_height,
        "StemV": 80, "FontFile2": font_file.reference,
    })
    pdf.add_object(descriptor)
    widths = pydyf.Array()
    for gid in gids:
        widths.extend([gid, pydyf.Array([round(font.advance[gid])])])
    cid_font = pydyf.Dictionary({
        "Type": "/Font", "Subtype": "/CIDFontType2", "BaseFont": base,
        "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"),
                                           "Supplement": 0}),
        "FontDescriptor": descriptor.reference, "W": widths, "CIDToGIDMap": "/Identity", "DW": 1000,
    })
    pdf.add_object(cid_font)
    mapped = [(gid, ch) for gid, ch in sorted(face.used.items()) if ch]
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <ffff>", "endcodespacerange"]
    for start in range(0, len(mapped), 100):
        chunk = mapped[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{gid:04x}> <{ch.encode('utf-16-be').hex()}>" for gid, ch in chunk)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    to_unicode = _stream("\n".join(lines))
    pdf.add_object(to_unicode)
    type0 = pydyf.Dictionary({
        "Type": "/Font", "Subtype": "/Type0", "BaseFont": base, "Encoding": "/Identity-H",
        "DescendantFonts": pydyf.Array([cid_font.reference]), "ToUnicode": to_unicode.reference,
    })
    pdf.add_object(type0)
    return type0.reference
