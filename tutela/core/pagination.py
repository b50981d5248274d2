"""Keyset pagination: page N costs the same as page 1, because no OFFSET is ever used.

The cursor carries the ordering values of the last row shown; the next page continues
strictly after them. Orderings must end with a unique field (``pk``) and contain no NULLs.
"""

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _


class InvalidCursor(BadRequest):
    """A cursor that was not written by ``keyset_page`` (edited, truncated or forged)."""

    def __init__(self) -> None:
        super().__init__(_("This page link is damaged (its 'after' value is not one we wrote). Start again from the first page."))


@dataclass
class KeysetPage:
    items: list[Any]
    next_cursor: str | None
    has_previous: bool


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    return values if isinstance(values, list) else None


def _after(ordering: list[str], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in ``ordering`` (a lexicographic comparison)."""
    condition = Q()
    for i, field in enumerate(ordering):
        name = field.lstrip("-")
        op = "lt" if field.startswith("-") else "gt"
        step = Q(**{f"{name}__{op}": values[i]})
        for prev_field, prev_value in zip(ordering[:i], values[:i], strict=False):
            step &= Q(**{prev_field.lstrip("-"): prev_value})
        condition |= step
    if len(ordering) > 1:
        # The same rows, plus a bound on the leading column alone, which an index can seek to
        # (PostgreSQL does not turn the OR above into an index condition: deep pages scanned from the top).
        first = ordering[0]
        condition &= Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": values[0]})
    return condition


def keyset_page(queryset: QuerySet, *, ordering: list[str], cursor: str | None, size: int) -> KeysetPage:
    qs = queryset.order_by(*ordering)
    values = decode_cursor(cursor) if cursor else None
    if cursor and (values is None or len(values) != len(ordering)):
        raise InvalidCursor
    if values is not None:
        values = [_checked(queryset.model, f.lstrip("-"), v) for f, v in zip(ordering, values, strict=True)]
        qs = qs.filter(_after(ordering, values))
    rows = list(qs[: size + 1])
    items = rows[:size]
    next_cursor = None
    if len(rows) > size and items:
        last = items[-1]
        next_cursor = encode_cursor([_value(last, f.lstrip("-")) for f in ordering])
    return KeysetPage(items=items, next_cursor=next_cursor, has_previous=values is not None)


def _checked(model: Any, path: str, value: Any) -> Any:
    """``value`` as the type of the field at ``path``; a forged value is refused, never queried."""
    if value is None or isinstance(value, dict | list):
        raise InvalidCursor
    for part in path.split("__"):
        try:
            field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        except FieldDoesNotExist:
            return value  # an annotation: the database compares it
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    try:
        return field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        raise InvalidCursor from None


def _value(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj
