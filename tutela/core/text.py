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


def find_control_character(text: str) -> str | None:
    """The first character of ``text`` that no field accepts, or None."""
    match = CONTROL_CHARACTERS.search(text)
    return match.group() if match else None


def describe_character(char: str) -> str:
    return f"U+{ord(char):04X}"


def control_character_message(char: str) -> str:
    from django.utils.translation import gettext as _

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
