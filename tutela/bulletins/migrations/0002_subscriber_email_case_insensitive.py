"""One subscriber per address whatever its case: rows that differ only in case are merged into the
oldest (its subscriptions, consent records and deliveries kept), then a unique index on lower(email)."""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models.functions import Lower


def merge_case_duplicates(apps, schema_editor):
    Subscriber = apps.get_model("bulletins", "Subscriber")
    Subscription = apps.get_model("bulletins", "Subscription")
    ConsentRecord = apps.get_model("bulletins", "ConsentRecord")
    Delivery = apps.get_model("bulletins", "Delivery")
    groups: dict[str, list[int]] = {}
    for pk, address in Subscriber.objects.annotate(low=Lower("email")).order_by("pk").values_list("pk", "low"):
        groups.setdefault(address, []).append(pk)
    for keeper, *duplicates in (pks for pks in groups.values() if len(pks) > 1):
        for duplicate in duplicates:
            for subscription in Subscription.objects.filter(subscriber_id=duplicate):
                kept = Subscription.objects.filter(subscriber_id=keeper, mailing_list_id=subscription.mailing_list_id).first()
                if kept is None:
                    Subscription.objects.filter(pk=subscription.pk).update(subscriber_id=keeper)
                else:
                    ConsentRecord.objects.filter(subscription_id=subscription.pk).update(subscription_id=kept.pk)
            received = Delivery.objects.filter(subscriber_id=keeper).values("bulletin_id")
            Delivery.objects.filter(subscriber_id=duplicate).exclude(bulletin_id__in=received).update(subscriber_id=keeper)
            Subscriber.objects.filter(pk=duplicate).delete()
    if schema_editor.connection.vendor == "postgresql":
        # Check the deferred foreign keys now: PostgreSQL builds no index while their checks are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ("bulletins", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="subscriber",
            name="email",
            field=models.EmailField(max_length=254, verbose_name="e-mail address"),
        ),
        migrations.RunPython(merge_case_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="subscriber",
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower("email"),
                                               name="bulletins_subscriber_email_ci"),
        ),
    ]
