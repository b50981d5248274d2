"""Validated rounds and the workshops serving action plans in the progress report (issue 17 item 7).

Reports never imports strategies: the paragraph comes through ``report_paragraphs`` on the AppConfig.
Drafted through the public doors (report_create, report_draft) over varied shapes.
"""

from datetime import date

import pytest

from tutela.activities.services import activity_create
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.reports.services import report_create, report_draft
from tutela.strategies import services
from tutela.strategies.models import Action, Rating

from .conftest import fill

pytestmark = pytest.mark.django_db

LOW = [1, 3, 2, 4, 0, 3, 2, 2, 1, 4]  # three criteria below the target 3 (levels 1, 0, 1 → and 2s)


@pytest.fixture
def initiative(secretariat_org):
    return initiative_create(actor=None, name="COP Initiative", phase="Phase 1", lead_organisation=secretariat_org,
                             launched_on=date(2010, 1, 1))


def make_round(framework, secretariat, country, held_on, *, status="validated", stage="none", illustrative=False):
    a = services.assessment_create(actor=secretariat, country=country, framework=framework, held_on=held_on,
                                   strategy_stage=stage, is_illustrative=illustrative)
    if status == "draft":
        return a
    fill(a, secretariat, LOW)
    services.assessment_submit(actor=secretariat, assessment=a)
    if status == "submitted":
        return a
    services.assessment_validate(actor=secretariat, assessment=a)
    if status == "published":
        services.assessment_publish(actor=secretariat, assessment=a, summary="Summary.")
    a.refresh_from_db()
    return a


def plan(a, secretariat, owner, statuses, activities=()):
    gaps = [r.criterion for r in Rating.objects.filter(assessment=a, level__lt=3).order_by("pk")]
    for i, status in enumerate(statuses):
        services.action_create(actor=secretariat, assessment=a, criterion=gaps[i % len(gaps)], title=f"Step {i}",
                               owner=owner, due_on=date(2016, 1, 1), status=status, activities=list(activities))


def drafted(secretariat, initiative, start=date(2015, 1, 1), end=date(2015, 12, 31)) -> str:
    report = report_create(actor=secretariat, title="Update", initiative=initiative, period_start=start,
                           period_end=end, opening_template="")
    report_draft(actor=secretariat, report=report)
    found = [p for p in report.paragraphs.all() if p.keys == ["strategies"]]
    return found[0].text if found else ""


def test_no_validated_round_no_paragraph(framework, secretariat, initiative):
    make_round(framework, secretariat, "OM", date(2015, 3, 1), status="submitted")
    make_round(framework, secretariat, "ET", date(2015, 4, 1), status="draft")
    make_round(framework, secretariat, "KE", date(2014, 4, 1), status="published")  # before the period
    make_round(framework, secretariat, "NG", date(2015, 4, 1), status="published", illustrative=True)
    assert drafted(secretariat, initiative) == ""


def test_one_validated_round_names_the_country_and_date_and_nothing_unpublished(framework, secretariat, initiative):
    make_round(framework, secretariat, "OM", date(2015, 6, 15), stage="adopted")
    make_round(framework, secretariat, "ET", date(2015, 6, 20), status="submitted")
    text = drafted(secretariat, initiative)
    assert text == ("During the reporting period, the secretariat validated the national child online protection "
                    "self-assessment of Oman, held on 15 June 2015."), text


def test_one_published_round_with_its_stage_and_plan(framework, secretariat, secretariat_org, initiative):
    a = make_round(framework, secretariat, "OM", date(2015, 6, 15), status="published", stage="implementing")
    plan(a, secretariat, secretariat_org, [Action.Status.DONE, Action.Status.PLANNED, Action.Status.IN_PROGRESS])
    text = drafted(secretariat, initiative)
    assert text == ("During the reporting period, the secretariat validated the national child online protection "
                    "self-assessment of Oman, held on 15 June 2015. At that round, Oman was implementing its national "
                    "strategy. The action plan of Oman holds three actions, one of them done."), text


