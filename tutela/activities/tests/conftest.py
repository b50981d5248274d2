"""Factories for activity tests: records are made through the services, as the app makes them."""

from datetime import date

import pytest

from tutela.activities import services
from tutela.activities.services import Count
from tutela.initiatives.models import Pillar


@pytest.fixture
def pillars(db):
    return {p.number: p for p in Pillar.objects.all()}


@pytest.fixture
def make_activity(db, pillars, org_a):
    counter = {"n": 0}

    def make(*, title=None, organiser=None, role="organiser", starts_on=date(2013, 10, 22), pillar_numbers=(4,),
             participation=None, **fields):
        counter["n"] += 1
        return services.activity_create(
            actor=None, title=title or f"Workshop {counter['n']}", kind=fields.pop("kind", "workshop"),
            starts_on=starts_on, pillars=[pillars[n] for n in pillar_numbers],
            partners=[(organiser or org_a, role)], participation=participation or [], **fields,
        )

    return make


@pytest.fixture
def pilot(make_activity, org_b):
    """The Addis Ababa pilot, organised by org A, with org B as funder and a small child cell."""
    activity = make_activity(
        title="Safety ambassadors pilot, Addis Ababa", kind="pilot", status="held", country="ET", city="Addis Ababa",
        starts_on=date(2013, 8, 1), ends_on=date(2014, 1, 31), pillar_numbers=(4, 5), topics=["Cyberbullying"],
        participation=[Count(group="educators", count=100), Count(group="children", count=3, min_age=10, max_age=14),
                       Count(group="children", count=15000, min_age=6, max_age=17, kind="estimated")],
        outcomes=[{"kind": "call_for_action", "text": "Four points", "points": ["Improve resources", "Talk to creators"]}],
    )
    services.activity_update(actor=None, activity=activity, partners=[
        (activity.partner_roles.get().organisation, "organiser"), (org_b, "funder")])
    return activity
