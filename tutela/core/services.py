"""Small helpers every app's services use. Not a place for domain logic."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from . import audit
from .access import Actor
from .models import AuditEntry


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


def save_audited[M: models.Model](
    obj: M,
    *,
    actor: Actor | None,
    action: str,
    fields: dict[str, Any] | None = None,
    allowed: list[str] | tuple[str, ...] = (),
    check: Callable[[M], None] | None = None,
    m2m: dict[str, list | None] | None = None,
    exclude: list[str] | None = None,
    after: Callable[[M], dict[str, Any] | None] | None = None,
) -> M:
    """Create or change ``obj`` the one way services do, inside the caller's transaction.

    The sequence: note the values before (a row already saved), set ``fields`` (only the names in
    ``allowed``), run ``check(obj)`` (the service's own rules; it raises ValidationError),
    ``full_clean`` (``exclude`` passed through), save, replace the many-to-many relations in
    ``m2m`` (``None`` leaves a relation as it is), run ``after(obj)`` (the service's own writes of
    related rows; the changes it returns join the entry) and write one audit entry ``action`` whose
    changes hold the fields and relations that changed. A service keeps its own steps before
    and after (refusals, review, side effects); this is only the part they all share.
    """
    before = None if obj._state.adding else audit.snapshot(obj)
    if fields:
        apply_fields(obj, fields, list(allowed))
    if check is not None:
        check(obj)
    obj.full_clean(exclude=exclude)
    obj.save()
    saved = audit.snapshot(obj)
    if before is None:
        changes = {name: [None, value] for name, value in saved.items() if value not in (None, "")}
    else:
        changes = audit.diff(before, saved)
    for name, values in (m2m or {}).items():
        set_m2m(obj, name, values, changes)
    if after is not None:
        changes.update(after(obj) or {})
    audit.record(actor=actor, action=action, target=obj, changes=changes)
    return obj


def repoint(*, actor: Actor, rows: models.QuerySet, field: str, new: models.Model, action: str) -> int:
    """Point the foreign key ``field`` of every row in ``rows`` at ``new``, each change audited as
    ``action`` (``{field_id: [old, new]}``), the entries written with one bulk insert. Returns the
    number of rows moved. For an app's ``organisation_replaced`` and the like: the caller has
    already dealt with rows that a unique constraint would refuse."""
    attname = rows.model._meta.get_field(field).attname
    found = list(rows)
    entries = []
    for row in found:
        before = audit.snapshot(row, [attname])
        setattr(row, attname, new.pk)
        entries.append(audit.entry(actor=actor, action=action, target=row, before=before))
    if found:
        rows.model._default_manager.filter(pk__in=[row.pk for row in found]).update(**{attname: new.pk})
        AuditEntry.objects.bulk_create(entries)
    return len(found)


def repoint_m2m(*, actor: Actor, owners: models.QuerySet, name: str, old: models.Model, new: models.Model, action: str) -> int:
    """In the many-to-many ``name`` of every one of ``owners`` that holds ``old``, put ``new`` in its
    place (once, where it is there already), each owner's change audited as ``action``. Returns the
    number of owners changed."""
    changed = 0
    for owner in owners.filter(**{name: old}).distinct():
        changes: dict[str, Any] = {}
        manager = getattr(owner, name)
        kept = [pk for pk in manager.values_list("pk", flat=True) if pk != old.pk]
        set_m2m(owner, name, sorted({*kept, new.pk}), changes)
        audit.record(actor=actor, action=action, target=owner, changes=changes)
        changed += 1
    return changed
