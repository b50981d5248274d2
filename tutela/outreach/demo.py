"""Demo outreach: the Addis Ababa safety-ambassador pilot (seed ¶3) in full.

What the seed says is kept as such; everything it does not say (school names, the split of the
ambassadors by sector, sessions, placements, the cascade below the first generation) is marked
illustrative in the data, and every parameter of the 15,000 estimate states its source or says
it is an assumption.
"""

from datetime import date, timedelta

from tutela.core.access import User
from tutela.core.choices import StakeholderGroup
from tutela.figures.models import Figure

from . import services
from .models import ReachParameter, Sector

SEED = "ITU, Update on the ITU Child Online Protection (COP) Initiative (2013–14), ¶3"
PILOT_PAGE = "ITU, Ethiopia pilot page (https://www.itu.int/en/cop/Pages/ethiopia.aspx)"
ACTIVITIES_PAGE = "ITU, COP activities page (https://www.itu.int/en/cop/Pages/activities.aspx)"
RECONSTRUCTION = ("Reconstruction: the source gives only the result (15,000); this value was chosen, with the "
                  "others, so that the central estimate equals it. Not from a source.")

# Illustrative split of the 100 ambassadors the progress update reports (the pilot page
# tabulates them by group; the numbers here are not from it): 3 educators per school.
SPLIT = [(Sector.GOVERNMENT, 15), (Sector.LAW_ENFORCEMENT, 10), (Sector.EDUCATOR, 75)]
# Illustrative split of the pilot page's target of 50, for the per-sector target figures.
TARGET_SPLIT = [(Sector.GOVERNMENT, 10), (Sector.LAW_ENFORCEMENT, 10), (Sector.EDUCATOR, 30)]


