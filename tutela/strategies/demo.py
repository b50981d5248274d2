"""Demo: the framework, national focal points for Oman and Ethiopia, and illustrative rounds.

The seed (¶4) reports only that ITU-IMPACT and Oman held a COP Strategy Framework workshop in
October 2013; every round, level and action below is illustrative and marked so.
"""

from datetime import date
from typing import Any, cast

from tutela.accounts.services import user_create

from . import services
from .framework_data import FRAMEWORK
from .models import Action, StrategyStage

NATIONAL_FOCAL_POINTS = [
    ("national.oman@tutela.test", "Nasser National (Oman)", "OM"),
    ("national.ethiopia@tutela.test", "Eleni National (Ethiopia)", "ET"),
]

# Illustrative levels per criterion code: (round 1, round 2).
OMAN_LEVELS = {
    "L1": (2, 3), "L2": (1, 2), "L3": (1, 1), "L4": (2, 2), "L5": (1, 2),
    "T1": (0, 2), "T2": (1, 2), "T3": (1, 2), "T4": (0, 1), "T5": (0, 1),
    "O1": (1, 2), "O2": (1, 3), "O3": (2, 2), "O4": (1, 2), "O5": (0, 1),
    "C1": (1, 2), "C2": (1, 2), "C3": (1, 2), "C4": (2, 3), "C5": (0, 1),
    "I1": (2, 3), "I2": (2, 2), "I3": (1, 2), "I4": (1, 2), "I5": (1, 3),
}


def load(context: dict) -> None:
    from tutela.accounts.demo import DEMO_PASSWORD
    from tutela.activities.models import Project
    from tutela.activities.services import project_create

    actor = context["actor"]
    users = context.setdefault("users", {})
    for email, name, country in NATIONAL_FOCAL_POINTS:
        users[email] = user_create(actor=None, email=email, password=DEMO_PASSWORD, role="national_focal_point",
                                   full_name=name, country=country)
    framework = services.framework_import(actor=actor, **cast(dict[str, Any], FRAMEWORK))
    context["frameworks"] = {"cop-national": framework}
    orgs = context.get("organisations", {})
    programme = project_create(
        actor=actor, name="Support for national COP frameworks (illustrative)", stage=Project.Stage.ACTIVE,
        countries=["OM", "ET", "KE"], partners=[o for o in (orgs.get("itu_impact"), orgs.get("itu")) if o],
        description="Illustrative: help for several countries to assess themselves and plan national strategies.",
    )
    context.setdefault("projects", {})["national_frameworks"] = programme

    nfp = users["national.oman@tutela.test"]
    rounds = []
    for i, (held_on, stage, summary) in enumerate([
        (date(2013, 10, 15), StrategyStage.PREPARING,
         "Illustrative. Baseline taken at the COP Strategy Framework workshop: a legal basis exists, "
         "while reporting, data and children's participation are at first steps."),
        (date(2015, 6, 30), StrategyStage.ADOPTED,
         "Illustrative. A national strategy is adopted with a lead body and coordination group; a public "
         "reporting channel is running. Data collection and safety by design remain gaps."),
    ]):
        round_ = services.assessment_create(actor=nfp, country="OM", framework=framework, held_on=held_on,
                                            team="Illustrative national team", strategy_stage=stage,
                                            is_illustrative=True)
        for rating in round_.ratings.select_related("criterion"):
            services.rating_update(actor=nfp, rating=rating, level=OMAN_LEVELS[rating.criterion.code][i],
                                   comments="Illustrative.")
        services.assessment_submit(actor=nfp, assessment=round_)
        services.assessment_validate(actor=actor, assessment=round_)
        round_ = services.assessment_publish(actor=actor, assessment=round_, summary=summary)
        rounds.append(round_)

    first = rounds[0]
    criteria = {c.code: c for c in framework.criteria.all()}
    activities = context.get("activities", {})
    if orgs.get("gov_oman"):
        services.action_create(
            actor=nfp, assessment=first, criterion=criteria["O1"], owner=orgs["gov_oman"],
            title="Draft and adopt a national COP strategy (illustrative)", due_on=date(2014, 12, 31),
            status=Action.Status.DONE, activities=[a for a in [activities.get("oman_workshop")] if a],
            projects=[programme], partners=[o for o in [orgs.get("itu_impact")] if o],
        )
        services.action_create(
            actor=nfp, assessment=rounds[1], criterion=criteria["T5"], owner=orgs["gov_oman"],
            title="Agree indicators on online harm to children and collect them yearly (illustrative)",
            due_on=date(2016, 6, 30), status=Action.Status.IN_PROGRESS, projects=[programme],
        )

    ethiopia = services.assessment_create(
        actor=users["national.ethiopia@tutela.test"], country="ET", framework=framework, held_on=date(2014, 1, 31),
        team="Illustrative national team", strategy_stage=StrategyStage.NONE, is_illustrative=True)
    context["assessments"] = {"oman_2013": rounds[0], "oman_2015": rounds[1], "ethiopia_2014": ethiopia}
