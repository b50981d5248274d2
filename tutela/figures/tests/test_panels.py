"""Figures on the pages of activities and projects (core.panels): activities cannot import figures."""

from datetime import date

import pytest
from django.urls import reverse

from tutela.activities.services import project_create
from tutela.figures.services import figure_create, indicator_get_or_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def children_reached(db):
    return indicator_get_or_create(code="children-reached", name="Children reached", unit="children")


def _figure(indicator, subject, value, **fields):
    return figure_create(actor=None, indicator=indicator, value=value, kind="estimated", source="Report",
                         as_of=date(2014, 1, 31), method="Spot audience estimate", subject=subject, **fields)


def test_an_activity_page_shows_its_figures(client, pilot, children_reached):
    _figure(children_reached, pilot, 15000)
    body = client.get(reverse("activities:activity_detail", args=[pilot.pk])).content.decode()
    assert "Figures about this activity" in body
    assert "15,000" in body and '<span class="kind estimated">estimated</span>' in body


def test_a_small_count_of_children_is_withheld_from_the_public_on_the_activity_page(
        client, pilot, children_reached, secretariat):
    _figure(children_reached, pilot, 3, group="children", min_age=10, max_age=14)
    url = reverse("activities:activity_detail", args=[pilot.pk])
    public = client.get(url).content.decode()
    assert 'class="suppressed"' in public
    client.force_login(secretariat)
    assert 'class="suppressed"' not in client.get(url).content.decode()


def test_only_an_editor_is_offered_to_record_a_figure_about_the_activity(client, pilot, focal_point, other_focal_point):
    url = reverse("activities:activity_detail", args=[pilot.pk])
    client.force_login(other_focal_point)
    assert "Record a figure about this activity" not in client.get(url).content.decode()
    client.force_login(focal_point)
    assert "Record a figure about this activity" in client.get(url).content.decode()


def test_a_project_page_shows_its_figures(client, pilot, org_a, children_reached):
    project = project_create(actor=None, name="Safety ambassadors", partners=[org_a], is_published=True)
    _figure(children_reached, project, 2500)
    body = client.get(reverse("activities:project_detail", args=[project.pk])).content.decode()
    assert "Figures about this project" in body and "2,500" in body
