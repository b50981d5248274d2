"""Review before publishing: what a focal point enters waits for the secretariat.

The rule (docs/decisions.md, "Review before publishing"):

* a record a **focal point** creates or changes is *submitted*: ``is_published`` false and
  ``awaiting_review`` true, whatever ``is_published`` they sent. The public (anonymous and
  stakeholders) never sees it; their own organisation and the secretariat do;
* the **secretariat** publishes it (``publish``: secretariat only, audited) or unpublishes it.
  What the secretariat (or a system job: demo, tasks) writes publishes directly, as before;
* a record whose free text the child-identity detector (``core.childtext``) **flagged** is
  stored, unpublished and waiting for review whoever wrote it; ``publish`` refuses it until the
  secretariat edits the text or clears the flags (``clear_flags``, audited). Cleared findings stay
  cleared when the same text is saved again.

A model joins by inheriting ``Reviewable`` (two columns), adding ``review_constraint`` to its
Meta (``is_published`` implies not waiting) and calling ``prepare`` in its create/update
services before saving. ``PublishableQuerySet.public()`` also excludes waiting rows, so the
access rules (``core.access``) hide them in every door: pages, API, exports, figures, reports.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access, childtext
from .access import Actor
from .models import ReviewDecision

# label ("activities.activity") -> (model, detail url name, audit action prefix)
REGISTRY: dict[str, tuple[type["Reviewable"], str, str]] = {}


def reviewable[R: type["Reviewable"]](url_name: str, action: str) -> Callable[[R], R]:
    """Class decorator: list the model in the secretariat's review queue."""

    def register(model: R) -> R:
        REGISTRY[model._meta.label_lower] = (model, url_name, action)
        return model

    return register


class Reviewable(models.Model):
    awaiting_review = models.BooleanField(
        gettext_lazy("waiting for review"), default=False, db_default=False,
        help_text=gettext_lazy("Entered by a focal point or flagged: not public until the secretariat publishes it."),
    )
    review_flags = models.JSONField(
        gettext_lazy("review flags"), default=list, db_default=[], blank=True,
        help_text=gettext_lazy("What the child-identity check found in the text: signal, field, excerpt, cleared."),
    )

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return bool(self.is_published) and not self.awaiting_review  # type: ignore[attr-defined]

    @property
    def active_flags(self) -> list[dict]:
        return active(self.review_flags)


def active(flags: Iterable[dict] | None) -> list[dict]:
    """The flags nobody has cleared yet."""
    return [f for f in flags or [] if not f.get("cleared")]


def review_constraint(prefix: str) -> models.CheckConstraint:
    """Published rows are never waiting for review (the database keeps the rule too)."""
    return models.CheckConstraint(name=f"{prefix}_published_is_reviewed",
                                  condition=Q(is_published=False) | Q(awaiting_review=False))


def is_focal_write(actor: Actor | None) -> bool:
    """A write that must wait for review: a signed-in user who is not the secretariat."""
    return actor is not None and not access.is_secretariat(actor)


def _merge(previous: Iterable[dict], findings: list[childtext.Finding]) -> list[dict]:
    cleared = {(f.get("field"), f.get("signal"), f.get("excerpt")) for f in previous or [] if f.get("cleared")}
    merged = []
    for f in findings:
        d: dict[str, Any] = f.as_dict()
        if (d["field"], d["signal"], d["excerpt"]) in cleared:
            d["cleared"] = True
        merged.append(d)
    return merged


def prepare(obj: Any, *, actor: Actor | None, texts: Mapping[str, Any] | None = None, about_children: bool = False,
            publish_requested: bool | None = None) -> None:
    """Before a create/update saves ``obj``: check its texts and set its review state.

    ``texts``: ``{field: text or texts}`` to scan (raises ``ValidationError`` for a birth date or a
    contact; stores the rest as flags). ``publish_requested``: the ``is_published`` value the
    caller passed, if any (a secretariat ``True`` on a waiting record publishes it).
    """
    if texts is not None:
        obj.review_flags = _merge(obj.review_flags, childtext.check(texts, about_children=about_children))
    if is_focal_write(actor):
        obj.is_published = False
        obj.awaiting_review = True
    elif publish_requested is not None:
        obj.awaiting_review = False
    if active(obj.review_flags):
        obj.is_published = False
        obj.awaiting_review = True


