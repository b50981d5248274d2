import pytest

from tutela.accounts.services import api_token_create
from tutela.partners.models import Agreement, Organisation

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, key = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {key}"}


def test_list_filters_like_the_pages_and_paginates_by_keyset(client, many_organisations, org_b, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = client.get("/api/v1/organisations", {"country": "ET", "kind": "school", "limit": 20}).json()
    assert len(first["items"]) == 20
    second = client.get("/api/v1/organisations", {"country": "ET", "kind": "school", "limit": 20, "after": first["next"]}).json()
    assert len(second["items"]) == 10 and second["next"] is None
    assert {o["country"] for o in first["items"] + second["items"]} == {"ET"}


def test_create_refuses_a_duplicate_name_with_a_clear_message(client, secretariat, org_b):
    response = client.post("/api/v1/organisations", {"name": "TREND MICRO"}, content_type="application/json", headers=bearer(secretariat))
    assert response.status_code == 422
    assert "already exists" in response.json()["error"]["fields"]["name"][0]


def test_create_refuses_an_unknown_country(client, secretariat):
    response = client.post("/api/v1/organisations", {"name": "Nowhere", "country": "XX"}, content_type="application/json",
                           headers=bearer(secretariat))
    assert response.status_code == 422
    assert "country" in response.json()["error"]["fields"]
    assert not Organisation.objects.filter(name="Nowhere").exists()


def test_create_is_for_the_secretariat(client, focal_point):
    response = client.post("/api/v1/organisations", {"name": "New"}, content_type="application/json", headers=bearer(focal_point))
    assert response.status_code == 403
    anonymous = client.post("/api/v1/organisations", {"name": "New"}, content_type="application/json")
    assert anonymous.status_code == 401


def test_focal_point_updates_own_organisation_but_not_another(client, focal_point, org_a, org_b):
    headers = bearer(focal_point)
    ok = client.patch(f"/api/v1/organisations/{org_a.pk}", {"website": "https://acopea.example.org"},
                      content_type="application/json", headers=headers)
    assert ok.status_code == 200 and ok.json()["website"] == "https://acopea.example.org"
    denied = client.patch(f"/api/v1/organisations/{org_b.pk}", {"name": "Mine now"}, content_type="application/json", headers=headers)
    assert denied.status_code == 403
    unpublish = client.patch(f"/api/v1/organisations/{org_a.pk}", {"is_published": False}, content_type="application/json",
                             headers=headers)
    assert unpublish.status_code == 403


def test_merge_through_the_api(client, secretariat, org_a):
    dup = Organisation.objects.create(name="Acopea", name_key="acopea-dup", kind="civil_society")
    response = client.post(f"/api/v1/organisations/{org_a.pk}/merge", {"duplicate_id": dup.pk}, content_type="application/json",
                           headers=bearer(secretariat))
    assert response.status_code == 200
    assert not Organisation.objects.filter(pk=dup.pk).exists()


def test_agreement_with_commitments_and_expiry(client, secretariat, itu, org_b):
    payload = {
        "title": "MoU", "party_ids": [itu.pk, org_b.pk], "in_force_from": "2013-11-19", "in_force_to": "2099-01-01",
        "commitments": [{"text": "Share research", "responsible_ids": [org_b.pk], "cadence": "regular"}],
    }
    response = client.post("/api/v1/agreements", payload, content_type="application/json", headers=bearer(secretariat))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["expiry"]["state"] == "in_force"
    assert body["commitments"][0]["responsible_ids"] == [org_b.pk]
    listed = client.get("/api/v1/agreements", {"party": org_b.pk}).json()
    assert [a["id"] for a in listed["items"]] == [body["id"]]


def test_agreement_end_before_start_is_refused_and_nothing_is_saved(client, secretariat, itu, org_b):
    payload = {"title": "Backwards", "party_ids": [itu.pk, org_b.pk], "in_force_from": "2014-01-01", "in_force_to": "2013-01-01",
               "commitments": [{"text": "x"}]}
    response = client.post("/api/v1/agreements", payload, content_type="application/json", headers=bearer(secretariat))
    assert response.status_code == 422
    assert "before the start" in response.json()["error"]["message"]
    assert not Agreement.objects.filter(title="Backwards").exists()


def test_expiring_filter(client, mou):
    expiring = client.get("/api/v1/agreements", {"status": "expiring"}).json()
    assert [a["id"] for a in expiring["items"]] == [mou.pk]
    assert expiring["items"][0]["expiry"] == {"state": "expiring", "days": 45}
    assert client.get("/api/v1/agreements", {"status": "expiring", "within": 30}).json()["items"] == []


def test_focal_point_may_not_record_an_agreement_between_others(client, focal_point, itu, org_b, org_a):
    headers = bearer(focal_point)
    denied = client.post("/api/v1/agreements", {"title": "Not mine", "party_ids": [itu.pk, org_b.pk]},
                         content_type="application/json", headers=headers)
    assert denied.status_code == 403
    ok = client.post("/api/v1/agreements", {"title": "Mine", "party_ids": [itu.pk, org_a.pk]},
                     content_type="application/json", headers=headers)
    assert ok.status_code == 201


def test_focal_point_of_another_party_cannot_change_the_agreement(client, focal_point, mou):
    response = client.patch(f"/api/v1/agreements/{mou.pk}", {"title": "x"}, content_type="application/json", headers=bearer(focal_point))
    assert response.status_code == 403
    commitment = mou.commitments.first()
    response = client.patch(f"/api/v1/commitments/{commitment.pk}", {"follow_up_status": "done"}, content_type="application/json",
                            headers=bearer(focal_point))
    assert response.status_code == 403


def test_party_focal_point_follows_up_a_commitment(client, other_focal_point, mou):
    commitment = mou.commitments.first()
    response = client.patch(f"/api/v1/commitments/{commitment.pk}", {"follow_up_status": "on_track", "last_done_on": "2014-02-01"},
                            content_type="application/json", headers=bearer(other_focal_point))
    assert response.status_code == 200
    assert response.json()["follow_up_status"] == "on_track"
