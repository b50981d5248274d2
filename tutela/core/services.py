"""Small helpers every app's services use. Not a place for domain logic."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _


def apply_fields(obj: models.Model, fields: dict[str, Any], allowed: list[str]) -> None:
    """Set plain fields on ``obj``; refuse names a service does not accept (a programming error).

    ``None`` for a field that cannot be null is refused with a message naming the field (an API
    client's explicit ``null``): left alone it passed ``full_clean`` on blank fields and then
    failed when saved or when the answer was built.
    """
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields for {type(obj).__name__}: {', '.join(sorted(unknown))}")
    nulls = {}
    for name, value in fields.items():
        if value is None:
            try:
                field = obj._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None and field.concrete and not field.null:
                nulls[name] = [_("This field cannot be null: give a value, or leave the field out to keep it as it is.")]
    if nulls:
        raise ValidationError(nulls)
    for name, value in fields.items():
        setattr(obj, name, value)


def set_m2m(obj: models.Model, name: str, values: list | None, changes: dict) -> None:
    """Replace a many-to-many relation and note the change as ``[before_ids, after_ids]``."""
    if values is None:
        return
    manager = getattr(obj, name)
    before = sorted(manager.values_list("pk", flat=True))
    manager.set(values)
    after = sorted(v.pk if hasattr(v, "pk") else v for v in values)
    if before != after:
        changes[name] = [before, after]
