"""Reads of the public, read-only pages from a hot-standby replica, when one is configured.

``DATABASE_REPLICA_URL`` adds the ``replica`` alias (config/settings.py). ``ReplicaReadsMiddleware``
marks a request as a public read: GET or HEAD with no cookie and no ``Authorization`` header, i.e.
the anonymous public, who see only published records. During such a request the router sends
reads to the replica; everything else reads from the primary: signed-in users (they must see
their own writes at once), API tokens (a revocation counts from the next request), unsafe
methods, any read inside a transaction on the primary (a service's reads and row locks), and the
database cache (rate-limit counters).
Writes always go to the primary. A replica lags its primary by a moment: a public page may
show a record published a moment ago one request later, never a private one.
"""

import contextvars
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_public_read: contextvars.ContextVar[bool] = contextvars.ContextVar("tutela_public_read", default=False)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if model._meta.app_label == "django_cache":  # rate-limit counters must be read where they are written
            return None
        if (_public_read.get() and REPLICA in settings.DATABASES
                and not connections[DEFAULT_DB_ALIAS].in_atomic_block):
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        dbs = {obj1._state.db, obj2._state.db}
        return True if dbs <= {DEFAULT_DB_ALIAS, REPLICA} else None  # the same data

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None  # the replica follows the primary's schema


class ReplicaReadsMiddleware:
    """Marks anonymous GET/HEAD requests (no cookie, no Authorization header) as public reads."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        public = (request.method in ("GET", "HEAD") and not request.COOKIES
                  and "HTTP_AUTHORIZATION" not in request.META)
        if not public:
            return self.get_response(request)
        token = _public_read.set(True)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)
