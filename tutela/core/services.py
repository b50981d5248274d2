"""Small helpers every app's services use. Not a place for domain logic."""

from typing import Any

from django.db import models


def apply_fields(obj: models.Model, fields: dict[str, Any], allowed: list[str]) -> None:
    """Set plain fields on ``obj``; refuse names a service does not accept (a programming error)."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields for {type(obj).__name__}: {', '.join(sorted(unknown))}")
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
