"""The five Global Cybersecurity Agenda pillars, in order, with COP's reading of each."""

from django.db import migrations

PILLARS = [
    (1, "Legal Measures", "Legal", "legal",
     "Tracks legal approaches across countries and legal systems; publishes guidance that helps Member States build a legal framework protecting children."),
    (2, "Technical and Procedural Measures", "Technical", "technical",
     "Develops key recommendations and standards for all stakeholders; ITU-T work is coordinated through JCA-COP."),
    (3, "Organizational Structures", "Organizational", "organizational",
     "Promotes a model national framework and national COP units; develops indicators to measure progress at global, regional and national level."),
    (4, "Capacity Building", "Capacity building", "capacity-building",
     "Helps countries implement national COP strategies; training and awareness."),
    (5, "International Cooperation", "Cooperation", "cooperation",
     "Multi-stakeholder partnerships, e.g. UN agencies, industry, NGOs."),
]


def create(apps, schema_editor):
    Pillar = apps.get_model("initiatives", "Pillar")
    for number, name, short, slug, description in PILLARS:
        Pillar.objects.update_or_create(
            number=number, defaults={"name": name, "short_name": short, "slug": slug, "description": description}
        )


def remove(apps, schema_editor):
    apps.get_model("initiatives", "Pillar").objects.filter(number__in=[p[0] for p in PILLARS]).delete()


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
