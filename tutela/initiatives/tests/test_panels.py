"""Deliverables and people on the pages of partners (core.panels): partners cannot import initiatives."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_organisation_page_shows_the_deliverables_it_leads(client, org_a, deliverable):
    response = client.get(reverse("partners:organisation_detail", args=[org_a.pk]))
    assert deliverable.title in response.text
    assert reverse("initiatives:deliverable_detail", args=[deliverable.pk]) in response.text


def test_a_person_who_may_not_be_named_is_a_representative_to_the_public(client, org_a, private_person, focal_point):
    url = reverse("partners:organisation_detail", args=[org_a.pk])
    response = client.get(url)
    assert "Abebe" not in response.text
    assert "a representative" in response.text
    client.force_login(focal_point)
    assert "Abebe Quiet" in client.get(url).text


def test_the_edit_list_holds_the_deliverables_and_people_the_focal_point_may_edit(
        client, focal_point, other_focal_point, deliverable, private_person):
    client.force_login(focal_point)
    response = client.get(reverse("partners:my_records"))
    assert deliverable.title in response.text
    assert "Abebe Quiet" in response.text
    client.force_login(other_focal_point)
    response = client.get(reverse("partners:my_records"))
    assert deliverable.title not in response.text
    assert "Abebe Quiet" not in response.text
