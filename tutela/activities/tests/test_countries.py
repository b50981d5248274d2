"""Projects that name the countries they serve (issue 17 item 5, issue 14 item 1)."""

import pytest
from django.urls import reverse

from tutela.activities import services
from tutela.activities.models import Project
from tutela.activities.selectors import projects_serving

pytestmark = pytest.mark.django_db


def test_a_project_serves_several_countries_and_is_found_under_each(client, org_a, secretariat):
    several = services.project_create(actor=None, name="Regional frameworks", partners=[org_a], countries=["OM", "ET", "KE"])
    none = services.project_create(actor=None, name="Global research", partners=[org_a])
    hidden = services.project_create(actor=None, name="Draft", partners=[org_a], countries=["OM"], is_published=False)
    assert [p.pk for p in projects_serving(user=None, country="OM")] == [several.pk]
    assert {p.pk for p in projects_serving(user=secretariat, country="OM")} == {several.pk, hidden.pk}
    assert [p.pk for p in projects_serving(user=None, country="KE")] == [several.pk]
    for code in ["FR", "", "E", "T,K"]:
        assert list(projects_serving(user=None, country=code)) == []
    assert none.pk not in {p.pk for p in Project.objects.serving_country("ET")}
    page = client.get(reverse("activities:project_detail", args=[several.pk])).text
    assert "Ethiopia, Kenya, Oman" in page


def test_an_unknown_country_is_refused_by_the_service(org_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.project_create(actor=None, name="Nowhere", partners=[org_a], countries=["OM", "XX"])
    assert "countries" in error.value.message_dict
    assert not Project.objects.filter(name="Nowhere").exists()
