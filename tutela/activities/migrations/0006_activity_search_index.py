"""A GIN index for the site search (``tutela.home.search``) over activities' title and summary.

Full-text search is PostgreSQL's: on any other database this migration does nothing (the search
matches substrings there). The index is built on the expression the search queries with
(``SearchVector("title", "summary", config="simple")``), so PostgreSQL can use it. It is not in
the model's ``Meta.indexes``, which every database would have to build.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("title", "summary", config="simple"), name="activity_search_gin")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("activities", "Activity"), INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("activities", "Activity"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("activities", "0005_project_stages")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
