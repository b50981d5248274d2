"""Who may read or write what. Views, the API and tasks ask here and nowhere else.

The rules, in one place:

* a superuser or a *secretariat* user reads and writes everything;
* a *partner focal point* reads what is published plus what their organisation owns, and
  writes only what their organisation owns;
* a *national focal point* is scoped to one country: reads what is published plus what
  belongs to their country, and writes only what belongs to their country;
* a *stakeholder* and the anonymous public read what is published and write nothing here
  (commenting and subscribing have their own services, which check their own windows).

``user`` is whoever asks (``Actor``); ``None`` is a system job (demo, tasks) asking for nobody in
particular, and reads like the anonymous public here.

A model joins by offering ``owner_organisation_ids()`` and ``is_public`` on instances, and
``public()`` and ``owned_by(org_ids)`` on its queryset (see ``core.querysets``). A model that
belongs to a country also offers ``owner_country_codes()`` on instances and
``owned_by_countries(codes)`` on its queryset.
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    # django-stubs resolves these to settings.AUTH_USER_MODEL (accounts.User), so core names
    # the user without importing accounts, which sits above it.
    from django.contrib.auth.models import _AnyUser, _User

type User = _User
"""A signed-in user (``accounts.User``)."""

type Actor = _AnyUser
"""Whoever is asking: a signed-in user or the anonymous public (``AnonymousUser``)."""


def signed_in(actor: Actor | None) -> User | None:
    """The signed-in user behind ``actor``; None for the anonymous public and for the system
    (demo, tasks). What a ``created_by``-style column and the audit trail store."""
    return actor if actor is not None and actor.is_authenticated else None


def role_of(user: Actor | None) -> str:
    if user is None or not user.is_authenticated:
        return "anonymous"
    if user.is_superuser:
        return "secretariat"
    return user.role


def is_secretariat(user: Actor | None) -> bool:
    return role_of(user) == "secretariat"


def user_organisation_ids(user: Actor | None) -> set[int]:
    if user is None or not user.is_authenticated or role_of(user) != "focal_point" or not user.organisation_id:
        return set()
    return {user.organisation_id}


def user_country_codes(user: Actor | None) -> set[str]:
    """The country a national focal point speaks for (empty for everyone else)."""
    if user is None or not user.is_authenticated or role_of(user) != "national_focal_point" or not user.country:
        return set()
    return {str(user.country)}  # a Country's str is its code


def can_read(user: Actor | None, obj: models.Model) -> bool:
    if is_secretariat(user):
        return True
    if getattr(obj, "is_public", False):
        return True
    return _owns(user, obj)


def can_write(user: Actor | None, obj: models.Model) -> bool:
    if is_secretariat(user):
        return True
    return _owns(user, obj)


def _owns(user: Actor | None, obj: models.Model) -> bool:
    if user_organisation_ids(user) & _owners(obj):
        return True
    method = getattr(obj, "owner_country_codes", None)
    return bool(method and user_country_codes(user) & set(method()))


def can_create(user: Actor | None, organisation_ids: set[int] | None = None) -> bool:
    """May ``user`` create a record owned by ``organisation_ids`` (None: owned by nobody)?"""
    if is_secretariat(user):
        return True
    mine = user_organisation_ids(user)
    return bool(mine) and organisation_ids is not None and bool(mine & organisation_ids)


def _once[QS: models.QuerySet[Any]](queryset: QS, rows: QS) -> QS:
    """``rows`` (read through ``queryset``'s owner rule) with each row once. A model whose ``owned_by`` is a semi-join
    (``owned_by_is_distinct``) repeats no row: no DISTINCT, so a list newest first stays one index walk (activities:
    the site search and a focal point's own list over a million rows)."""
    return rows if getattr(queryset, "owned_by_is_distinct", False) else rows.distinct()


def readable[QS: models.QuerySet[Any]](user: Actor | None, queryset: QS) -> QS:
    if is_secretariat(user):
        return queryset
    mine = user_organisation_ids(user)
    public = queryset.public()  # type: ignore[attr-defined]
    if mine:
        return _once(queryset, public | queryset.owned_by(mine))  # type: ignore[attr-defined]
    countries = user_country_codes(user)
    if countries and hasattr(queryset, "owned_by_countries"):
        return (public | queryset.owned_by_countries(countries)).distinct()
    return public


def writable[QS: models.QuerySet[Any]](user: Actor | None, queryset: QS) -> QS:
    if is_secretariat(user):
        return queryset
    mine = user_organisation_ids(user)
    if mine:
        return _once(queryset, queryset.owned_by(mine))  # type: ignore[attr-defined]
    countries = user_country_codes(user)
    if countries and hasattr(queryset, "owned_by_countries"):
        return queryset.owned_by_countries(countries).distinct()
    return queryset.none()


def get_for_user[M: models.Model](user: Actor | None, queryset: models.QuerySet[M] | type[M], pk: Any, *, write: bool = False) -> M:
    """Fetch one object for ``user``: 404 if they may not see it, 403 if they may not change it.

    Unreadable objects answer 404, not 403, so their existence does not leak.
    """
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    try:
        obj = qs.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not can_read(user, obj):
        raise Http404
    if write and not can_write(user, obj):
        raise PermissionDenied
    return obj


def require_secretariat(user: Actor | None) -> None:
    if not is_secretariat(user):
        raise PermissionDenied


def require_signed_in(user: Actor | None) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied


def _owners(obj: models.Model) -> set[int]:
    method = getattr(obj, "owner_organisation_ids", None)
    return set(method()) if method else set()
