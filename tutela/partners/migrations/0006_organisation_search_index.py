"""A GIN index for the site search (``tutela.home.search``) over organisations' name and acronym.

Without it every search reads every organisation and computes its text vector (about 15 ms for 2,000
organisations on a loaded machine, on every search page). Built on the expression the search queries with
(``tutela.home.search.ORGANISATION_VECTOR``: ``SearchVector("name", "acronym", config="simple")``), so
PostgreSQL can use it. PostgreSQL only, like activities 0006 (full-text search is PostgreSQL's); on any
other database this does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("name", "acronym", config="simple"), name="organisation_search_gin")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("partners", "Organisation"), INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("partners", "Organisation"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("partners", "0005_agreement_stage")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
