"""Demo: the COP Global Initiative, its patron and champion, and its high-level deliverables."""

from datetime import date

from tutela.core.access import User

from .models import Appointment, Deliverable, Pillar
from .services import appointment_create, deliverable_create, initiative_create, person_create

PEOPLE = [
    # key, honorific, name, position, organisation key, country
    ("chinchilla", "H.E. Ms", "Laura Chinchilla", "President of Costa Rica", "gov_costa_rica", "CR"),
    ("patience_jonathan", "Dame", "Patience Jonathan", "First Lady of Nigeria", "gov_nigeria", "NG"),
    ("heineman", "Ms", "Ashley Heineman", "NTIA, United States", "ntia", "US"),
    ("ruston", "Mr", "Philip Ruston", "United Kingdom", "gov_uk", "GB"),
]

DELIVERABLES = [
    # key, title, pillar slugs, status, target, lead, contributors, description
    ("industry_guidelines", "Updated COP Guidelines for Industry", ["technical", "cooperation"], "in_progress",
     date(2014, 6, 30), "itu", ["unicef"],
     "Update the 2009 Guidelines for Industry with UNICEF, aligned with the UN Guiding Principles on Business and "
     "Human Rights, through an open consultation; the final version is expected by mid-2014."),
    ("national_strategies", "National COP strategy frameworks", ["organizational", "capacity-building"], "in_progress",
     None, "itu_impact", [],
     "Help national stakeholders plan and deploy a practical national approach to child online protection."),
    ("awareness_training", "Training and awareness for children, parents and educators", ["capacity-building"],
     "in_progress", None, "itu", ["acopea", "action_innocence", "isc2"],
     "Train safety ambassadors, parents and educators; run awareness campaigns and educational sessions for children."),
    ("standards_coordination", "Coordination of COP standardization work (JCA-COP)", ["technical"], "in_progress",
     None, "itu", [],
     "Coordinate COP work across ITU-T study groups through the Joint Coordination Activity on COP."),
    ("partnerships", "Multi-stakeholder COP partnerships", ["cooperation"], "in_progress", None, "itu",
     ["unicef", "trendmicro", "facebook", "acopea"],
     "Partnerships with UN agencies, industry and civil society under the COP Global Initiative."),
    ("legal_toolkit", "National roadmaps and legislative toolkits", ["legal"], "planned", None, "itu", [],
     "Announced among the second phase's planned deliverables on 17 November 2010 (ITU News 10/2010)."),
]


def load(context: dict) -> None:
    actor: User = context["actor"]
    orgs = context["organisations"]
    context["pillars"] = {p.slug: p for p in Pillar.objects.all()}
    initiative = initiative_create(
        actor=actor,
        name="COP Global Initiative",
        short_name="COP",
        phase="Second phase",
        launched_on=date(2010, 11, 17),
        launch_place="San José, Costa Rica",
        mandate="Plenipotentiary Resolution 179 (Guadalajara, 2010)",
        description=(
            "Launched by the ITU Secretary-General in November 2010 together with the COP Patron. High-level "
            "deliverables are designed, based on the five GCA/COP strategic pillars, to be achieved by ITU in "
            "collaboration with COP partners."
        ),
        lead_organisation=orgs["itu"],
    )
    context["initiative"] = initiative
    people = context.setdefault("people", {})
    for key, honorific, name, position, org, country in PEOPLE:
        people[key] = person_create(
            actor=actor, honorific=honorific, full_name=name, position=position, organisation=orgs[org],
            country=country, is_public_figure=True,
        )
    appointment_create(actor=actor, person=people["chinchilla"], role=Appointment.Role.PATRON, subject=initiative,
                       starts_on=date(2010, 11, 17), note="COP Patron, announced at the launch of the second phase")
    appointment_create(actor=actor, person=people["patience_jonathan"], role=Appointment.Role.CHAMPION,
                       subject=initiative, starts_on=date(2013, 11, 21),
                       note="Welcomed as ITU's COP Champion at ITU Telecom World 2013")
    deliverables = context.setdefault("deliverables", {})
    for key, title, pillars, status, target, lead, contributors, description in DELIVERABLES:
        deliverables[key] = deliverable_create(
            actor=actor, initiative=initiative, title=title, pillars=[context["pillars"][s] for s in pillars],
            status=Deliverable.Status(status), target_date=target, lead_organisation=orgs[lead],
            contributing_organisations=[orgs[c] for c in contributors], description=description,
        )