def load(context: dict) -> None:
    actor: User = context["actor"]
    o = context["organisations"]
    pilot = context["activities"]["addis_pilot"]

    programme = services.programme_create(
        actor=actor, name="Addis Ababa safety-ambassador pilot", organisers=[o["itu"], o["acopea"]], funders=[o["facebook"]],
        country="ET", city="Addis Ababa", starts_on=date(2013, 7, 1), ends_on=date(2014, 1, 31),
        activity=pilot, follow_on=context.get("projects", {}).get("african_esafety"),
        reach_min_age=6, reach_max_age=17, source=SEED,
        description=("ITU and ACOPEA, funded by Facebook, trained safety ambassadors from government, law enforcement "
                     "and educators from 25 schools across Addis Ababa, who passed online-safety messages on to "
                     "children and young people. The African E-Safety Project is planned as the follow-on."),
    )

    # Targets per sector (illustrative split of the target of 50) and the overall figures,
    # which the figures app already holds about the pilot activity (100 actual vs 50 target).
    for sector, value in TARGET_SPLIT:
        services.sector_figure_record(
            actor=actor, programme=programme, sector=sector, value=value, measure=Figure.Measure.TARGET,
            source=PILOT_PAGE, as_of=date(2013, 8, 29), is_illustrative=True,
            note="Illustrative split of the target of 50; check the pilot page's table by group.")

    schools = []
    for n in range(1, 26):
        schools.append(services.institution_create(
            actor=actor, name=f"Addis Ababa school {n:02d}", country="ET", city="Addis Ababa",
            kind="school", owner_organisation=o["acopea"], is_illustrative=True,
            enrolments=[(6, 13, 600 + 10 * n, "assumption (illustrative)"), (14, 17, 300 + 5 * n, "assumption (illustrative)")],
        ))

    officials = services.cohort_create(actor=actor, programme=programme, name="Cohort 1: government and law enforcement",
                                       starts_on=date(2013, 8, 5), ends_on=date(2013, 8, 30))
    educators = services.cohort_create(actor=actor, programme=programme, name="Cohort 2: educators of 25 schools",
                                       starts_on=date(2013, 9, 2), ends_on=date(2013, 9, 27))
    for cohort in (officials, educators):
        assert cohort.starts_on is not None  # created with its dates just above
        services.training_session_create(actor=actor, cohort=cohort, title=f"Safety-ambassador training: {cohort.name}",
                                         starts_on=cohort.starts_on, ends_on=cohort.ends_on, is_illustrative=True,
                                         date_is_approximate=True, status="held", source=SEED)

    ambassadors = []
    for sector, count in SPLIT:
        for i in range(count):
            cohort = educators if sector == Sector.EDUCATOR else officials
            ambassadors.append(services.trainee_register(
                actor=actor, cohort=cohort, sector=sector, status="completed", completed_on=cohort.ends_on,
                institution=schools[i // 3] if sector == Sector.EDUCATOR else None, is_illustrative=True,
            ))
    teachers = [a for a in ambassadors if a.sector == Sector.EDUCATOR]

    # The cascade below the first generation (illustrative): some ambassadors trained fellow
    # teachers, and some of those trained parents.
    peers = services.cohort_create(actor=actor, programme=programme, name="Cohort 3: trained by ambassadors (illustrative)",
                                   starts_on=date(2013, 10, 1), ends_on=date(2013, 12, 20))
    second = []
    for i, trainer in enumerate(teachers[:6]):
        for j in range(2):
            second.append(services.trainee_register(
                actor=actor, cohort=peers, sector=Sector.EDUCATOR, status="completed", trained_by=trainer,
                completed_on=date(2013, 10, 15) + timedelta(days=i), institution=trainer.institution,
                label=f"Teacher {2 * i + j + 1:03d}", is_illustrative=True))
    for i, trainer in enumerate(second[:3]):
        services.trainee_register(actor=actor, cohort=peers, sector=Sector.PARENT, status="completed", trained_by=trainer,
                                  completed_on=date(2013, 12, 10), label=f"Parent {i + 1:03d}", is_illustrative=True)

    campaign = services.campaign_create(
        actor=actor, banner="Click Safe, Click Clever", owner_organisation=o["itu"], partners=[o["acopea"]],
        programme=programme, countries=["ET"], languages=["am", "en"],
        audiences=[StakeholderGroup.CHILDREN.value, StakeholderGroup.PARENTS.value],
        starts_on=date(2013, 9, 1), ends_on=date(2014, 1, 31), source=SEED,
        purpose="Spot messages promoting online safety for children and young people.",
    )
    spot = services.message_add(actor=actor, campaign=campaign, title="“Click Safe, Click Clever” spot message (Amharic)",
                                medium="radio_spot", language="am", duration_seconds=30, is_illustrative=True)
    services.message_add(actor=actor, campaign=campaign, title="“Click Safe, Click Clever” school assembly message",
                         medium="school_assembly", language="am", is_illustrative=True)
    services.placement_add(
        actor=actor, message=spot, outlet="A radio station in Addis Ababa (illustrative)", country="ET",
        starts_on=date(2013, 11, 1), ends_on=date(2013, 12, 31), frequency=20, reported_audience=4000,
        audience="children", min_age=10, max_age=17, audience_source="Broadcaster's audience estimate (illustrative)",
        is_illustrative=True)
    services.parameter_set(actor=actor, campaign=campaign, key=ReachParameter.Key.UNIQUE_SHARE, low="0.05", central="0.1",
                           high="0.2", is_assumption=True, note="Repeat listeners: most airings reach the same children.")

    # Sessions the ambassadors delivered at their schools (illustrative), with one class
    # visited twice in the same period to show the de-duplication rule.
    for n, school in enumerate(schools):
        teacher = teachers[3 * n]
        held = date(2013, 10, 7) + timedelta(days=n)
        for lo, hi, count in ((6, 13, 45 + n % 7), (14, 17, 38 + n % 5)):
            services.session_record(actor=actor, programme=programme, campaign=campaign, ambassador=teacher,
                                    institution=school, held_on=held, min_age=lo, max_age=hi, count=count,
                                    is_illustrative=True)
    services.session_record(actor=actor, programme=programme, campaign=campaign, ambassador=teachers[0],
                            institution=schools[0], held_on=date(2013, 11, 18), min_age=6, max_age=13, count=44,
                            is_illustrative=True)
    services.session_record(actor=actor, programme=programme, ambassador=teachers[1], institution=schools[0],
                            held_on=date(2013, 11, 20), audience="parents", count=32, is_illustrative=True)

    # The 15,000 as a cascade estimate whose every parameter is stated.
    K = ReachParameter.Key
    services.parameter_set(actor=actor, programme=programme, key=K.AMBASSADORS, low=50, central=100, high=100,
                           source=f"Low: target of 50 ({PILOT_PAGE}); central and high: 100 ({SEED}; {ACTIVITIES_PAGE})")
    services.parameter_set(actor=actor, programme=programme, key=K.SESSIONS_PER_AMBASSADOR, low=2, central=3, high=4,
                           is_assumption=True, note=RECONSTRUCTION)
    services.parameter_set(actor=actor, programme=programme, key=K.MEAN_CLASS_SIZE, low=40, central=50, high=60,
                           is_assumption=True, note=RECONSTRUCTION)
    services.parameter_set(actor=actor, programme=programme, key=K.SHARE_DELIVERING, low="0.6", central=1, high=1,
                           is_assumption=True, note="Central: every ambassador delivers, as the source implies; low: 60 %.")

    for trainee in ambassadors[:5]:
        services.certificate_issue(actor=actor, trainee=trainee)
    revoked = services.certificate_issue(actor=actor, trainee=ambassadors[5])
    services.certificate_revoke(actor=actor, certificate=revoked, reason="Issued in error (illustrative)")

    context.setdefault("programmes", {})["addis_pilot"] = programme
    context.setdefault("campaigns", {})["click_safe"] = campaign
    context.setdefault("institutions", {})["addis_schools"] = schools
