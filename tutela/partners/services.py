"""Writes to organisations. Every change goes through here and is audited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tutela.core import audit
from tutela.core.text import fold

from .models import Organisation

ORGANISATION_FIELDS = [
    "name", "acronym", "kind", "country", "parent_id", "website",
    "is_itu_member_state", "is_itu_sector_member", "is_published",
]


def _check_duplicate(name: str, exclude_pk: int | None = None) -> str:
    key = fold(name)
    if not key:
        raise ValidationError({"name": _("An organisation needs a name.")})
    clash = Organisation.objects.filter(name_key=key).exclude(pk=exclude_pk).first()
    if clash:
        raise ValidationError(
            {"name": _("“%(name)s” already exists (as “%(existing)s”).") % {"name": name, "existing": clash.name}}
        )
    return key


@transaction.atomic
def organisation_create(*, actor: Any, name: str, **fields: Any) -> Organisation:
    """Create an organisation. Raises ValidationError on a duplicate name (case/accent-insensitive)."""
    name = " ".join(name.split())
    org = Organisation(name=name, name_key=_check_duplicate(name), **fields)
    org.full_clean()
    org.save()
    audit.record(actor=actor, action="organisation.created", target=org)
    return org


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **fields: Any) -> Organisation:
    """Change an organisation's fields. Raises ValidationError on a duplicate name."""
    before = audit.snapshot(organisation, ORGANISATION_FIELDS)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.name = " ".join(organisation.name.split())
    organisation.name_key = _check_duplicate(organisation.name, exclude_pk=organisation.pk)
    organisation.full_clean()
    organisation.save()
    audit.record(actor=actor, action="organisation.updated", target=organisation, before=before)
    return organisation
