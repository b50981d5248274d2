"""Two partial indexes over the activities that are *not* public (drafts, and records waiting for review),
for the site search's second part (``core.access.readable_parts``: a focal point's own non-public rows).

They are a small share of the table, so these indexes are small: the GIN one serves a rare word (a bitmap
over only the non-public matches), the ordering one a common word (a walk over only the non-public rows,
newest first). The predicate is the one ``PublishableQuerySet.not_public()`` writes, so PostgreSQL can use
them. PostgreSQL only, like 0006 (full-text search is PostgreSQL's); on another database this does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models
from django.db.models import F, Q

NOT_PUBLIC = Q(is_published=False) | Q(awaiting_review=True)
INDEXES = [
    GinIndex(
        SearchVector("title", "summary", config="simple"),
        name="activity_unpublished_search_gin",
        condition=NOT_PUBLIC,
    ),
    models.Index(
        F("starts_on").desc(), F("id").desc(), name="activity_unpublished_idx", condition=NOT_PUBLIC
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.add_index(apps.get_model("activities", "Activity"), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.remove_index(apps.get_model("activities", "Activity"), index)


class Migration(migrations.Migration):
    dependencies = [("activities", "0008_activity_created_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
