"""Plain, deterministic English prose helpers for drafting reports (no external model)."""

import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.utils.translation import get_language
from django_countries import countries

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def join(items: list[str], conj: str = "and") -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


# Words spelt with a vowel that sound with a consonant ("a useful", "a one-day"), and the reverse ("an hour").
_VOWEL_LETTER_CONSONANT_SOUND = re.compile(r"^(?:uni|unesco|use|usu|uti|ure|uro|eu|ewe|one\b|one-|once)", re.IGNORECASE)
_SILENT_H = re.compile(r"^(?:hour|honest|honou?r|heir)", re.IGNORECASE)


def article(phrase: str) -> str:
    """'a' or 'an' for ``phrase``, by the sound of its first word: acronyms read letter by letter
    ("an ITU", "a UNICEF" is read as a word: "a"), "an updated", "a unified", "a one-day", "an hour"."""
    word = phrase.lstrip("“\"'(").split()[0].rstrip(".,;:") if phrase.split() else ""
    upper = sum(map(str.isupper, word))
    if upper >= 2 and (len(word) <= 4 or not word.isalpha()):  # ITU, IGF, MoU, ITU-T: read letter by letter
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    if word[:1].isdigit():
        return "an" if re.match(r"^(?:8|11|18)(?:\D|$)|^8\d", word) else "a"
    if _SILENT_H.match(word):
        return "an"
    if _VOWEL_LETTER_CONSONANT_SOUND.match(word):
        return "a"
    return "an" if word[:1].lower() in "aeiou" else "a"


def with_article(phrase: str) -> str:
    return f"{article(phrase)} {phrase}"


def day(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def month(d: date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


def span(start: date, end: date | None, approximate: bool = False) -> str:
    """'3 December 2013', '2–3 December 2013', 'October 2013', 'July 2013 to January 2014'."""
    end = end or start
    if approximate:
        if (start.year, start.month) == (end.year, end.month):
            return month(start)
        return f"{month(start)} to {month(end)}"
    if start == end:
        return day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {MONTHS[start.month - 1]} {start.year}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} – {day(end)}"
    return f"{day(start)} – {day(end)}"


def when(start: date, end: date | None, approximate: bool = False) -> str:
    """A sentence opener: 'On 3 December 2013', 'In October 2013', 'On 25–26 October 2015',
    'From 30 September to 2 October 2015'."""
    end = end or start
    if approximate or (start.day == 1 and _last_day(end) and (start.year, start.month) == (end.year, end.month)):
        if (start.year, start.month) == (end.year, end.month):
            return f"In {month(start)}"
        return f"From {month(start)} to {month(end)}"
    if start == end:
        return f"On {day(start)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"On {start.day}–{day(end)}"
    if start.year == end.year:
        return f"From {start.day} {MONTHS[start.month - 1]} to {day(end)}"
    return f"From {day(start)} to {day(end)}"


def _last_day(d: date) -> bool:
    from calendar import monthrange

    return d.day == monthrange(d.year, d.month)[1]


_COUNTRY_NAMES: dict[str, dict[str, str]] = {}  # language -> code -> name
_language: str | None = None  # set while drafting: one language for the whole report


@contextmanager
def one_language():
    """Within this block the active language is read once, not at every name looked up."""
    global _language
    before, _language = _language, get_language()
    try:
        yield
    finally:
        _language = before


def language() -> str:
    return _language or get_language()


def country_name(code: str) -> str:
    """The country's name in the active language (looked up once per code and language)."""
    if not code:
        return ""
    names = _COUNTRY_NAMES.get(_language or get_language())
    if names is None:
        names = _COUNTRY_NAMES[_language or get_language()] = {}
    name = names.get(code)
    if name is None:
        name = names[str(code)] = str(countries.name(code))
    return name


def place(city: str = "", country: str = "", venue: str = "", online: bool = False) -> str:
    """'in Addis Ababa, Ethiopia', 'at the ICT Discovery museum, ITU, in Geneva, Switzerland', 'online'."""
    name = country_name(country)
    where = f"{city}, {name}" if city and name else city or name
    parts = []
    if venue:
        parts.append(f"at {venue}")
    if where:
        parts.append(f"in {where}")
    if online and not parts:
        parts.append("online")
    return " ".join(parts)


def number(value: Decimal | int | float) -> str:
    """15000 -> '15,000'; 12.50 -> '12.5'."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,}"


def sentence(text: str) -> str:
    """Capitalise the first letter and make sure the text ends with a full stop."""
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?:" else text + "."


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym or a name ('COP', 'ITU-T')."""
    text = text.strip().rstrip(".")
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def plural(noun: str, count: int) -> str:
    if count == 1:
        return noun
    irregular = {"World Café": "World Cafés", "summit participation": "summit participations"}
    if noun in irregular:
        return irregular[noun]
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    return noun + "s"


ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return ORDINALS.get(n % 10, f"{n}th") if n % 10 in ORDINALS else f"{n}th"
