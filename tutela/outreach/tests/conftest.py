"""Outreach fixtures: a programme of organisation A, a cohort, schools, completed ambassadors."""

from datetime import date

import pytest

from tutela.outreach import services


@pytest.fixture
def programme(org_a, secretariat_org):
    return services.programme_create(
        actor=None, name="Addis Ababa safety-ambassador pilot", organisers=[org_a], country="ET", city="Addis Ababa",
        starts_on=date(2013, 7, 1), ends_on=date(2014, 1, 31), reach_min_age=7, reach_max_age=17,
    )


@pytest.fixture
def cohort(programme):
    return services.cohort_create(actor=None, programme=programme, name="Cohort 1", starts_on=date(2013, 8, 1))


@pytest.fixture
def school(org_a):
    return services.institution_create(actor=None, name="Addis Ababa school 01", country="ET", city="Addis Ababa",
                                       owner_organisation=org_a, is_illustrative=True,
                                       enrolments=[(7, 10, 400, "assumption"), (11, 14, 350, "assumption")])


@pytest.fixture
def other_school(org_a):
    return services.institution_create(actor=None, name="Addis Ababa school 02", country="ET", city="Addis Ababa",
                                       owner_organisation=org_a, is_illustrative=True)


@pytest.fixture
def ambassador(cohort):
    return services.trainee_register(actor=None, cohort=cohort, sector="educator", label="Ambassador A",
                                     status="completed", completed_on=date(2013, 9, 1))


@pytest.fixture
def campaign(org_a, programme):
    return services.campaign_create(actor=None, banner="Click Safe, Click Clever", owner_organisation=org_a,
                                    programme=programme, countries=["ET"], starts_on=date(2013, 7, 1),
                                    ends_on=date(2014, 1, 31))
