"""Drop the NOTIFY triggers of 0002: API tokens are looked up on every request, nothing listens.

(LISTEN does not work behind a transaction-mode pooler and a hot-standby replica refuses it.)
"""

from django.db import migrations

DROP = """
DROP TRIGGER IF EXISTS accounts_apitoken_changed ON accounts_apitoken;
DROP TRIGGER IF EXISTS accounts_user_changed ON accounts_user;
DROP FUNCTION IF EXISTS tutela_auth_changed();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_auth_change_notify")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
