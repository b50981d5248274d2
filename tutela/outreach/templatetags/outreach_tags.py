"""Formatting for reach pages."""

from datetime import datetime

from django import template
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language_info, gettext

from ..models import ReachParameter
from ..reach import RULES

register = template.Library()


def _plain(value: float) -> str:
    """Up to 3 decimals, no trailing zeros, thousands grouped: 0.6, 1, 2.5, 1,200."""
    return f"{value:,.3f}".rstrip("0").rstrip(".")


@register.filter
def reach_text(value: str) -> str:
    """One of reach's rules or methods (kept in English in the results) in the page's language."""
    return gettext(value) if value in RULES else value


@register.filter
def instant(value: str) -> datetime | str:
    """The reach's ``computed_at`` (ISO 8601, kept so for the API and the stored results) as a datetime,
    for ``|utc|date:"DATETIME_FORMAT"``; anything else as it is."""
    return parse_datetime(value) or value if isinstance(value, str) else value


@register.filter
def parameter_value(value, key: str) -> str:
    """A reach parameter as read: shares as percentages (60 %), other values as plain numbers."""
    if value is None or value == "":
        return "—"
    if key in ReachParameter.SHARES:
        return f"{_plain(float(value) * 100)}\u00a0%"  # no-break space: "60 %" never wraps
    return _plain(float(value))


# Languages of the initiative's countries that Django does not name itself.
LANGUAGE_NAMES = {"am": "Amharic", "om": "Oromo", "ti": "Tigrinya", "so": "Somali", "ha": "Hausa", "yo": "Yoruba",
                  "ig": "Igbo", "rw": "Kinyarwanda", "zu": "Zulu", "xh": "Xhosa", "wo": "Wolof", "ln": "Lingala"}


@register.filter
def language_name(code: str) -> str:
    """“Amharic (am)” for a language code; the code alone if the name is not known."""
    code = (code or "").strip()
    name = LANGUAGE_NAMES.get(code.lower())
    if name is None:
        try:
            name = get_language_info(code)["name"]
        except KeyError:
            return code
    return f"{name} ({code})"
