"""PostgreSQL: tell every connection when a user or a token changes (see accounts/token_cache.py)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION tutela_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tutela_auth', '');
    RETURN NULL;
END $$;
CREATE TRIGGER accounts_user_changed AFTER UPDATE OR DELETE ON accounts_user
    FOR EACH STATEMENT EXECUTE FUNCTION tutela_auth_changed();
CREATE TRIGGER accounts_apitoken_changed AFTER UPDATE OF key_hash, user_id, revoked_at OR DELETE ON accounts_apitoken
    FOR EACH STATEMENT EXECUTE FUNCTION tutela_auth_changed();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_apitoken_changed ON accounts_apitoken;
DROP TRIGGER IF EXISTS accounts_user_changed ON accounts_user;
DROP FUNCTION IF EXISTS tutela_auth_changed();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