def flag_message(obj: Reviewable) -> str:
    return "; ".join(childtext.Finding(f["signal"], f["excerpt"], f.get("field", "")).message()
                     for f in obj.active_flags)


def _action(obj: models.Model) -> str:
    entry = REGISTRY.get(obj._meta.label_lower)
    return entry[2] if entry else str(obj._meta.model_name)


def _save(obj: models.Model, fields: list[str]) -> None:
    names = {f.name for f in obj._meta.concrete_fields}
    obj.save(update_fields=[f for f in [*fields, "updated_at"] if f in names])


@transaction.atomic
def publish[R: Reviewable](*, actor: Actor | None, obj: R) -> R:
    """The secretariat publishes a record (refused while a child-identity flag is open)."""
    from . import audit

    if actor is not None:
        access.require_secretariat(actor)
    if obj.active_flags:
        raise ValidationError({"review_flags": _("Not published: %(flags)s. Edit the text, or clear the flags "
                                                 "once you have checked them.") % {"flags": flag_message(obj)}})
    before = audit.snapshot(obj, ["is_published", "awaiting_review"])
    obj.is_published = True  # type: ignore[attr-defined]
    obj.awaiting_review = False
    _save(obj, ["is_published", "awaiting_review"])
    audit.record(actor=actor, action=f"{_action(obj)}.published", target=obj, before=before)
    _decide(obj, actor, ReviewDecision.Decision.PUBLISHED)
    return obj


MAX_REASON = 2000


@transaction.atomic
def return_for_changes[R: Reviewable](*, actor: Actor | None, obj: R, reason: str) -> R:
    """The secretariat sends a submitted record back to its organisation with the reason (what to change).

    The record stays unpublished and leaves the queue; the reason is shown on it and in its organisation's
    workspace. When they change it, its service's ``prepare`` submits it again."""
    from . import audit

    if actor is not None:
        access.require_secretariat(actor)
    reason = (reason or "").strip()
    if not obj.awaiting_review:
        raise ValidationError(_("Only a record waiting for review can be returned; this one is not waiting."))
    if not reason:
        raise ValidationError({"reason": _("Say why the record is returned, so its organisation knows what to change.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("Keep the reason to %(n)s characters; it has %(got)s.")
                               % {"n": MAX_REASON, "got": len(reason)}})
    before = audit.snapshot(obj, ["is_published", "awaiting_review"])
    obj.is_published = False  # type: ignore[attr-defined]
    obj.awaiting_review = False
    _save(obj, ["is_published", "awaiting_review"])
    changes = {**audit.diff(before, audit.snapshot(obj, ["is_published", "awaiting_review"])), "reason": reason}
    audit.record(actor=actor, action=f"{_action(obj)}.returned", target=obj, changes=changes)
    _decide(obj, actor, ReviewDecision.Decision.RETURNED, reason)
    return obj


def _decide(obj: models.Model, actor: Actor | None, decision: str, reason: str = "") -> None:
    user = access.signed_in(actor)
    ReviewDecision.objects.create(
        target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk), decision=decision, reason=reason,
        by=user, by_label=(user.full_name or "") if user is not None else "")


def latest_decisions(objs: Iterable[models.Model]) -> dict[Any, ReviewDecision]:
    """``{pk: latest decision}`` for records of one model (one query; records never decided are absent)."""
    objs = list(objs)
    if not objs:
        return {}
    found: dict[Any, ReviewDecision] = {}
    rows = ReviewDecision.objects.filter(target_type=ContentType.objects.get_for_model(objs[0]),
                                         target_id__in=[str(o.pk) for o in objs]).order_by("target_id", "-id")
    for row in rows:
        found.setdefault(row.target_id, row)
    return {o.pk: found[str(o.pk)] for o in objs if str(o.pk) in found}


