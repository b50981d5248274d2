"""GiST indexes on the days an activity or an occasion covers, for the calendars' date-overlap queries.

The hub's month, year and list views ask for the events that share a day with a period
(``core.querysets.DaysOverlap``). On PostgreSQL that condition is written as
``daterange(starts_on, ends_on, '[]') && daterange(first, last, '[]')``, which these indexes, built on
the same expression, answer directly; a B-tree on ``starts_on`` read every event that started before
the period and discarded the ones that had ended (about 49,000 of 100,000 activities for a month in
2020, bench/RESULTS.md issue 19). Range types are PostgreSQL's: on any other database this migration
does nothing and the condition is two date comparisons. Not in the models' ``Meta.indexes``, which
every database would have to build. The check constraints ``*_ends_after_it_starts`` keep every range valid.
"""

from django.contrib.postgres.fields import DateRangeField
from django.contrib.postgres.indexes import GistIndex
from django.db import migrations
from django.db.models import F, Func, Value


def _days() -> Func:
    return Func(F("starts_on"), F("ends_on"), Value("[]"), function="DATERANGE", output_field=DateRangeField())


INDEXES = {"Activity": GistIndex(_days(), name="activity_days_gist"),
           "Occasion": GistIndex(_days(), name="occasion_days_gist")}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in INDEXES.items():
            schema_editor.add_index(apps.get_model("activities", model), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in INDEXES.items():
            schema_editor.remove_index(apps.get_model("activities", model), index)


class Migration(migrations.Migration):
    dependencies = [("activities", "0010_activity_awaiting_review_idx")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
