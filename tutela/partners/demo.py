"""Demo partners: every organisation the 2013–14 progress update names, and its agreements."""

from datetime import date

from .models import Agreement, Commitment
from .services import agreement_create, commitment_add, organisation_create

ORGANISATIONS = [
    # key, name, acronym, kind, country ("" = international), parent key, ITU Member State
    ("itu", "International Telecommunication Union", "ITU", "un_agency", "", None, False),
    ("itu_impact", "ITU-IMPACT", "ITU-IMPACT", "intergovernmental", "MY", "itu", False),
    ("acopea", "African Child Online Protection Education and Awareness Centre", "ACOPEA", "civil_society", "ET", None, False),
    ("facebook", "Facebook", "", "private_sector", "US", None, False),
    ("trendmicro", "Trend Micro", "", "private_sector", "JP", None, False),
    ("unicef", "United Nations Children's Fund", "UNICEF", "un_agency", "", None, False),
    ("action_innocence", "Action Innocence", "", "civil_society", "CH", None, False),
    ("isc2", "International Information System Security Certification Consortium", "(ISC)²", "civil_society", "US", None, False),
    ("gov_oman", "Government of the Sultanate of Oman", "Oman", "government", "OM", None, True),
    ("gov_azerbaijan", "Government of the Republic of Azerbaijan", "Azerbaijan", "government", "AZ", None, True),
    ("gov_costa_rica", "Government of Costa Rica", "Costa Rica", "government", "CR", None, True),
    ("gov_nigeria", "Government of Nigeria", "Nigeria", "government", "NG", None, True),
    ("gov_ethiopia", "Government of Ethiopia", "Ethiopia", "government", "ET", None, True),
    ("ntia", "National Telecommunications and Information Administration", "NTIA", "government", "US", None, False),
    ("gov_uk", "Government of the United Kingdom", "United Kingdom", "government", "GB", None, True),
]
SEED = "ITU, Update on the COP Initiative (2013–14), ¶{}"


def load(context: dict) -> None:
    orgs = context.setdefault("organisations", {})
    for key, name, acronym, kind, country, parent, member_state in ORGANISATIONS:
        orgs[key] = organisation_create(
            actor=None, name=name, acronym=acronym, kind=kind, country=country,
            parent=orgs[parent] if parent else None, is_itu_member_state=member_state,
        )
    agreements = context.setdefault("agreements", {})
    mou = agreement_create(
        actor=None,
        kind=Agreement.Kind.MOU,
        title="Memorandum of Understanding between ITU and Trend Micro",
        parties=[orgs["itu"], orgs["trendmicro"]],
        framework="ITU Global Cybersecurity Agenda (GCA)",
        objectives=(
            "The objective is to establish a framework for collaboration in line with the mutual goal of creating "
            "a more secure and safer information society. Through this partnership, ITU will benefit from Trend "
            "Micro's institutional expertise and research."
        ),
        source_url="https://www.itu.int/en/cop/Pages/activities.aspx",
    )
    commitment_add(
        actor=None, agreement=mou, text="Distribute information to ITU membership on a regular basis",
        responsible=[orgs["itu"], orgs["trendmicro"]], cadence=Commitment.Cadence.REGULAR,
        follow_up_status=Commitment.FollowUp.ON_TRACK,
    )
    agreements["trendmicro_mou"] = mou
    agreements["acopea_partnership"] = agreement_create(
        actor=None,
        kind=Agreement.Kind.PARTNERSHIP,
        title="Partnership between ITU and ACOPEA for the Addis Ababa child online safety pilot",
        parties=[orgs["itu"], orgs["acopea"]],
        signed_on=date(2013, 8, 1),
        date_is_approximate=True,
        objectives="Run a pilot exercise training safety ambassadors in Addis Ababa, Ethiopia (funded by Facebook).",
        source_url="https://www.itu.int/en/cop/Pages/ethiopia.aspx",
    )
