"""Demo: the occasions, activities and project of the 2013–14 progress update, ¶2–¶10."""

from datetime import date

from tutela.core.access import User
from tutela.core.choices import StakeholderGroup as G

from .models import Activity, ActivityPartner, Occasion, Outcome, Project
from .services import Count, activity_create, occasion_create, project_create

K = Activity.Kind
R = ActivityPartner.Role
HELD = Activity.Status.HELD
SEED = "ITU, Update on the ITU Child Online Protection (COP) Initiative (2013–14), ¶{}"


def load(context: dict) -> None:
    actor: User = context["actor"]
    o = context["organisations"]
    p = context["pillars"]
    people = context["people"]
    d = context["deliverables"]

    occasions = context.setdefault("occasions", {})
    occasions["igf2013"] = occasion_create(
        actor=actor, name="Internet Governance Forum 2013", short_name="IGF 2013", kind=Occasion.Kind.FORUM,
        starts_on=date(2013, 10, 22), ends_on=date(2013, 10, 25), city="Bali", country="ID",
    )
    occasions["telecom_world2013"] = occasion_create(
        actor=actor, name="ITU Telecom World 2013", short_name="Telecom World 2013", kind=Occasion.Kind.EXHIBITION,
        starts_on=date(2013, 11, 19), ends_on=date(2013, 11, 22), city="Bangkok", country="TH", organiser=o["itu"],
    )
    occasions["bynd2015"] = occasion_create(
        actor=actor, name="BYND 2015 Global Youth Summit", short_name="BYND 2015", kind=Occasion.Kind.SUMMIT,
        starts_on=date(2013, 9, 9), ends_on=date(2013, 9, 11), city="San José", country="CR", organiser=o["itu"],
    )
    occasions["baku2013"] = occasion_create(
        actor=actor, name="Global Cybersecurity Cooperation: Challenges and Vision", short_name="Baku 2013",
        kind=Occasion.Kind.CONFERENCE, starts_on=date(2013, 12, 2), ends_on=date(2013, 12, 3), city="Baku",
        country="AZ", organiser=o["gov_azerbaijan"],
    )
    occasions["sid2014"] = occasion_create(
        actor=actor, name="Safer Internet Day 2014", short_name="SID 2014", kind=Occasion.Kind.OBSERVANCE,
        starts_on=date(2014, 2, 11), ends_on=date(2014, 2, 11),
        theme="Let's create a better internet together",
    )

    a = context.setdefault("activities", {})
    a["addis_pilot"] = activity_create(
        actor=actor, kind=K.PILOT, status=HELD,
        title="Child online safety pilot exercise with safety ambassadors",
        starts_on=date(2013, 7, 1), ends_on=date(2014, 1, 31), date_is_approximate=True,
        city="Addis Ababa", country="ET",
        pillars=[p["capacity-building"], p["cooperation"]],
        partners=[(o["itu"], R.ORGANISER), (o["acopea"], R.CO_ORGANISER), (o["facebook"], R.FUNDER)],
        audiences=[G.GOVERNMENT, G.LAW_ENFORCEMENT, G.EDUCATORS, G.CHILDREN],
        topics=["Online safety awareness"],
        deliverables=[d["awareness_training"], d["partnerships"]],
        objective=(
            "Train safety ambassadors from government, law enforcement and educators from 25 schools across "
            "Addis Ababa, Ethiopia, and reach children and young people with online-safety spot messages."
        ),
        summary=(
            "Spot messages promoting online safety for children and young people were developed under the banner "
            "“Click Safe, Click Clever”."
        ),
        source=SEED.format(3),
        links=[("ITU: Ethiopia pilot", "https://www.itu.int/en/cop/Pages/ethiopia.aspx")],
    )
    context.setdefault("projects", {})["african_esafety"] = project_create(
        actor=actor, name="African E-Safety Project", stage=Project.Stage.PLANNED, region="Africa",
        partners=[o["itu"], o["facebook"], o["acopea"]], follows=a["addis_pilot"],
        pillars=[p["capacity-building"], p["cooperation"]],
        description=(
            "Following discussions with different stakeholders and the interest of several African administrations "
            "in enhancing and investing in their educational and training activities, ITU, Facebook and ACOPEA are "
            "planning to start an African E-Safety Project."
        ),
    )
    a["oman_workshop"] = activity_create(
        actor=actor, kind=K.WORKSHOP, status=HELD,
        title="Child Online Protection Strategy Framework workshop for Oman",
        starts_on=date(2013, 10, 1), ends_on=date(2013, 10, 31), date_is_approximate=True, country="OM",
        pillars=[p["organizational"], p["capacity-building"]],
        partners=[(o["itu_impact"], R.ORGANISER), (o["gov_oman"], R.CO_ORGANISER)],
        audiences=[G.GOVERNMENT, G.LAW_ENFORCEMENT, G.EDUCATORS, G.CIVIL_SOCIETY, G.INDUSTRY],
        topics=["National COP strategy"],
        deliverables=[d["national_strategies"]],
        objective=(
            "Assist national stakeholders in planning and deploying an effective and practical approach to child "
            "online protection that can be implemented in the country."
        ),
        source=SEED.format(4),
    )
    a["igf_open_forum"] = activity_create(
        actor=actor, kind=K.OPEN_FORUM, status=HELD,
        title="Open forum on the draft COP Guidelines for Industry",
        starts_on=date(2013, 10, 24), city="Bali", country="ID", occasion=occasions["igf2013"],
        pillars=[p["technical"], p["cooperation"]],
        partners=[(o["itu"], R.ORGANISER), (o["unicef"], R.CO_ORGANISER)],
        audiences=[G.INDUSTRY, G.GOVERNMENT, G.CIVIL_SOCIETY, G.ACADEMIA],
        topics=["COP Guidelines for Industry"],
        deliverables=[d["industry_guidelines"]],
        objective="Present the draft version of the updated COP Guidelines for Industry and collect views on it.",
        outcomes=[{
            "kind": Outcome.Kind.RECOMMENDATION,
            "text": (
                "During IGF 2013 and several interactions with the different COP partners, it was recommended that "
                "the COP Guidelines for Industry be updated."
            ),
            "addressed_to": "ITU and UNICEF",
        }],
        source=SEED.format(5),
    )
    a["guidelines_consultation"] = activity_create(
        actor=actor, kind=K.CONSULTATION, status=HELD,
        title="Open consultation on the draft COP Guidelines for Industry",
        starts_on=date(2013, 10, 24), ends_on=date(2014, 2, 28), date_is_approximate=True, online=True,
        pillars=[p["technical"], p["cooperation"]],
        partners=[(o["itu"], R.ORGANISER), (o["unicef"], R.CO_ORGANISER)],
        audiences=[G.INDUSTRY, G.GOVERNMENT, G.CIVIL_SOCIETY, G.ACADEMIA, G.INTERNATIONAL],
        topics=["COP Guidelines for Industry"],
        deliverables=[d["industry_guidelines"]],
        outcomes=[{
            "kind": Outcome.Kind.FINDING,
            "text": (
                "The open consultation highlighted the consensus at the international level on the purpose of the "
                "Guidelines for Industry and received comments from different stakeholders of the ecosystem working "
                "on child online safety. The final version is expected by mid-2014."
            ),
        }],
        source=SEED.format(5),
    )
    a["bynd2015_summit"] = activity_create(
        actor=actor, kind=K.SUMMIT, status=HELD, title="BYND 2015 Global Youth Summit",
        starts_on=date(2013, 9, 9), ends_on=date(2013, 9, 11), city="San José", country="CR",
        occasion=occasions["bynd2015"], pillars=[p["cooperation"]],
        partners=[(o["itu"], R.ORGANISER), (o["gov_costa_rica"], R.HOST)],
        audiences=[G.CIVIL_SOCIETY], source=SEED.format(6),
    )
    call = {
        "kind": Outcome.Kind.CALL_FOR_ACTION,
        "text": "Call for action to stakeholders",
        "made_by": people["patience_jonathan"],
        "addressed_to": "stakeholders",
        "points": [
            "improve educational resources and materials",
            "facilitate the discussion with digital content creators",
            "advocate the rights of freedom of speech, association and privacy online",
            "establish policies within an effective framework that would protect the use of private data and "
            "intellectual property, and deter online criminal activities",
        ],
    }
    a["telecom_world_session"] = activity_create(
        actor=actor, kind=K.SESSION, status=HELD,
        title="Child Online Protection: VISION BYND 2015",
        starts_on=date(2013, 11, 21), city="Bangkok", country="TH", occasion=occasions["telecom_world2013"],
        pillars=[p["cooperation"], p["capacity-building"]],
        partners=[(o["itu"], R.ORGANISER)],
        focus="issues related to child online safety",
        follows_up="the Global Youth Summit BYND 2015, held in September 2013 in Costa Rica",
        topics=["Child online safety"],
        people=[(people["patience_jonathan"], "COP Champion")],
        outcomes=[call],
        source=SEED.format(6),
    )
    a["jca_cop_4"] = activity_create(
        actor=actor, kind=K.MEETING, status=HELD,
        title="4th meeting of the Joint Coordination Activity on Child Online Protection (JCA-COP)",
        starts_on=date(2013, 12, 3), pillars=[p["technical"]], partners=[(o["itu"], R.ORGANISER)],
        deliverables=[d["standards_coordination"]], source=SEED.format(7),
    )
    a["jca_cop_5"] = activity_create(
        actor=actor, kind=K.MEETING, status=HELD,
        title="5th meeting of the Joint Coordination Activity on Child Online Protection (JCA-COP)",
        starts_on=date(2014, 1, 15), pillars=[p["technical"]], partners=[(o["itu"], R.ORGANISER)],
        deliverables=[d["standards_coordination"]],
        outcomes=[
            {"kind": Outcome.Kind.AGREEMENT, "text": (
                "Participants agreed to continue JCA-COP after January 2014, with an extended lifetime until "
                "September 2015 and revised terms of reference as contained in JCA-COP DOC047.")},
            {"kind": Outcome.Kind.DECISION, "text": (
                "Ms Ashley Heineman (United States) and Mr Philip Ruston (United Kingdom) will continue to co-chair "
                "future JCA-COP meetings.")},
            {"kind": Outcome.Kind.DECISION, "text": (
                "ITU-T SG17, as the parent body of JCA-COP, will submit an outgoing liaison statement to TSAG to ask "
                "for the continuation of JCA-COP.")},
        ],
        source=SEED.format(7),
    )
    a["baku_world_cafe"] = activity_create(
        actor=actor, kind=K.WORLD_CAFE, status=HELD, title="World Café on Child Online Protection",
        starts_on=date(2013, 12, 2), ends_on=date(2013, 12, 3), date_is_approximate=True,
        city="Baku", country="AZ", occasion=occasions["baku2013"],
        pillars=[p["cooperation"]],
        partners=[(o["itu"], R.ORGANISER), (o["gov_azerbaijan"], R.HOST)],
        objective="Share ideas and insights on issues related to child online safety.",
        topics=["Child online safety"], source=SEED.format(9),
    )
    common = {"city": "Geneva", "country": "CH", "venue": "ITU's ICT Discovery museum", "occasion": occasions["sid2014"],
              "starts_on": date(2014, 2, 11), "status": HELD, "source": SEED.format(10)}
    a["sid2014"] = activity_create(
        actor=actor, kind=K.EDUCATIONAL_EVENT,
        title="Interactive educational events for parents and children",
        pillars=[p["capacity-building"]],
        partners=[(o["itu"], R.ORGANISER), (o["action_innocence"], R.CO_ORGANISER), (o["isc2"], R.CO_ORGANISER)],
        audiences=[G.PARENTS, G.CHILDREN],
        deliverables=[d["awareness_training"]],
        **common,
    )
    a["sid_parents"] = activity_create(
        actor=actor, kind=K.TRAINING, parent=a["sid2014"],
        title="Online safety training for ITU staff who are parents",
        pillars=[p["capacity-building"]],
        partners=[(o["itu"], R.ORGANISER), (o["action_innocence"], R.TRAINER)],
        audiences=[G.PARENTS],
        topics=["Tools to keep children safe online", "Current online risks"],
        participation=[Count(group=G.PARENTS, description="Members of ITU staff, as parents of young and/or teenage children")],
        summary=(
            "Members of ITU staff, in their capacity as parents of young and/or teenage children, received training "
            "from Action Innocence on how to use tools that enable them to keep children safe online, in addition "
            "to a general training on current online risks."
        ),
        **common,
    )
    a["sid_children"] = activity_create(
        actor=actor, kind=K.TRAINING, parent=a["sid2014"],
        title="“Safe and Secure Online” training session for children",
        pillars=[p["capacity-building"]],
        partners=[(o["itu"], R.ORGANISER), (o["isc2"], R.TRAINER)],
        audiences=[G.CHILDREN],
        topics=["Cyberbullying", "Sexting", "Online reputation", "Social media"],
        participation=[Count(group=G.CHILDREN, min_age=10, max_age=14, description="Pupils from schools around Geneva")],
        summary=(
            "Children between 10 and 14 years old from schools around Geneva visited the ICT Discovery museum and "
            "attended a training session on “Safe and Secure Online” given by (ISC)²."
        ),
        **common,
    )
