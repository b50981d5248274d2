"""The demo: the Addis Ababa pilot in full, with the 15,000 as a stated estimate."""

import importlib

import pytest

from tutela.outreach import reach, selectors
from tutela.outreach.models import Institution, ReachParameter

pytestmark = pytest.mark.django_db

BEFORE_US = ["partners", "accounts", "initiatives", "activities", "figures", "outreach"]


@pytest.fixture
def context():
    context: dict = {}
    for app in BEFORE_US:
        importlib.import_module(f"tutela.{app}.demo").load(context)
    return context


def test_the_addis_pilot_demo(context, client):
    programme = context["programmes"]["addis_pilot"]
    campaign = context["campaigns"]["click_safe"]
    assert campaign.banner == "Click Safe, Click Clever" and campaign.programme == programme
    assert programme.follow_on == context["projects"]["african_esafety"]
    assert {o.acronym for o in programme.organisers.all()} == {"ITU", "ACOPEA"}
    generation_one = programme.trainees.filter(generation=1)
    assert generation_one.count() == 100 and not generation_one.exclude(is_illustrative=True).exists()
    assert not programme.trainees.exclude(full_name="").exists()  # nobody named without consent
    assert Institution.objects.filter(name__startswith="Addis Ababa school", is_illustrative=True).count() == 25

    estimate = reach.cascade_estimate(programme)
    assert estimate["central"] == 15000 and estimate["low"] < 15000 < estimate["high"]
    assert all(p["source"] or p["is_assumption"] for p in estimate["parameters"])
    assert ReachParameter.objects.get(programme=programme, key="ambassadors").low == 50

    page = client.get(f"/outreach/programmes/{programme.pk}/").content.decode()
    assert "15,000" in page and "100" in page and "assumption" in page
    assert "Ethiopia pilot page" in page  # the target of 50 with its source
    assert selectors.depth(programme) == 3
    assert client.get(f"/outreach/campaigns/{campaign.pk}/").status_code == 200


def test_demo_counted_reach_deduplicates_the_repeat_visit(context):
    programme = context["programmes"]["addis_pilot"]
    result = reach.counted(reach.Scope(programme_id=programme.pk))
    assert result["illustrative_sessions"] == result["sessions"] == 52
    # School 01 was visited twice for ages 6–13 (45, then 44): only the larger counts.
    children = result["totals"]["children"]
    assert children == sum(45 + n % 7 + 38 + n % 5 for n in range(25))
