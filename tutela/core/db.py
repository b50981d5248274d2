"""The one cursor the hot paths that bypass the ORM share (token lookup, comment intake, numbering)."""

import functools
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorWrapper


def prepared_cursor(alias: str = DEFAULT_DB_ALIAS) -> CursorWrapper:
    """A cursor whose statements PostgreSQL prepares on their first use on the connection.

    Django's cursors bind parameters on the client and are never prepared, so PostgreSQL parses
    and plans a hot statement on every call. This one binds on the server and asks psycopg to
    prepare (which needs ``prepare_threshold`` set, see settings). It is wrapped as Django wraps
    its own: errors are Django's, and debug/test query capture sees the statements. Use it only
    for statements whose text never changes. On other databases: Django's ordinary cursor.
    """
    conn = connections[alias]
    if conn.vendor != "postgresql":
        return conn.cursor()
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    with conn.wrap_database_errors:
        return conn._prepare_cursor(_preparing_cursor_class()(conn.connection))  # what cursor() does


@functools.cache
def _preparing_cursor_class() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor  # psycopg 3 only

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True, **kwargs)

    return PreparingCursor


def row_converters(conn, fields, table_alias: str) -> list[tuple[int, Any, list]]:
    """Django's own converters for a hand-written SELECT of ``fields`` (in that order), built once:
    ``(index, column, functions)`` for each column that has any, for ``convert_row``."""
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(table_alias)
        funcs = [*conn.ops.get_db_converters(col), *field.get_db_converters(conn)]
        if funcs:
            converters.append((index, col, funcs))
    return converters


def convert_row(values: list[Any], converters: list[tuple[int, Any, list]], conn) -> list[Any]:
    """``values`` (a row's list, changed in place) as the ORM would have converted them."""
    for index, col, funcs in converters:
        for func in funcs:
            values[index] = func(values[index], col, conn)
    return values
