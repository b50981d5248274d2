"""Agreements that name the countries they serve (issue 17 item 5, issue 14 item 1)."""

import pytest
from django.urls import reverse

from tutela.accounts.services import api_token_create
from tutela.core.models import AuditEntry
from tutela.partners.models import Agreement
from tutela.partners.selectors import agreements_serving
from tutela.partners.services import agreement_create, agreement_update

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, key = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {key}"}


def test_an_agreement_serves_several_countries_and_is_found_under_each(itu, org_b):
    several = agreement_create(actor=None, title="National frameworks support", parties=[itu, org_b],
                               countries=["OM", "ET", "NG"])
    one = agreement_create(actor=None, title="Oman only", parties=[itu, org_b], countries=["OM"])
    none = agreement_create(actor=None, title="Global", parties=[itu, org_b])
    assert [str(c.code) for c in Agreement.objects.get(pk=several.pk).countries] == ["ET", "NG", "OM"]
    assert list(none.countries) == []
    assert {a.pk for a in agreements_serving(user=None, country="OM")} == {several.pk, one.pk}
    assert [a.pk for a in agreements_serving(user=None, country="NG")] == [several.pk]
    # A code never matches inside another: nothing names "N" or "M,E"; a country nobody serves has none.
    for code in ["N", "M,E", "", "FR", "om,"]:
        assert list(agreements_serving(user=None, country=code)) == []
    assert none.pk not in {a.pk for a in Agreement.objects.serving_country("OM")}


def test_unpublished_agreement_serving_a_country_is_not_shown_to_the_public(itu, org_b, secretariat):
    hidden = agreement_create(actor=None, title="Draft programme", parties=[itu, org_b], countries=["OM"],
                              is_published=False)
    assert list(agreements_serving(user=None, country="OM")) == []
    assert [a.pk for a in agreements_serving(user=secretariat, country="OM")] == [hidden.pk]


def test_an_unknown_country_is_refused_and_nothing_is_saved(client, secretariat, itu, org_b):
    response = client.post("/api/v1/agreements", {"title": "Nowhere", "party_ids": [itu.pk, org_b.pk], "countries": ["OM", "XX"]},
                           content_type="application/json", headers=bearer(secretariat))
    assert response.status_code == 422
    assert "countries" in response.json()["error"]["fields"]
    assert not Agreement.objects.filter(title="Nowhere").exists()


def test_api_sets_changes_and_clears_the_countries(client, secretariat, itu, org_b):
    headers = bearer(secretariat)
    created = client.post("/api/v1/agreements", {"title": "Programme", "party_ids": [itu.pk, org_b.pk], "countries": ["OM", "ET"]},
                          content_type="application/json", headers=headers)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["countries"] == ["ET", "OM"]
    changed = client.patch(f"/api/v1/agreements/{pk}", {"countries": ["KE"]}, content_type="application/json", headers=headers)
    assert changed.json()["countries"] == ["KE"]
    untouched = client.patch(f"/api/v1/agreements/{pk}", {"title": "Programme 2"}, content_type="application/json", headers=headers)
    assert untouched.json()["countries"] == ["KE"]
    cleared = client.patch(f"/api/v1/agreements/{pk}", {"countries": None}, content_type="application/json", headers=headers)
    assert cleared.json()["countries"] == []
    assert client.get(f"/api/v1/agreements/{pk}").json()["countries"] == []


def test_the_form_records_countries_and_the_page_shows_them(client, secretariat, itu, org_b):
    client.force_login(secretariat)
    response = client.post(reverse("partners:agreement_create"), {
        "kind": "mou", "title": "Two countries", "parties": [itu.pk, org_b.pk], "countries": ["ET", "OM"],
    })
    assert response.status_code == 302, response.text
    agreement = Agreement.objects.get(title="Two countries")
    assert [str(c.code) for c in agreement.countries] == ["ET", "OM"]
    assert AuditEntry.objects.filter(action="agreement.created", target_id=str(agreement.pk)).exists()
    page = client.get(reverse("partners:agreement_detail", args=[agreement.pk]))
    assert "Ethiopia, Oman" in page.text
    bad = client.post(reverse("partners:agreement_edit", args=[agreement.pk]), {
        "kind": "mou", "title": "Two countries", "parties": [itu.pk, org_b.pk], "countries": ["ET", "ZZ"],
    })
    assert bad.status_code == 422
    assert [str(c.code) for c in Agreement.objects.get(pk=agreement.pk).countries] == ["ET", "OM"]


def test_an_agreement_with_no_country_says_so(client, itu, org_b):
    agreement = agreement_update(actor=None, agreement=agreement_create(actor=None, title="Anywhere", parties=[itu, org_b],
                                                                       countries=["OM"]), countries=[])
    assert list(Agreement.objects.get(pk=agreement.pk).countries) == []
    assert "None named" in client.get(reverse("partners:agreement_detail", args=[agreement.pk])).text