def current_decision(obj: models.Model) -> ReviewDecision | None:
    """What the secretariat last decided on ``obj``, if it still holds: "published" while the record is
    public, "returned" while it is neither public nor submitted again."""
    decision = latest_decisions([obj]).get(obj.pk)
    if decision is None or getattr(obj, "awaiting_review", False):
        return None
    published = bool(getattr(obj, "is_published", False))
    if (decision.decision == ReviewDecision.Decision.PUBLISHED) != published:
        return None
    return decision


@transaction.atomic
def unpublish[R: Reviewable](*, actor: Actor | None, obj: R) -> R:
    """The secretariat takes a record offline (it leaves the review queue: a decision was made)."""
    from . import audit

    if actor is not None:
        access.require_secretariat(actor)
    before = audit.snapshot(obj, ["is_published", "awaiting_review"])
    obj.is_published = False  # type: ignore[attr-defined]
    obj.awaiting_review = bool(obj.active_flags)
    _save(obj, ["is_published", "awaiting_review"])
    audit.record(actor=actor, action=f"{_action(obj)}.unpublished", target=obj, before=before)
    return obj


@transaction.atomic
def submit[R: Reviewable](*, actor: Actor | None, obj: R) -> R:
    """Ask the secretariat to review (again) a record one may write, e.g. after it was unpublished."""
    from django.core.exceptions import PermissionDenied

    from . import audit

    if actor is not None and not access.can_write(actor, obj):
        raise PermissionDenied
    if obj.is_published:  # type: ignore[attr-defined]
        raise ValidationError(_("This record is already published."))
    before = audit.snapshot(obj, ["awaiting_review"])
    obj.awaiting_review = True
    _save(obj, ["awaiting_review"])
    audit.record(actor=actor, action=f"{_action(obj)}.submitted", target=obj, before=before)
    return obj


@transaction.atomic
def clear_flags[R: Reviewable](*, actor: Actor | None, obj: R) -> R:
    """The secretariat has checked the flagged text and found no child's identity in it."""
    from . import audit

    if actor is not None:
        access.require_secretariat(actor)
    before = audit.snapshot(obj, ["review_flags"])
    obj.review_flags = [{**f, "cleared": True} for f in obj.review_flags or []]
    _save(obj, ["review_flags"])
    audit.record(actor=actor, action=f"{_action(obj)}.flags_cleared", target=obj, before=before)
    return obj


def waiting(user: Actor, *, limit: int = 200) -> list[dict]:
    """The review queue, one section per kind of record (secretariat only)."""
    from django.urls import reverse

    access.require_secretariat(user)
    sections = []
    for label, (model, url_name, _action_name) in sorted(REGISTRY.items()):
        qs = model._default_manager.filter(awaiting_review=True).order_by("-pk")
        rows = list(qs[:limit])
        sections.append({
            "label": label, "name": model._meta.verbose_name_plural, "count": qs.count() if len(rows) == limit else len(rows),
            "rows": [{"obj": o, "url": reverse(url_name, args=[o.pk]), "flags": o.active_flags} for o in rows],
        })
    return sections


def get(label: str, pk: Any) -> Reviewable:
    from django.http import Http404

    entry = REGISTRY.get(label)
    if entry is None:
        raise Http404
    try:
        return entry[0]._default_manager.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def waiting_counts(user: Actor) -> list[dict]:
    """How many records of each kind wait for review (secretariat only): one count per kind, no rows."""
    access.require_secretariat(user)
    return [{"label": label, "name": model._meta.verbose_name_plural,
             "count": model._default_manager.filter(awaiting_review=True).count()}
            for label, (model, _url, _action) in sorted(REGISTRY.items())]
