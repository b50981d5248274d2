"""Hand-written statements for the comment-intake hot path, each built once per database from
the models' metadata (table, columns, converters), as ``accounts.services.api_token_authenticate``
does for the token lookup.

Why: compiling the intake's seven ORM queries was most of an intake's CPU; hand-written (with
the respondent lock and duplicate check dropped) the intake's Python CPU went from 7.37 to
4.12 ms per comment (see ``bench/consultations_RESULTS.md``). Only the intake uses these;
everything else keeps the ORM. Rows come back as model instances (``Model.from_db``), values go
in through each field's ``get_db_prep_save``, so conversions stay the fields' own.

They are sent through ``tutela.core.db.prepared_cursor`` (as the token lookup is): on PostgreSQL
with server-side parameters, prepared once per connection, so PostgreSQL no longer parses and
plans them for every comment; still through Django's cursor wrapper, so errors are Django's
(``IntegrityError``) and debug/test query capture sees them.
"""

import functools
from typing import Any

from django.db import connection, connections, models

from tutela.core.db import convert_row, prepared_cursor, row_converters


@functools.cache
def _select(alias: str, model: type[models.Model], where: tuple[str, ...]) -> tuple[str, list[str], list]:
    conn = connections[alias]
    qn = conn.ops.quote_name
    meta = model._meta
    fields = meta.concrete_fields
    by_name = {f.attname: f for f in fields} | {f.name: f for f in fields}
    conditions = " AND ".join(f"{qn(by_name[name].column)} = %s" for name in where)
    sql = f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(meta.db_table)} WHERE {conditions}"
    return sql, [f.attname for f in fields], row_converters(conn, fields, meta.db_table)


def fetch[M: models.Model](model: type[M], **where: Any) -> M | None:
    """The one row of ``model`` whose columns equal ``where`` (a unique key), or None."""
    sql, attnames, converters = _select(connection.alias, model, tuple(where))
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(sql, list(where.values()))
        row = cursor.fetchone()
    if row is None:
        return None
    return model.from_db(connection.alias, attnames, convert_row(list(row), converters, connection))


@functools.cache
def _insert(alias: str, model: type[models.Model], names: tuple[str, ...], conflict: tuple[str, ...]) -> tuple[str, list]:
    conn = connections[alias]
    qn = conn.ops.quote_name
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    if conflict:
        sql += f" ON CONFLICT ({', '.join(qn(meta.get_field(n).column) for n in conflict)}) DO NOTHING"
    if meta.pk.name not in names:
        sql += f" RETURNING {qn(meta.pk.column)}"
    return sql, fields


def insert(model: type[models.Model], values: dict[str, Any], *, on_conflict_do_nothing: tuple[str, ...] = ()) -> Any:
    """Insert one row (field name → Python value) and return its primary key; None when
    ``on_conflict_do_nothing`` names a unique key that the row collides with (nothing written).
    A collision on any other unique key raises ``IntegrityError`` as usual."""
    sql, fields = _insert(connection.alias, model, tuple(values), on_conflict_do_nothing)
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values.values(), strict=True)]
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(sql, params)
        if model._meta.pk.name in values:
            return values[model._meta.pk.name] if cursor.rowcount else None
        row = cursor.fetchone()
    return row[0] if row else None


@functools.cache
def _insert_with(alias: str, model: type[models.Model], names: tuple[str, ...], conflict: tuple[str, ...],
                 dependents: tuple[tuple[type[models.Model], tuple[str, ...], tuple[tuple[str, str], ...]], ...]) -> tuple[str, list]:
    conn = connections[alias]
    qn = conn.ops.quote_name
    sql, fields = _insert(alias, model, names, conflict)
    fields = list(fields)  # the cached list of ``_insert`` stays as it is
    parts = [f"WITH new AS ({sql})"]
    for i, (dep, dep_names, exprs) in enumerate(dependents):
        meta = dep._meta
        dep_fields = [meta.get_field(name) for name in dep_names]
        fields += dep_fields
        # Typed: a bare parameter in a SELECT list would be taken for text.
        columns = [qn(f.column) for f in dep_fields] + [qn(meta.get_field(name).column) for name, _expr in exprs]
        values = [f"%s::{f.cast_db_type(conn)}" for f in dep_fields] + [expr for _name, expr in exprs]
        parts.append(f", d{i} AS (INSERT INTO {qn(meta.db_table)} ({', '.join(columns)}) SELECT {', '.join(values)} FROM new)")
    parts.append(f" SELECT {qn(model._meta.pk.column)} FROM new")
    return "".join(parts), fields


def insert_with(model: type[models.Model], values: dict[str, Any], *, on_conflict_do_nothing: tuple[str, ...],
                dependents: list[tuple[type[models.Model], dict[str, Any], dict[str, str]]]) -> Any:
    """PostgreSQL: ``insert`` plus, in the same statement (so in its own transaction, with one
    commit), one row of each dependent model for the new row, or none when nothing was inserted.
    A dependent is (model, field name → Python value, field name → SQL expression over
    ``new.id``, the new row's key), e.g. ``{"target_id": "new.id::text"}``."""
    key = tuple((dep, tuple(dep_values), tuple(exprs.items())) for dep, dep_values, exprs in dependents)
    sql, fields = _insert_with(connection.alias, model, tuple(values), on_conflict_do_nothing, key)
    all_values = [*values.values()] + [v for _dep, dep_values, _exprs in dependents for v in dep_values.values()]
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, all_values, strict=True)]
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None
