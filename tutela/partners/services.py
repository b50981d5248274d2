"""Writes to organisations, agreements and commitments. Every change is checked and audited."""

from collections.abc import Callable
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.core import access, audit, panels, review
from tutela.core.access import Actor
from tutela.core.services import repoint, repoint_m2m, save_audited
from tutela.core.text import fold

from . import selectors
from .models import (
    AGREEMENT_LIFECYCLE,
    Agreement,
    Commitment,
    Organisation,
    agreement_stage_from_dates,
    suggested_the,
)

ORGANISATION_FIELDS = [
    "name", "acronym", "named_with_the", "kind", "country", "parent", "parent_id", "website",
    "is_itu_member_state", "is_itu_sector_member", "is_published",
]
AGREEMENT_FIELDS = [
    "kind", "title", "signed_on", "signed_at", "in_force_from", "in_force_to", "framework",
    "countries", "objectives", "source_url", "date_is_approximate", "is_published", "stage",
]
COMMITMENT_FIELDS = ["text", "cadence", "follow_up_status", "last_done_on", "next_due_on", "order"]


def _check_duplicate(name: str, exclude_pk: int | None = None) -> str:
    key = fold(name)
    if not key:
        raise ValidationError({"name": _("An organisation needs a name.")})
    same = Organisation.objects.filter(name_key=key)
    clash = (same if exclude_pk is None else same.exclude(pk=exclude_pk)).first()
    if clash:
        raise ValidationError(
            {"name": _("“%(name)s” already exists (as “%(existing)s”).") % {"name": name, "existing": clash.name}}
        )
    return key


def _check_parent(org: Organisation) -> None:
    parent = org.parent
    seen = {org.pk}
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"parent": _("An organisation cannot be its own parent, directly or indirectly.")})
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def organisation_create(*, actor: Actor | None, name: str, **fields: Any) -> Organisation:
    """Create an organisation. Raises ValidationError on a duplicate name (case/accent-insensitive).

    Whether prose names it with "the", when not given, is suggested from the name (``suggested_the``)."""
    name = " ".join((name or "").split())
    if fields.get("named_with_the") is None:
        fields["named_with_the"] = suggested_the(name, fields.get("acronym") or "",
                                                 fields.get("kind") or Organisation.Kind.OTHER)
    return save_audited(Organisation(name=name, name_key=_check_duplicate(name)), actor=actor,
                        action="organisation.created", fields=fields, allowed=ORGANISATION_FIELDS, exclude=["name_key"])


@transaction.atomic
def organisation_update(*, actor: Actor, organisation: Organisation, **fields: Any) -> Organisation:
    """Change an organisation's fields. Raises ValidationError on a duplicate name or a parent cycle."""
    return save_audited(organisation, actor=actor, action="organisation.updated", fields=fields,
                        allowed=ORGANISATION_FIELDS, check=_check_name_and_parent, exclude=["name_key"])


def _check_name_and_parent(organisation: Organisation) -> None:
    organisation.name = " ".join(organisation.name.split())
    organisation.name_key = _check_duplicate(organisation.name, exclude_pk=organisation.pk)
    _check_parent(organisation)


type OrganisationReplaced = Callable[..., dict[str, int]]


@cache
def replaced_services() -> tuple[OrganisationReplaced, ...]:
    """Every app's ``organisation_replaced(*, actor, old, new) -> {label: rows moved}``, in layer order.

    Each app that points at organisations owns such a service (it repoints its own rows, audited,
    and settles its own unique links) and names it on its AppConfig, like its ``nav`` entries::

        organisation_replaced = "tutela.activities.services.organisation_replaced"

    so partners calls them without importing the apps above it.
    """
    return panels.handed_in("organisation_replaced")


@transaction.atomic
def organisation_replaced(*, actor: Actor, old: Organisation, new: Organisation) -> dict[str, int]:
    """Partners' own rows that point at ``old`` point at ``new``: child organisations, agreement
    parties and commitments' responsible organisations."""
    children = Organisation.objects.filter(parent=old).exclude(pk=new.pk)
    moved = {
        "partners.Organisation.parent": repoint(actor=actor, rows=children, field="parent", new=new,
                                                action="organisation.parent_replaced"),
        "partners.Agreement.parties": repoint_m2m(actor=actor, owners=Agreement.objects.all(), name="parties", old=old,
                                                  new=new, action="agreement.party_replaced"),
        "partners.Commitment.responsible": repoint_m2m(
            actor=actor, owners=Commitment.objects.all(), name="responsible", old=old, new=new,
            action="commitment.responsible_replaced",
        ),
    }
    if new.parent_id == old.pk:
        save_audited(new, actor=actor, action="organisation.updated", fields={"parent": old.parent}, allowed=["parent"],
                     exclude=["name_key"])
    return {label: count for label, count in moved.items() if count}


@transaction.atomic
def organisation_merge(*, actor: Actor, keep: Organisation, duplicate: Organisation) -> Organisation:
    """Move everything that points at ``duplicate`` to ``keep``, then delete ``duplicate``.

    Partners' own ``organisation_replaced`` and every one another app names run in this one
    transaction; what any of them raises undoes them all and nothing is deleted. A row still
    pointing at the duplicate afterwards (an app without its service) stops the merge the same way.
    """
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choose two different organisations to merge."))
    moved: dict[str, int] = {}
    for service in (organisation_replaced, *replaced_services()):
        moved.update(service(actor=actor, old=duplicate, new=keep))
    left = selectors.references(duplicate)
    if left:
        raise RuntimeError(
            "Rows still point at the duplicate organisation (an app without organisation_replaced): "
            + ", ".join(f"{label}: {count}" for label, count in left)
        )
    label = str(duplicate)
    dup_pk = duplicate.pk
    audit.record(actor=actor, action="organisation.merged", target=keep,
                 changes={"merged": [f"#{dup_pk} {label}", None], "moved": [None, moved]})
    duplicate.delete()
    return keep


