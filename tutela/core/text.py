"""Text helpers shared by every app: normalising names for duplicate detection, and the
characters no text may hold (refused on input, stripped from files we write)."""

import re
import unicodedata
from typing import Any


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Ministère  de l'ÉDUCATION' -> "ministere de l'education"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


# --- Characters no text field may hold ------------------------------------------------------
# C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone UTF-16
# surrogates; and the two non-characters U+FFFE/U+FFFF. PostgreSQL refuses NUL in text,
# spreadsheets and XML (XLSX, DOCX) refuse the rest, and none of them is ever typed on purpose.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# Direction controls: embeddings and overrides (LRE, RLE, LRO, RLO, closed by PDF) and isolates
# (LRI, RLI, FSI, closed by PDI). Matched pairs are kept (a writer may mark an English name in an
# Arabic sentence); one left open, or a closer without its opener, would reorder the interface text
# around where the value is shown (U+202E turns the rest of a line backwards; a stray PDI ends the
# <bdi> the value is shown in), so such text is refused like a control character.
EMBEDDINGS, PDF = frozenset("\u202a\u202b\u202d\u202e"), "\u202c"
ISOLATES, PDI = frozenset("\u2066\u2067\u2068"), "\u2069"
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
PARAGRAPH_ENDS = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")


def find_unbalanced_direction_control(text: str) -> str | None:
    """The first direction control of ``text`` without its partner in the same line, or None.

    Pairs must nest (an override opened inside an isolate is closed inside it), as the Unicode
    bidirectional algorithm pairs them; a line break ends them all."""
    if not DIRECTION_CONTROLS.search(text):
        return None
    open_: list[str] = []
    for char in text:
        if char in EMBEDDINGS or char in ISOLATES:
            open_.append(char)
        elif char == PDF or char == PDI:
            opener = EMBEDDINGS if char == PDF else ISOLATES
            if not open_ or open_[-1] not in opener:
                return char
            open_.pop()
        elif char in PARAGRAPH_ENDS and open_:
            return open_[0]
    return open_[0] if open_ else None


def balance_direction_controls(text: str) -> str:
    """``text`` with every direction control paired: a closer without its opener dropped, an opener
    left open closed at the end of its line. For text stored before the check, or not typed into a
    form (an import), so that shown isolated it cannot reach the interface around it."""
    if not DIRECTION_CONTROLS.search(text):
        return text
    out: list[str] = []
    open_: list[str] = []
    for char in text:
        if char in EMBEDDINGS or char in ISOLATES:
            open_.append(char)
        elif char == PDF or char == PDI:
            if not open_ or open_[-1] not in (EMBEDDINGS if char == PDF else ISOLATES):
                continue
            open_.pop()
        elif char in PARAGRAPH_ENDS:
            out.extend(PDF if opener in EMBEDDINGS else PDI for opener in reversed(open_))
            open_.clear()
        out.append(char)
    out.extend(PDF if opener in EMBEDDINGS else PDI for opener in reversed(open_))
    return "".join(out)


def isolate(text: str) -> str:
    """``text`` as one isolated run for plain text (a page's <title>, a message, an e-mail): between
    FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, its direction controls paired, so a name in
    Arabic inside an English sentence (or the reverse) keeps its place and nothing in it reorders the
    sentence. In HTML, the ``bdi`` filter does the same with the <bdi> element."""
    return f"\u2068{balance_direction_controls(text)}\u2069"


def find_control_character(text: str) -> str | None:
    """The first character of ``text`` that no field accepts, or None: a control character, or a
    direction control left unbalanced."""
    match = CONTROL_CHARACTERS.search(text)
    return match.group() if match else find_unbalanced_direction_control(text)


def describe_character(char: str) -> str:
    return f"U+{ord(char):04X}"


def control_character_message(char: str) -> str:
    from django.utils.translation import gettext as _

    if DIRECTION_CONTROLS.fullmatch(char):
        return _("Remove the direction control %(code)s or close it: text may hold direction controls only "
                 "in matched pairs.") % {"code": describe_character(char)}
    return _("Remove the control character %(code)s: text may not contain invisible control characters.") % {
        "code": describe_character(char)
    }


def strip_control_characters(text: str) -> str:
    """``text`` without the characters of ``CONTROL_CHARACTERS`` (for output that cannot hold them)."""
    return CONTROL_CHARACTERS.sub("", text)


# A cell starting with one of these is read as a formula (or DDE command) by spreadsheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A value as every CSV/XLSX writer must write it: text without control characters (XLSX
    cannot hold them; openpyxl raises on them) and never starting like a formula."""
    if not isinstance(value, str):
        return value
    value = strip_control_characters(value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def query_id(value: Any) -> int | None:
    """A record's id read from a query string: a whole number from 1 to the largest bigint.

    Anything else (blank, text, zero, beyond what the database can compare) is ``None``, so the
    filter is ignored like any other filter that matches nothing sensible, never a 500.
    """
    try:
        number = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and 1 <= number <= 2**63 - 1 else None
