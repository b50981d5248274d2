"""Records the partner and initiative tests share, made through the services."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tutela.initiatives.models import Pillar
from tutela.initiatives.services import deliverable_create, initiative_create, person_create
from tutela.partners.services import agreement_create, commitment_add, organisation_create


@pytest.fixture
def itu(secretariat_org):
    return secretariat_org


@pytest.fixture
def mou(itu, org_b):
    """An MoU between ITU and organisation B (Trend Micro), ending in 45 days."""
    today = timezone.localdate()
    agreement = agreement_create(
        actor=None, title="MoU on child online protection", parties=[itu, org_b], kind="mou",
        signed_on=date(2013, 11, 19), in_force_from=date(2013, 11, 19), in_force_to=today + timedelta(days=45),
        objectives="Collaboration framework.",
    )
    commitment_add(actor=None, agreement=agreement, text="Distribute information to the membership on a regular basis",
                   cadence="regular", responsible=[itu, org_b])
    return agreement


@pytest.fixture
def initiative(itu):
    return initiative_create(actor=None, name="COP Global Initiative", phase="Phase 2", lead_organisation=itu,
                             launched_on=date(2010, 11, 17))


@pytest.fixture
def deliverable(initiative, org_a):
    return deliverable_create(actor=None, initiative=initiative, title="National roadmaps",
                              pillars=[Pillar.objects.get(number=3)], lead_organisation=org_a, status="in_progress")


@pytest.fixture
def patron(initiative):
    from tutela.initiatives.services import appointment_create

    person = person_create(actor=None, full_name="Laura Chinchilla", honorific="H.E. Ms",
                           position="President of Costa Rica", is_public_figure=True)
    appointment_create(actor=None, person=person, role="patron", subject=initiative, starts_on=date(2010, 11, 17))
    return person


@pytest.fixture
def private_person(org_a):
    return person_create(actor=None, full_name="Abebe Quiet", organisation=org_a, position="Teacher")


@pytest.fixture
def many_organisations(db):
    return [organisation_create(actor=None, name=f"Organisation {i:02d}", kind="school", country="ET") for i in range(30)]
