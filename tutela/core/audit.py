"""Writing the audit trail. Services call ``record`` inside their transaction."""

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import summaries
from .access import Actor, signed_in
from .models import AuditEntry


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The values of an object's concrete fields, ready to compare after a change."""
    # Timestamps maintained by Django (auto_now) are not changes anyone made: left out.
    names = fields or [
        f.attname for f in obj._meta.concrete_fields
        if not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)
    ]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every field whose value changed."""
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def entry(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> AuditEntry:
    """The entry ``record`` writes, unsaved: for a service that writes many rows at once and
    audits them with one ``AuditEntry.objects.bulk_create([...])`` in its transaction."""
    if before is not None and target is not None:
        changes = diff(before, snapshot(target, list(before.keys())))
    elif changes is None and target is not None:
        changes = {k: [None, v] for k, v in snapshot(target).items() if v not in (None, "")}
    user = signed_in(actor)
    summaries.touched(target)  # the summary tables that roll this record up are refreshed after the commit
    return AuditEntry(
        actor=user,
        actor_label=user.email if user else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        changes=_jsonable(changes or {}),
    )


def record(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. With ``before`` the changes are computed against ``target`` now."""
    new = entry(actor=actor, action=action, target=target, changes=changes, before=before)
    new.save()
    return new
