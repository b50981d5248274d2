"""A GIN index for the site search (``tutela.home.search``) over activities' translated text (issue 18 item 4).

PostgreSQL only, like 0006: the expression is ``core.translations.AllTranslationsVector`` over
``translations`` (every language's title and summary). A search in French asks ``this vector @@ query``
(the index) and then checks the French texts of the rows found; in English the search is unchanged.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations
from django.db.models import F

from tutela.core.translations import AllTranslationsVector

INDEX = GinIndex(AllTranslationsVector(F("translations")), name="activity_translations_gin")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("activities", "Activity"), INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("activities", "Activity"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("activities", "0014_activity_partner_owner_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
