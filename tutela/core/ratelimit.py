"""Rate limits: at most ``count`` events per ``seconds`` for one key (a client address, an e-mail
address), counted in the shared ``ratelimit`` cache.

One implementation for every endpoint that must be limited (confirmation e-mails, anonymous
comments, …): call ``hit(LIMIT, key)`` where the event happens; it answers None and counts the
event, or a ``Refusal`` saying when to try again (the event is then not counted). A service that
is refused raises ``LimitReached`` (a ValidationError carrying the refusal and the message); every
429 then goes out the same way, with a ``Retry-After`` header in seconds: ``refused(response,
refusal)`` for a page that shows its form again, ``too_many_requests`` for a page of its own and
the API (``core.api`` turns ``LimitReached`` into it, and ``core.api.RATE_LIMITED`` declares it).

The count is a sliding window: the timestamps of the last ``count`` events are kept under one
cache key (hashed with the SECRET_KEY, so the cache never holds addresses in clear) and expire
with the window. The ``ratelimit`` cache is a database cache (``settings.CACHES``), so every web
process of a deployment shares the counts; the table is created by core's migration 0002.
Reading and writing the entry are two steps: two requests at the same instant may both be
counted as the one before last, so a limit can be exceeded by the number of concurrent requests,
never more (docs/decisions.md).
"""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

CACHE = "ratelimit"


@dataclass(frozen=True)
class Limit:
    scope: str  # names the counter, e.g. "comment-ip"
    count: int
    seconds: int


@dataclass(frozen=True)
class Refusal:
    limit: Limit
    retry_at: datetime
    now: datetime

    @property
    def retry_after(self) -> int:
        """Whole seconds until the next event is allowed (for the Retry-After header)."""
        return max(1, math.ceil((self.retry_at - self.now).total_seconds()))


class LimitReached(ValidationError):
    """A service refused an event past its limit: ``message`` says what happened and when to try
    again; ``refusal`` gives the seconds for the ``Retry-After`` header. Nothing was stored."""

    def __init__(self, message: str, refusal: Refusal, field: str = "__all__") -> None:
        super().__init__({field: message})
        self.refusal = refusal
        self.field = field

    @property
    def text(self) -> str:
        return self.message_dict[self.field][0]


def _key(limit: Limit, key: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{limit.scope}\0{key}".encode(), hashlib.sha256).hexdigest()
    return f"rl:{limit.scope}:{digest[:40]}"


def hit(limit: Limit, key: str | None, *, now: datetime | None = None) -> Refusal | None:
    """Count one event for ``key`` under ``limit``, or refuse it. A missing key is not limited."""
    if not key:
        return None
    now = now or timezone.now()
    cache = caches[CACHE]
    cache_key = _key(limit, str(key).strip().lower())
    stamp = now.timestamp()
    recent = [t for t in (cache.get(cache_key) or []) if t > stamp - limit.seconds]
    if len(recent) >= limit.count:
        oldest = sorted(recent)[-limit.count]
        return Refusal(limit=limit, retry_at=datetime.fromtimestamp(oldest, tz=now.tzinfo) + timedelta(
            seconds=limit.seconds), now=now)
    recent.append(stamp)
    cache.set(cache_key, sorted(recent)[-limit.count:], timeout=limit.seconds)
    return None


def reset(limit: Limit, key: str) -> None:
    caches[CACHE].delete(_key(limit, str(key).strip().lower()))


def refused(response: HttpResponse, refusal: Refusal) -> HttpResponse:
    """Make ``response`` (e.g. a form shown again with the refusal's message) the 429 it is."""
    response.status_code = 429
    response["Retry-After"] = str(refusal.retry_after)
    return response


def api_error(refusal: Refusal, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    """The API's error shape for a 429 (``core.api.TooManyRequestsOut``)."""
    return {"error": {"code": "too_many_requests", "message": message, "fields": fields or {},
                      "retry_after": refusal.retry_after}}


def too_many_requests(request: HttpRequest, refusal: Refusal, message: str) -> HttpResponse:
    """A 429 with a Retry-After header: the API's error shape under /api/, the 429 page elsewhere."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(api_error(refusal, message))
    else:
        response = render(request, "429.html", {"message": message, "retry_after": refusal.retry_after})
    return refused(response, refusal)
