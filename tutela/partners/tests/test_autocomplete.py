"""The organisation picker: a search box that asks for the matching organisations the user may read."""

import pytest
from django.urls import reverse

from tutela.partners.services import organisation_create

pytestmark = pytest.mark.django_db

URL = reverse("partners:organisation_autocomplete")


@pytest.fixture
def unpublished(db):
    return organisation_create(actor=None, name="Trust and Safety Network (draft)", acronym="TSN", kind="civil_society",
                               country="KE", is_published=False)


def _names(response) -> list[str]:
    return [o.name for o in response.context["organisations"]]


def test_it_finds_by_name_without_case_or_accents_and_by_acronym(client, org_a, org_b):
    organisation_create(actor=None, name="Ministère de l'Éducation", kind="government", country="CI")
    assert _names(client.get(URL, {"q": "ministere"})) == ["Ministère de l'Éducation"]
    assert _names(client.get(URL, {"q": "TM"})) == ["Trend Micro"]
    response = client.get(URL, {"q": "nothing like it"})
    assert response.status_code == 200
    assert "No organisation matches." in response.text


def test_an_organisation_the_user_may_not_read_is_never_offered(client, unpublished, org_a, focal_point,
                                                                other_focal_point, secretariat):
    assert _names(client.get(URL, {"q": "trust"})) == []  # anonymous: the public's organisations only
    client.force_login(focal_point)
    assert _names(client.get(URL, {"q": "trust"})) == []
    assert _names(client.get(URL, {"q": "acopea"})) == [org_a.name]
    client.force_login(secretariat)
    assert _names(client.get(URL, {"q": "trust"})) == [unpublished.name]
    # Access is asked on every request: publishing it shows it to the public at once.
    from tutela.partners.services import organisation_set_published

    organisation_set_published(actor=secretariat, organisation=unpublished, published=True)
    client.logout()
    assert _names(client.get(URL, {"q": "trust"})) == [unpublished.name]


def test_the_picker_box_is_read_by_its_own_name_and_hostile_text_is_harmless(client, org_b):
    assert _names(client.get(URL, {"organisation_q": "trend"})) == ["Trend Micro"]
    assert _names(client.get(URL, {"partners-0-organisation_q": "trend"})) == ["Trend Micro"]
    response = client.get(URL, {"q": "<script>%' OR 1=1 --" + "x" * 5000})
    assert response.status_code == 200
    assert "<script>" not in response.text


def test_the_activity_filter_offers_a_search_box_and_works_without_javascript(client, org_a, org_b, unpublished):
    page = client.get(reverse("activities:activity_list"))
    assert 'name="organisation_q"' in page.text
    assert f'hx-get="{URL}"' in page.text
    assert "Trust and Safety" not in page.text  # not readable by the public, not even in the first names
    # Without JavaScript the box is sent with the filters and the menu comes back narrowed to it.
    narrowed = client.get(reverse("activities:activity_list"), {"organisation_q": "trend"})
    assert f'<option value="{org_b.pk}">Trend Micro (TM)</option>' in narrowed.text
    assert f'<option value="{org_a.pk}">' not in narrowed.text
    chosen = client.get(reverse("activities:activity_list"), {"organisation": org_a.pk, "organisation_q": "trend"})
    assert f'<option value="{org_a.pk}" selected>' in chosen.text
    refused = client.get(reverse("activities:activity_list"), {"organisation": unpublished.pk})
    assert "Unknown organisation." in refused.text
    assert "Trust and Safety" not in refused.text
