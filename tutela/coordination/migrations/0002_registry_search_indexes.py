"""Trigram indexes for the registry search on PostgreSQL (number, title, source; case-insensitive substring).

Django's ``icontains`` on PostgreSQL is ``UPPER(col::text) LIKE UPPER(%s)``, so the indexes are on
that expression. Skipped on SQLite, and skipped with a warning where the pg_trgm extension
cannot be created (the search still works, only slower).
"""

import logging

from django.db import migrations, transaction

logger = logging.getLogger(__name__)
COLUMNS = ["number", "title", "source"]


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # no privilege to create the extension: keep going without the indexes
        logger.warning("coordination: pg_trgm unavailable (%s); registry search runs without trigram indexes", exc)
        return
    with connection.cursor() as cursor:
        # A pasted full number ("JCA-COP DOC047") is answered by this btree, not by the trigrams.
        cursor.execute('CREATE INDEX IF NOT EXISTS coordination_document_number_upper '
                       'ON coordination_document (UPPER("number"::text))')
        for column in COLUMNS:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS coordination_document_{column}_trgm '
                f'ON coordination_document USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS coordination_document_number_upper")
        for column in COLUMNS:
            cursor.execute(f"DROP INDEX IF EXISTS coordination_document_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("coordination", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
