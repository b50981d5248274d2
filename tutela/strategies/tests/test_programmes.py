"""Programmes across countries (issue 17 item 5): an agreement or project naming several countries shows
on each country's page and may serve each of their action plans; one naming none shows nowhere."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tutela.activities.services import project_create
from tutela.partners.services import agreement_create
from tutela.strategies import services
from tutela.strategies.models import Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def programmes(secretariat_org, org_a, org_b):
    return {
        "agreement": agreement_create(actor=None, title="Frameworks support agreement", parties=[org_a, org_b],
                                      countries=["OM", "ET", "KE"]),
        "project": project_create(actor=None, name="Two-country helpline project", partners=[org_a],
                                  countries=["OM", "ET"]),
        "nowhere": agreement_create(actor=None, title="Global research agreement", parties=[secretariat_org, org_b]),
        "elsewhere": project_create(actor=None, name="Kenya schools project", partners=[org_b], countries=["KE"]),
    }


def test_each_named_country_shows_the_programme_and_a_country_with_no_round_too(client, programmes, published_om):
    om = client.get("/strategies/countries/OM/").text
    assert "Frameworks support agreement" in om and "Two-country helpline project" in om
    assert "Global research agreement" not in om and "Kenya schools project" not in om
    # Kenya has no round at all: its page still shows what serves it, and says there is no summary.
    ke = client.get("/strategies/countries/KE/")
    assert ke.status_code == 200
    assert "Frameworks support agreement" in ke.text and "Kenya schools project" in ke.text
    assert "Two-country helpline project" not in ke.text
    assert "No assessment summary has been published" in ke.text
    fr = client.get("/strategies/countries/FR/").text
    assert "None recorded." in fr and "Global research agreement" not in fr
    # The parties and partners of those programmes are partners working there.
    assert client.get("/strategies/countries/OM/").context["programme_count"] == 2


def _gap(assessment):
    return Rating.objects.filter(assessment=assessment, level__lt=3).select_related("criterion").first().criterion


def test_a_programme_counts_in_the_plan_of_a_country_it_names_and_is_refused_elsewhere(
        client, programmes, published_om, secretariat, org_a):
    criterion = _gap(published_om)
    with pytest.raises(ValidationError) as refused:
        services.action_create(actor=secretariat, assessment=published_om, criterion=criterion, title="Helpline",
                               owner=org_a, due_on=date(2016, 1, 1),
                               agreements=[programmes["agreement"], programmes["nowhere"]],
                               projects=[programmes["elsewhere"]])
    assert set(refused.value.message_dict) == {"agreements", "projects"}
    assert "Global research agreement" in refused.value.message_dict["agreements"][0]
    assert "Oman" in refused.value.message_dict["projects"][0]
    assert not published_om.actions.exists()  # nothing half-applied

    action = services.action_create(actor=secretariat, assessment=published_om, criterion=criterion, title="Helpline",
                                    owner=org_a, due_on=date(2016, 1, 1), agreements=[programmes["agreement"]],
                                    projects=[programmes["project"]])
    assert [a.pk for a in action.agreements.all()] == [programmes["agreement"].pk]
    page = client.get("/strategies/countries/OM/")
    assert page.context["programmes_serving_plan"] == {"projects": {programmes["project"].pk},
                                                       "agreements": {programmes["agreement"].pk}}
    assert page.text.count("in the action plan") == 2
    # Changing the links is one audited update; a programme not naming Oman is refused there too.
    with pytest.raises(ValidationError):
        services.action_update(actor=secretariat, action=action, agreements=[programmes["nowhere"]])
    assert [a.pk for a in action.agreements.all()] == [programmes["agreement"].pk]
    services.action_update(actor=secretariat, action=action, agreements=[])
    assert not action.agreements.exists()


def test_the_action_form_and_api_offer_and_accept_only_programmes_naming_the_country(
        client, programmes, published_om, secretariat, org_a):
    client.force_login(secretariat)
    form = client.get(f"/strategies/assessments/{published_om.pk}/actions/new/")
    assert form.status_code == 200
    offered = {a.pk for a in form.context["form"].fields["agreements"].queryset}
    assert offered == {programmes["agreement"].pk}
    assert {p.pk for p in form.context["form"].fields["projects"].queryset} == {programmes["project"].pk}
    from tutela.accounts.services import api_token_create

    _t, key = api_token_create(actor=secretariat, name="t")
    headers = {"Authorization": f"Bearer {key}"}
    criterion = _gap(published_om)
    bad = client.post(f"/api/v1/strategies/assessments/{published_om.pk}/actions",
                      {"criterion": criterion.code, "title": "X", "owner_id": org_a.pk, "due_on": "2016-01-01",
                       "agreement_ids": [programmes["nowhere"].pk]}, content_type="application/json", headers=headers)
    assert bad.status_code == 422 and "agreements" in bad.json()["error"]["fields"]
    ok = client.post(f"/api/v1/strategies/assessments/{published_om.pk}/actions",
                     {"criterion": criterion.code, "title": "X", "owner_id": org_a.pk, "due_on": "2016-01-01",
                      "agreement_ids": [programmes["agreement"].pk]}, content_type="application/json", headers=headers)
    assert ok.status_code == 201, ok.json()
    assert ok.json()["agreement_ids"] == [programmes["agreement"].pk]
