"""The initiative's mandate gets dated versions; the one undated text becomes each initiative's first version."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def to_versions(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    MandateVersion = apps.get_model("initiatives", "MandateVersion")
    MandateVersion.objects.bulk_create([
        MandateVersion(initiative_id=pk, citation=" ".join(text.split())[:300], in_force_from=None)
        for pk, text in Initiative.objects.exclude(mandate="").values_list("pk", "mandate") if text.strip()])


def to_text(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    MandateVersion = apps.get_model("initiatives", "MandateVersion")
    for version in MandateVersion.objects.order_by(F("in_force_from").asc(nulls_first=True), "pk"):
        Initiative.objects.filter(pk=version.initiative_id).update(mandate=version.citation)  # the latest wins


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0002_pillars")]

    operations = [
        migrations.CreateModel(
            name="MandateVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("citation", models.CharField(help_text="As a report cites it, e.g. Plenipotentiary Resolution 179 (Rev. Busan, 2014)", max_length=300, verbose_name="citation")),
                ("in_force_from", models.DateField(blank=True, help_text="Empty only for a first version whose date is not known.", null=True, verbose_name="in force from")),
                ("adopted_by", models.CharField(blank=True, help_text="e.g. Plenipotentiary Conference, Busan", max_length=200, verbose_name="adopted or revised by")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("initiative", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="mandate_versions", to="initiatives.initiative")),
            ],
            options={
                "verbose_name": "mandate version",
                "ordering": ["initiative", F("in_force_from").asc(nulls_first=True), "pk"],
                "constraints": [models.UniqueConstraint(fields=("initiative", "in_force_from"), name="mandate_version_one_per_day", violation_error_message="This initiative already has a version of its mandate in force from that day.")],
            },
        ),
        migrations.RunPython(to_versions, to_text),
        migrations.RemoveField(model_name="initiative", name="mandate"),
    ]