def test_several_rounds_of_one_country(framework, secretariat, secretariat_org, initiative):
    make_round(framework, secretariat, "OM", date(2015, 2, 1), status="published", stage="preparing")
    latest = make_round(framework, secretariat, "OM", date(2015, 11, 3), status="published", stage="adopted")
    plan(latest, secretariat, secretariat_org, [Action.Status.DONE])
    text = drafted(secretariat, initiative)
    assert text == ("During the reporting period, the secretariat validated two rounds of the national child online "
                    "protection self-assessment of Oman, held on 1 February 2015 and 3 November 2015. At its latest "
                    "round, Oman had adopted its national strategy. The action plan of Oman holds one action, which is "
                    "done."), text


def test_several_countries_stages_grouped_and_plans_counted(framework, secretariat, secretariat_org, initiative):
    om = make_round(framework, secretariat, "OM", date(2015, 5, 5), status="published", stage="preparing")
    et = make_round(framework, secretariat, "ET", date(2015, 3, 9), status="published", stage="preparing")
    make_round(framework, secretariat, "KE", date(2015, 7, 1), status="published", stage="reviewed")
    make_round(framework, secretariat, "KE", date(2015, 1, 2), status="validated")
    make_round(framework, secretariat, "NG", date(2015, 8, 1))  # validated, not published: date only
    plan(om, secretariat, secretariat_org, [Action.Status.DONE, Action.Status.DONE])
    plan(et, secretariat, secretariat_org, [Action.Status.DONE, Action.Status.PLANNED])
    text = drafted(secretariat, initiative)
    assert text == (
        "During the reporting period, the secretariat validated five rounds of the national child online protection "
        "self-assessment in four countries: Ethiopia (9 March 2015), Kenya (2 January 2015 and 1 July 2015), "
        "Nigeria (1 August 2015) and Oman (5 May 2015). At their latest rounds, Ethiopia and Oman were preparing their "
        "national strategies and Kenya had implemented and reviewed its national strategy. The action plans of "
        "Ethiopia, Kenya and Oman hold four actions, three of them done."), text
    assert "Nigeria had" not in text and "Nigeria was" not in text


def test_a_workshop_serving_a_published_plan_is_named_with_its_countries(framework, secretariat, secretariat_org,
                                                                         initiative):
    pillar = Pillar.objects.first()
    workshop = activity_create(actor=None, title="COP Strategy Framework Workshop", kind="workshop", status="held",
                               starts_on=date(2015, 4, 2), ends_on=date(2015, 4, 3), country="OM",
                               pillars=[pillar], partners=[(secretariat_org, "organiser")])
    regional = activity_create(actor=None, title="Regional Strategy Forum", kind="regional_forum", status="held",
                               starts_on=date(2015, 9, 1), country="KE", pillars=[pillar],
                               partners=[(secretariat_org, "organiser")])
    earlier = activity_create(actor=None, title="Old workshop", kind="workshop", status="held",
                              starts_on=date(2013, 9, 1), country="OM", pillars=[pillar],
                              partners=[(secretariat_org, "organiser")])
    om = make_round(framework, secretariat, "OM", date(2014, 6, 1), status="published")  # outside the period
    et = make_round(framework, secretariat, "ET", date(2014, 6, 1), status="published")
    demo = make_round(framework, secretariat, "NG", date(2014, 6, 1), status="published", illustrative=True)
    ke = make_round(framework, secretariat, "KE", date(2014, 6, 2))  # validated only: its plan is not public
    plan(om, secretariat, secretariat_org, [Action.Status.PLANNED], activities=[workshop, earlier])
    plan(ke, secretariat, secretariat_org, [Action.Status.PLANNED], activities=[regional])
    plan(demo, secretariat, secretariat_org, [Action.Status.PLANNED], activities=[workshop])
    assert drafted(secretariat, initiative) == ("“COP Strategy Framework Workshop”, held on 2 April 2015, served the "
                                                "national action plan of Oman.")
    plan(et, secretariat, secretariat_org, [Action.Status.PLANNED], activities=[workshop])
    services.assessment_publish(actor=secretariat, assessment=ke, summary="Kenya.")
    assert drafted(secretariat, initiative) == (
        "Two activities of the period served national action plans: “COP Strategy Framework Workshop” (Ethiopia and "
        "Oman, 2 April 2015) and “Regional Strategy Forum” (Kenya, 1 September 2015).")
