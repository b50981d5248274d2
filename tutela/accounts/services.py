"""Writes to accounts and API tokens."""

import hashlib
import secrets
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from tutela.core import access, audit
from tutela.core.access import Actor
from tutela.core.services import repoint
from tutela.partners.models import Organisation

from . import tasks
from .models import ApiToken, User

TOKEN_PREFIX = "tut_"
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def user_create(
    *, actor: Actor | None, email: str, password: str | None, role: str = User.Role.STAKEHOLDER, **fields: Any
) -> User:
    """Create an account. Raises ValidationError for a taken address or a focal point without organisation."""
    return _user_new(actor=actor, action="user.created", email=email, password=password, role=role, **fields)


def _user_new(*, actor: Actor | None, action: str, email: str, password: str | None, role: str, **fields: Any) -> User:
    email = User.objects.normalize_email(email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    _check_role(role, fields.get("organisation"), fields.get("country") or "")
    user = User(email=email, role=role, **fields)
    user.set_password(password) if password else user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=actor, action=action, target=user, changes={"email": [None, email], "role": [None, role]})
    return user


def _check_role(role: str, organisation: Organisation | None, country: str = "") -> None:
    if role not in User.Role.values:
        raise ValidationError({"role": _("Choose secretariat, partner focal point, stakeholder or national focal point.")})
    if role == User.Role.FOCAL_POINT and not organisation:
        raise ValidationError({"organisation": _("A partner focal point must belong to an organisation.")})
    if role == User.Role.NATIONAL_FOCAL_POINT and not country:
        raise ValidationError({"country": _("A national focal point speaks for one country: choose it.")})


def _require_manager(actor: Actor, user: User | None = None) -> None:
    """Only the secretariat manages accounts (``actor=None``: a system write), and never their own:
    another member of the secretariat changes your role or deactivates you, so nobody locks themselves out."""
    if actor is None:
        return
    access.require_secretariat(actor)
    if user is not None and user.pk == actor.pk:
        raise ValidationError(_("Ask another member of the secretariat to change your own account."))


@transaction.atomic
def user_invite(
    *, actor: Actor, email: str, role: str = User.Role.STAKEHOLDER, organisation: Organisation | None = None,
    full_name: str = "", time_zone: str = "UTC", country: str = "",
) -> User:
    """Create an account without a password and e-mail its owner a link to choose one (after commit)."""
    _require_manager(actor)
    user = _user_new(actor=actor, action="user.invited", email=email, password=None, role=role,
                     organisation=organisation, full_name=" ".join(full_name.split()), time_zone=time_zone,
                     country=(country or "").upper())
    transaction.on_commit(partial(tasks.send_invitation.enqueue, user_id=user.pk))
    return user


def invitation_send(*, user_id: int) -> None:
    """The invitation e-mail: a one-time link (Django's password-reset token) to choose a password."""
    user = User.objects.get(pk=user_id)
    if not user.is_active or user.has_usable_password():
        return  # deactivated meanwhile, or the password is already chosen: the link is not needed
    link = settings.SITE_URL + reverse("accounts:password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
    send_mail(
        _("Your Tutela account"),
        _("An account was opened for you on Tutela (%(email)s).\n\nChoose your password here:\n%(link)s\n\n"
          "The link works once.") % {"email": user.email, "link": link},
        None, [user.email],
    )


@transaction.atomic
def user_role_change(
    *, actor: Actor, user: User, role: str, organisation: Organisation | None = None, country: str | None = None,
) -> User:
    """Change a user's role, and their organisation or country when one is given (a focal point
    needs an organisation, a national focal point a country; ``user_organisation_change`` removes
    the organisation)."""
    _require_manager(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user, ["role", "organisation_id", "country"])
    if organisation is not None:
        user.organisation = organisation
    if country is not None:
        user.country = country.upper()
    _check_role(role, user.organisation, str(user.country or ""))
    user.role = role
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "organisation", "country"])
    audit.record(actor=actor, action="user.role_changed", target=user, before=before)
    return user


@transaction.atomic
def user_organisation_change(*, actor: Actor, user: User, organisation: Organisation | None) -> User:
    """Move a user to another organisation (or none: not for a focal point)."""
    _require_manager(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user, ["organisation_id"])
    _check_role(user.role, organisation, str(user.country or ""))
    user.organisation = organisation
    user.save(update_fields=["organisation"])
    audit.record(actor=actor, action="user.organisation_changed", target=user, before=before)
    return user


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User) -> User:
    """Stop an account: from the next request it can neither sign in nor use its API tokens."""
    return _set_active(actor, user, False, "user.deactivated")


@transaction.atomic
def user_reactivate(*, actor: Actor, user: User) -> User:
    return _set_active(actor, user, True, "user.reactivated")


def _set_active(actor: Actor, user: User, active: bool, action: str) -> User:
    _require_manager(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active != active:
        before = audit.snapshot(user, ["is_active"])
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(actor=actor, action=action, target=user, before=before)
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


@transaction.atomic
def organisation_replaced(*, actor: Actor, old: Organisation, new: Organisation) -> dict[str, int]:
    """Users of ``old`` belong to ``new`` (an organisation merged away), each change audited."""
    moved = repoint(actor=actor, rows=User.objects.filter(organisation=old), field="organisation", new=new,
                    action="user.organisation_replaced")
    return {"accounts.User.organisation": moved} if moved else {}
