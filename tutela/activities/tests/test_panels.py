"""Activities on the pages of apps below (core.panels): partners and initiatives cannot import activities."""

from datetime import date

import pytest
from django.urls import reverse

from tutela.initiatives.services import deliverable_create, initiative_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliverable(secretariat_org, org_a, pillars):
    initiative = initiative_create(actor=None, name="COP Global Initiative", lead_organisation=secretariat_org,
                                   launched_on=date(2010, 11, 17))
    return deliverable_create(actor=None, initiative=initiative, title="National roadmaps", pillars=[pillars[3]],
                              lead_organisation=org_a, status="in_progress")


def test_a_deliverable_page_lists_the_readable_activities_that_are_its_evidence(client, make_activity, deliverable):
    make_activity(title="Addis Ababa pilot", deliverables=[deliverable])
    make_activity(title="Unpublished plan", deliverables=[deliverable], is_published=False)
    response = client.get(reverse("initiatives:deliverable_detail", args=[deliverable.pk]))
    assert "Addis Ababa pilot" in response.text
    assert "Unpublished plan" not in response.text


def test_an_organisation_page_lists_its_roles_in_readable_activities(client, make_activity, org_a, focal_point):
    make_activity(title="Addis Ababa pilot")
    make_activity(title="Unpublished plan", is_published=False)
    url = reverse("partners:organisation_detail", args=[org_a.pk])
    response = client.get(url)
    assert "Addis Ababa pilot" in response.text
    assert "Unpublished plan" not in response.text
    client.force_login(focal_point)
    assert "Unpublished plan" in client.get(url).text


def test_a_pillar_page_lists_its_readable_activities(client, make_activity, pillars):
    make_activity(title="Addis Ababa pilot", pillar_numbers=(4,))
    make_activity(title="Elsewhere", pillar_numbers=(2,))
    response = client.get(reverse("initiatives:pillar_detail", args=[pillars[4].slug]))
    assert "Addis Ababa pilot" in response.text
    assert "Elsewhere" not in response.text


def test_the_partners_list_filters_organisations_taking_part_in_readable_activities(client, make_activity, org_a, org_b):
    make_activity(title="Addis Ababa pilot", organiser=org_a)
    make_activity(title="Unpublished plan", organiser=org_b, is_published=False)
    response = client.get(reverse("partners:organisation_list"), {"in_activities": "1"})
    assert [o.pk for o in response.context["page"].items] == [org_a.pk]
