"""Writes to accounts and API tokens."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.core import audit

from .models import ApiToken, User

TOKEN_PREFIX = "tut_"
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def user_create(
    *, actor: Any, email: str, password: str | None, role: str = User.Role.STAKEHOLDER, **fields: Any
) -> User:
    """Create an account. Raises ValidationError for a taken address or a focal point without organisation."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    if role == User.Role.FOCAL_POINT and not fields.get("organisation"):
        raise ValidationError({"organisation": _("A partner focal point must belong to an organisation.")})
    user = User(email=email, role=role, **fields)
    user.set_password(password) if password else user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=actor, action="user.created", target=user, changes={"email": [None, email], "role": [None, role]})
    return user


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for ``actor``. Returns the token and its secret, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the script that will use it.")})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name[:100], prefix=key[:12], key_hash=_hash(key))
    audit.record(actor=actor, action="api_token.created", target=token, changes={"name": [None, token.name]})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk and not actor.is_superuser:
        raise ValidationError(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_token.revoked", target=token, changes={"revoked": [False, True]})
    return token


def api_token_authenticate(key: str) -> User | None:
    """The active user behind ``key``, or None for an unknown or revoked token.

    One ORM lookup per request on the unique ``key_hash`` index, joined to the user, so a
    revocation or a deactivation counts from the next request, whatever database, replica or
    pooler is in between. ``last_used_at`` is written at most once a minute, so a busy script
    does not turn every read into a write.
    """
    if not key.startswith(TOKEN_PREFIX):
        return None
    try:
        token = ApiToken.objects.select_related("user").get(
            key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def login_attempt_username(request: Any, credentials: dict | None) -> str:
    """What django-axes counts failures against: the e-mail address typed, lower-cased."""
    value = (credentials or {}).get("username") or (credentials or {}).get("email")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("username", "")
    return str(value or "").strip().lower()
