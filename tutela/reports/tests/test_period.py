"""What a report's period takes in: what happened in it, and earlier agreements only when something happened under them."""

from datetime import date

import pytest

from tutela.activities.services import activity_create
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.partners.models import Commitment
from tutela.partners.services import agreement_create, commitment_add, organisation_create
from tutela.reports import rendering
from tutela.reports.services import report_create, report_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(secretariat, secretariat_org):
    school_net = organisation_create(actor=None, name="Schools Connect Chile", acronym="SCC", kind="civil_society",
                                     country="CL")
    regulator = organisation_create(actor=None, name="Subsecretaría de Telecomunicaciones", acronym="SUBTEL",
                                    kind="regulator", country="CL")
    initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="First phase",
                                   mandate="Resolution 7", lead_organisation=secretariat_org,
                                   launched_on=date(2010, 6, 1))
    agreement_create(actor=None, kind="mou", title="MoU between ITU and SCC", parties=[secretariat_org, school_net],
                           signed_on=date(2012, 4, 2), objectives="Work together on safer schools.")
    busy = agreement_create(actor=None, kind="mou", title="MoU between ITU and SUBTEL", parties=[secretariat_org, regulator],
                            signed_on=date(2014, 9, 9), objectives="Run a national awareness week each year.")
    week = commitment_add(actor=None, agreement=busy, text="Run a national awareness week",
                          responsible=[regulator])
    Commitment.objects.filter(pk=week.pk).update(last_done_on=date(2017, 10, 12))  # delivered in the period
    activity_create(actor=None, title="Teachers' course on online safety", kind="training", status="held",
                    starts_on=date(2016, 12, 5), ends_on=date(2017, 1, 20), city="Santiago", country="CL",
                    pillars=[Pillar.objects.first()], partners=[(school_net, "organiser")])
    activity_create(actor=None, title="Long-running helpline pilot", kind="pilot", status="held",
                    starts_on=date(2015, 1, 1), ends_on=date(2019, 12, 31), city="Valparaíso", country="CL",
                    pillars=[Pillar.objects.first()], partners=[(regulator, "organiser")])
    return {"initiative": initiative, "sec": secretariat}


def _text(world, include_ongoing):
    report = report_create(actor=world["sec"], title="Update 2017", initiative=world["initiative"],
                           period_start=date(2017, 1, 1), period_end=date(2017, 12, 31), opening_template="",
                           include_ongoing=include_ongoing)
    report_draft(actor=world["sec"], report=report)
    return " ".join(p["text"] for p in rendering.document(report)["paragraphs"])


@pytest.mark.parametrize("include_ongoing", [True, False])
def test_an_activity_that_started_the_month_before_and_ended_inside_is_in(world, include_ongoing):
    assert "course on online safety" in _text(world, include_ongoing)


def test_an_old_open_ended_agreement_with_nothing_in_the_period_is_out(world):
    text = _text(world, True)
    assert "safer schools" not in text and "2 April 2012" not in text, text  # signed 2012, nothing since: out
    assert "national awareness week" in text and "9 September 2014" in text, text  # a commitment delivered: in


def test_without_ongoing_items_only_what_is_dated_in_the_period_is_in(world):
    text = _text(world, False)
    assert "national awareness week" not in text and "helpline pilot" not in text
    assert "helpline pilot" in _text(world, True)
