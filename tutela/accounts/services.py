"""Writes to accounts and API tokens."""

import functools
import hashlib
import secrets
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.core import audit
from tutela.core.db import convert_row, prepared_cursor, row_converters

from . import token_cache
from .models import ApiToken, User

TOKEN_PREFIX = "tut_"


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

    This runs on every API request. The answer is kept per database connection and dropped as
    soon as any user or token may have changed (``token_cache``), so revocation stays immediate.
    Otherwise it is one hand-written statement (token joined to its user, hit on the unique
    ``key_hash`` index): compiling the ORM query cost more than running it. The database judges
    whether ``last_used_at`` is stale, so no timestamp is built per call.
    """
    if not key.startswith(TOKEN_PREFIX):
        return None
    conn = connections[DEFAULT_DB_ALIAS]
    conn.ensure_connection()
    key_hash = _hash(key)
    sql, attnames, converters = _token_lookup(conn.vendor)
    entries = token_cache.usable(conn)
    entry = entries.get(key_hash) if entries else None
    if entry is not None:
        if entry.touch_due <= time.monotonic():
            entry.touch_due = time.monotonic() + token_cache.TOUCH_EVERY
            ApiToken.objects.filter(pk=entry.token_id).update(last_used_at=timezone.now())
        return user_from_remembered(entry.values)
    with prepared_cursor() as cursor:
        cursor.execute(sql, (key_hash,))
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, stale, values = row[0], row[1], convert_row(list(row[2:]), converters, conn)
    user = User.from_db(DEFAULT_DB_ALIAS, attnames, values)
    if not user.is_active:
        return None
    # Touch last_used_at at most once a minute: a hot client must not turn every read into a write.
    if stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=timezone.now())
    if entries is not None:
        token_cache.remember(conn, key_hash, token_id, dict(zip(attnames, values, strict=True)))
    return user


def user_from_remembered(fields: dict[str, Any]) -> User:
    """The user ``User.from_db`` would build from these column values, built without running
    ``Model.__init__`` over every field again (a third of a remembered token call). User has
    no init signals and no field with a data descriptor; a test compares the two."""
    user = User.__new__(User)
    user.__dict__.update(fields)
    state = user._state = ModelState()
    state.adding = False
    state.db = DEFAULT_DB_ALIAS
    return user


# "last used more than a minute ago", computed by the database (stored datetimes are UTC).
_STALE = {
    "postgresql": "t.last_used_at < now() - interval '60 seconds'",
    "sqlite": "t.last_used_at < strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', '-60 seconds')",
}


@functools.cache
def _token_lookup(vendor: str) -> tuple[str, list[str], list]:
    """The lookup statement for the default database, its user columns and their converters (built once)."""
    conn = connections[DEFAULT_DB_ALIAS]
    qn = conn.ops.quote_name
    fields = User._meta.concrete_fields
    columns = ", ".join(f"u.{qn(f.column)}" for f in fields)
    sql = (
        f"SELECT t.{qn('id')}, (t.{qn('last_used_at')} IS NULL OR {_STALE[vendor]}), {columns} "
        f"FROM {qn(ApiToken._meta.db_table)} t JOIN {qn(User._meta.db_table)} u ON u.{qn('id')} = t.{qn('user_id')} "
        f"WHERE t.{qn('key_hash')} = %s AND t.{qn('revoked_at')} IS NULL"
    )
    return sql, [f.attname for f in fields], row_converters(conn, fields, "u")


def login_attempt_username(request: Any, credentials: dict | None) -> str:
    """What django-axes counts failures against: the e-mail address typed, lower-cased."""
    value = (credentials or {}).get("username") or (credentials or {}).get("email")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("username", "")
    return str(value or "").strip().lower()
