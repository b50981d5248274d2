"""Demo organisations. The initiative core adds the rest of the seed's partners."""

from .models import Organisation
from .services import organisation_create

ORGANISATIONS = [
    # key, name, acronym, kind, country, parent key
    ("itu", "International Telecommunication Union", "ITU", "un_agency", "", None),
    ("acopea", "African Child Online Protection Education and Awareness Centre", "ACOPEA", "civil_society", "ET", None),
    ("trendmicro", "Trend Micro", "Trend Micro", "private_sector", "JP", None),
]


def organisation(context: dict, key: str) -> Organisation:
    return context["organisations"][key]


def load(context: dict) -> None:
    orgs = context.setdefault("organisations", {})
    for key, name, acronym, kind, country, parent in ORGANISATIONS:
        orgs[key] = organisation_create(
            actor=None, name=name, acronym=acronym, kind=kind, country=country,
            parent=orgs.get(parent) if parent else None,
        )
