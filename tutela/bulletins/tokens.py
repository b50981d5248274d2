"""Signed links with no account: confirm a subscription, manage one's subscriptions, unsubscribe.

Each token is signed with ``SECRET_KEY`` under its own salt, carries the subscriber's ``key``
(changing it revokes every link sent so far) and expires (settings, defaults in brackets):
``BULLETINS_CONFIRM_DAYS`` [7], ``BULLETINS_MANAGE_DAYS`` [365], ``BULLETINS_UNSUBSCRIBE_DAYS`` [365].
"""

from typing import Any

from django.conf import settings
from django.core import signing

CONFIRM, MANAGE, UNSUBSCRIBE = "bulletins.confirm", "bulletins.manage", "bulletins.unsubscribe"
DAYS = {CONFIRM: ("BULLETINS_CONFIRM_DAYS", 7), MANAGE: ("BULLETINS_MANAGE_DAYS", 365),
        UNSUBSCRIBE: ("BULLETINS_UNSUBSCRIBE_DAYS", 365)}


class BadToken(Exception):
    """The link is forged, altered, expired or revoked. ``expired`` says which message to show."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def make(purpose: str, **values: Any) -> str:
    return signing.TimestampSigner(salt=purpose).sign_object(values)


def read(purpose: str, token: str) -> dict[str, Any]:
    name, default = DAYS[purpose]
    try:
        value = signing.TimestampSigner(salt=purpose).unsign_object(
            token, max_age=int(getattr(settings, name, default)) * 86400)
    except signing.SignatureExpired as exc:
        raise BadToken(expired=True) from exc
    except (signing.BadSignature, ValueError, TypeError, UnicodeError) as exc:
        raise BadToken() from exc
    if not isinstance(value, dict):
        raise BadToken()
    return value
