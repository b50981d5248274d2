"""Review before publishing (core.review). Existing published rows stay published, unless their free
text holds a probable child's identity (core.childtext): those are unpublished, flagged and put
in the secretariat's review queue."""

from django.db import migrations, models


def flag_existing(apps, schema_editor):
    from tutela.core import childtext

    Activity = apps.get_model("activities", "Activity")
    Participation = apps.get_model("activities", "Participation")
    descriptions: dict[int, list[tuple[str, str]]] = {}
    for activity_id, group, text in Participation.objects.exclude(description="").values_list(
            "activity_id", "group", "description").iterator(chunk_size=5000):
        descriptions.setdefault(activity_id, []).append((group, text))
    flagged = []
    rows = Activity.objects.exclude(summary="", objective="").values_list("pk", "title", "summary", "objective")
    candidates = {pk: (title, summary, objective) for pk, title, summary, objective in rows.iterator(chunk_size=5000)
                  if childtext.might_identify(f"{title}\n{summary}\n{objective}")}
    for pk in set(descriptions) - set(candidates):
        candidates[pk] = None
    for pk, texts in candidates.items():
        if texts is None:
            texts = Activity.objects.values_list("title", "summary", "objective").get(pk=pk)
        rows = descriptions.get(pk, [])
        about_children = any(g == "children" for g, _t in rows)
        findings = []
        for name, text in (("title", texts[0]), ("summary", texts[1]), ("objective", texts[2]),
                           *(("participation", t) for _g, t in rows)):
            findings += childtext.scan(text, about_children=about_children, field=name)
        if findings:
            flagged.append((pk, [f.as_dict() for f in findings]))
    for pk, flags in flagged:
        Activity.objects.filter(pk=pk).update(review_flags=flags, is_published=False, awaiting_review=True)


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0002_initial'),
        ('initiatives', '0002_pillars'),
    ]

    operations = [
        migrations.AddField(
            model_name='activity',
            name='awaiting_review',
            field=models.BooleanField(db_default=False, default=False, help_text='Entered by a focal point or flagged: not public until the secretariat publishes it.', verbose_name='waiting for review'),
        ),
        migrations.AddField(
            model_name='activity',
            name='review_flags',
            field=models.JSONField(blank=True, db_default=[], default=list, help_text='What the child-identity check found in the text: signal, field, excerpt, cleared.', verbose_name='review flags'),
        ),
        migrations.AddConstraint(
            model_name='activity',
            constraint=models.CheckConstraint(condition=models.Q(('is_published', False), ('awaiting_review', False), _connector='OR'), name='activity_published_is_reviewed'),
        ),
        migrations.RunPython(flag_existing, migrations.RunPython.noop),
    ]
