"""Per-connection memory of API token lookups, dropped the moment anything behind it may have changed.

Every API call by a script presents its token, and looking it up cost more than the rest of a small
request (a database round trip, decoding the user row, and on PostgreSQL the server's work). So the
answer is kept in memory, tied to the database connection that read it, and dropped whole as soon as
that connection can see that *any* user or token may have changed. Revocation stays immediate:

- **SQLite** (one machine, one file): the WAL-index header shared by every connection (``-shm``,
  see ``wal_header``; ``PRAGMA data_version`` where there is none) changes when any connection
  commits, and ``total_changes`` counts this connection's own writes (even ones later rolled back).
  Both are read before each use, without touching the disk; any difference drops the memory.
- **PostgreSQL**: triggers on the user and token tables send ``NOTIFY tutela_auth`` when a row is
  updated or deleted (migration 0002); every connection ``LISTEN``s when it opens. Before each use
  the process reads what has already arrived on the socket (no round trip); a notification, or a new
  connection, drops the memory. (A connection pooler in transaction mode would break LISTEN.)
- Nothing is remembered or used inside a transaction: what it read could still roll back.

The memory holds plain column values; each request builds its own user object from them.
"""

from __future__ import annotations

import mmap
import threading
import time
from typing import Any

CHANNEL = "tutela_auth"
MAX_ENTRIES = 1000
TOUCH_EVERY = 60.0  # seconds between writes of a token's last_used_at


class Entry:
    __slots__ = ("token_id", "values", "touch_due")

    def __init__(self, token_id: int, values: dict[str, Any], touch_due: float) -> None:
        self.token_id = token_id
        self.values = values
        self.touch_due = touch_due


class _State(threading.local):
    raw: Any = None  # the DB-API connection the entries were read through
    mark: Any = None  # SQLite: (WAL header or data_version, total_changes); PostgreSQL: notifications seen
    notified: int = 0  # notifications psycopg read during other queries (see _reset)
    wal_header: Any = None  # SQLite in WAL mode: the shared WAL-index header (see wal_header)
    entries: dict[str, Entry]

    def __init__(self) -> None:
        self.entries = {}


_state = _State()


def usable(conn) -> dict[str, Entry] | None:
    """The entries still valid for Django connection ``conn``, or None when none may be used now.

    Call it before the lookup: it also notes how the database looked, for ``remember``."""
    if conn.in_atomic_block or conn.connection is None:
        return None
    if conn.connection is not _state.raw:
        _reset(conn.connection, conn.settings_dict["NAME"] if conn.vendor == "sqlite" else None)
    changed = _changed(conn)
    if changed is None:
        return None
    if changed:
        _state.entries.clear()
    return _state.entries


def remember(conn, key_hash: str, token_id: int, values: dict[str, Any]) -> None:
    """Keep what the lookup just read, unless anything changed since ``usable`` was called."""
    if conn.in_atomic_block or conn.connection is not _state.raw or _state.mark is None:
        return
    changed = _changed(conn)
    if changed is None:
        return
    if changed:  # a commit (or this request's own write) since the lookup began: keep nothing
        _state.entries.clear()
        return
    if len(_state.entries) >= MAX_ENTRIES:
        _state.entries.clear()
    # last_used_at is under a minute old (or was just written): touching again a minute from
    # now keeps "at most once a minute" and lets it lag by at most another minute.
    _state.entries[key_hash] = Entry(token_id, values, time.monotonic() + TOUCH_EVERY)


def _changed(conn) -> bool | None:
    """Whether anything may have changed since the last call on this connection (None: cannot tell)."""
    raw = conn.connection
    try:
        if conn.vendor == "sqlite":
            if _state.wal_header is not None:
                mark = (_state.wal_header[:48], raw.total_changes)
            else:
                mark = (raw.execute("PRAGMA data_version").fetchone()[0], raw.total_changes)
        elif conn.vendor == "postgresql":
            pgconn = raw.pgconn
            pgconn.consume_input()  # reads what has arrived; libpq's socket is non-blocking
            mark = _state.mark or 0
            while pgconn.notifies() is not None:
                mark += 1
            mark += _state.notified
            _state.notified = 0
        else:
            return None
    except Exception:  # a broken connection: trust nothing; the lookup will report the error
        _reset(None)
        return None
    changed = mark != _state.mark
    _state.mark = mark
    return changed


def wal_header(path: str | None, raw: Any) -> mmap.mmap | None:
    """The WAL index header of SQLite database ``path`` (opened by ``raw``), mapped read-only.

    In WAL mode every connection to the file shares ``<path>-shm``; its first 48 bytes are the
    WAL-index header (https://www.sqlite.org/walformat.html, "The WAL-Index Header"), whose
    ``iChange`` counter goes up with every committed transaction. Reading it is a memory read;
    ``PRAGMA data_version`` gives the same answer but opens a read transaction, whose file locks
    cost 5 % of a small API call with two server processes. While ``raw`` is open the file cannot
    be removed. None (use the PRAGMA) for an in-memory database or a journal mode other than WAL.
    """
    if not path or str(path).startswith(":memory:") or str(path).startswith("file:"):
        return None
    if raw.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        return None
    try:
        with open(f"{path}-shm", "rb") as shm:
            header = mmap.mmap(shm.fileno(), 96, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    if header[12] != 1:  # isInit: not initialised yet
        header.close()
        return None
    return header


def _reset(raw: Any, sqlite_path: str | None = None) -> None:
    _state.raw = raw
    _state.mark = None
    _state.notified = 0
    _state.entries = {}
    if _state.wal_header is not None:
        _state.wal_header.close()
    _state.wal_header = wal_header(sqlite_path, raw) if raw is not None and sqlite_path else None
    if raw is not None and getattr(raw, "pgconn", None) is not None:
        # Notifications psycopg reads while running other queries reach this handler, not pgconn.notifies().
        state = _state

        def seen(_notify: Any) -> None:
            state.notified += 1

        raw.add_notify_handler(seen)


def listen(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: every PostgreSQL connection listens for auth changes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LISTEN {CHANNEL}")