@transaction.atomic
def organisation_set_published(*, actor: Actor, organisation: Organisation, published: bool) -> Organisation:
    return organisation_update(actor=actor, organisation=organisation, is_published=published)


def _check_agreement(agreement: Agreement, parties: list | None) -> None:
    if parties is not None and len({p.pk for p in parties}) < 2:
        raise ValidationError({"parties": _("An agreement needs at least two parties.")})
    if agreement.in_force_from and agreement.in_force_to and agreement.in_force_to < agreement.in_force_from:
        raise ValidationError({"in_force_to": _("The end date is before the start date.")})


@transaction.atomic
def agreement_create(*, actor: Actor | None, title: str, parties: list[Organisation], **fields: Any) -> Agreement:
    """Record an agreement between at least two organisations. Without a ``stage`` it starts where its
    dates place it (no signing date: draft; signed, in force, expired by the dates)."""
    if not fields.get("stage"):
        fields["stage"] = agreement_stage_from_dates(fields.get("signed_on"), fields.get("in_force_from"),
                                                     fields.get("in_force_to"), timezone.localdate())
    return save_audited(Agreement(title=(title or "").strip()), actor=actor, action="agreement.created", fields=fields,
                        allowed=AGREEMENT_FIELDS, check=_agreement_check(actor, parties, fields), m2m={"parties": parties})


@transaction.atomic
def agreement_update(*, actor: Actor, agreement: Agreement, parties: list[Organisation] | None = None, **fields: Any) -> Agreement:
    if "stage" in fields:
        AGREEMENT_LIFECYCLE.check(agreement.stage, fields["stage"])
    return save_audited(agreement, actor=actor, action="agreement.updated", fields=fields, allowed=AGREEMENT_FIELDS,
                        check=_agreement_check(actor, parties, fields), m2m={"parties": parties})


@transaction.atomic
def agreement_move(*, actor: Actor, agreement: Agreement, stage: str) -> Agreement:
    """Move an agreement to another stage, as AGREEMENT_LIFECYCLE allows (draft → signed → active →
    expired or renewed); any other jump is refused with the reason. Audited as agreement.moved."""
    if actor is not None and not access.can_write(actor, agreement):
        raise PermissionDenied
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    AGREEMENT_LIFECYCLE.check(agreement.stage, stage)
    if stage == Agreement.Stage.SIGNED and agreement.signed_on is None:
        raise ValidationError({"stage": _("Enter the date it was signed (Edit) before recording the signature.")})
    return save_audited(agreement, actor=actor, action="agreement.moved", fields={"stage": stage}, allowed=["stage"])


def _agreement_check(actor: Actor | None, parties: list[Organisation] | None, fields: dict) -> Callable[[Agreement], None]:
    def check(agreement: Agreement) -> None:
        _check_agreement(agreement, parties)
        review.prepare(agreement, actor=actor, publish_requested=fields.get("is_published"))
    return check


@transaction.atomic
def commitment_add(*, actor: Actor | None, agreement: Agreement, text: str, responsible: list[Organisation] | None = None,
                   **fields: Any) -> Commitment:
    if not (text or "").strip():
        raise ValidationError({"text": _("Say what was committed to.")})
    _check_responsible(agreement, responsible)
    commitment = save_audited(Commitment(agreement=agreement, text=text.strip()), actor=actor, action="commitment.added",
                              fields=fields, allowed=COMMITMENT_FIELDS, m2m={"responsible": responsible})
    _resubmit(actor, agreement)
    return commitment


def _resubmit(actor: Actor | None, agreement: Agreement) -> None:
    """A focal point's change to a commitment is a change to its agreement: it waits for review again."""
    if review.is_focal_write(actor) and not agreement.awaiting_review:
        before = audit.snapshot(agreement, ["is_published", "awaiting_review"])
        review.prepare(agreement, actor=actor)
        agreement.save(update_fields=["is_published", "awaiting_review", "updated_at"])
        audit.record(actor=actor, action="agreement.submitted", target=agreement, before=before)


def agreement_publish(*, actor: Actor, agreement: Agreement) -> Agreement:
    """The secretariat publishes a submitted agreement. Audited as agreement.published."""
    return review.publish(actor=actor, obj=agreement)


def _check_responsible(agreement: Agreement, responsible: list[Organisation] | None) -> None:
    if responsible:
        parties = set(agreement.parties.values_list("pk", flat=True))
        if not {o.pk for o in responsible} <= parties:
            raise ValidationError({"responsible": _("Only parties to the agreement can be responsible for a commitment.")})


@transaction.atomic
def commitment_update(*, actor: Actor | None, commitment: Commitment, responsible: list[Organisation] | None = None,
                      **fields: Any) -> Commitment:
    if not (fields.get("text", commitment.text) or "").strip():
        raise ValidationError({"text": _("Say what was committed to.")})
    _check_responsible(commitment.agreement, responsible)
    save_audited(commitment, actor=actor, action="commitment.updated", fields=fields, allowed=COMMITMENT_FIELDS,
                 m2m={"responsible": responsible})
    _resubmit(actor, commitment.agreement)
    return commitment
