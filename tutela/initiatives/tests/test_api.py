import pytest

from tutela.initiatives.models import Person
from tutela.partners.tests.test_api import bearer

pytestmark = pytest.mark.django_db


def test_pillars_and_initiatives_are_public(client, initiative):
    assert [p["number"] for p in client.get("/api/v1/pillars").json()] == [1, 2, 3, 4, 5]
    assert client.get(f"/api/v1/initiatives/{initiative.pk}").json()["name"] == "COP Global Initiative"


def test_deliverable_list_filters_like_the_page(client, deliverable, django_assert_num_queries):
    with django_assert_num_queries(4):  # pillar lookup, page, pillars, contributors
        body = client.get("/api/v1/deliverables", {"pillar": 3, "status": "in_progress"}).json()
    assert [d["id"] for d in body["items"]] == [deliverable.pk]
    assert body["items"][0]["pillars"] == [3]
    assert client.get("/api/v1/deliverables", {"pillar": 1}).json()["items"] == []
    assert client.get("/api/v1/deliverables", {"pillar": 9}).status_code == 422


def test_create_deliverable_with_an_unknown_pillar_is_refused(client, secretariat, initiative):
    response = client.post("/api/v1/deliverables", {"title": "X", "pillars": [7]}, content_type="application/json",
                           headers=bearer(secretariat))
    assert response.status_code == 422
    assert "Unknown pillar" in response.json()["error"]["message"]


def test_focal_point_creates_and_updates_only_their_deliverables(client, focal_point, initiative, org_a, org_b, deliverable):
    headers = bearer(focal_point)
    denied = client.post("/api/v1/deliverables", {"title": "X", "pillars": [1], "lead_organisation_id": org_b.pk},
                         content_type="application/json", headers=headers)
    assert denied.status_code == 403
    ok = client.post("/api/v1/deliverables", {"title": "Y", "pillars": [1], "lead_organisation_id": org_a.pk},
                     content_type="application/json", headers=headers)
    assert ok.status_code == 201
    moved = client.patch(f"/api/v1/deliverables/{deliverable.pk}", {"lead_organisation_id": org_b.pk},
                         content_type="application/json", headers=headers)
    assert moved.status_code == 403  # giving the deliverable away would lose the right to write it


def test_people_api_names_only_who_may_be_named(client, patron, private_person, focal_point):
    public = client.get("/api/v1/people").json()
    assert [p["full_name"] for p in public["items"]] == ["Laura Chinchilla"]
    assert public["items"][0]["email"] is None
    assert client.get(f"/api/v1/people/{private_person.pk}").status_code == 404
    mine = client.get(f"/api/v1/people/{private_person.pk}", headers=bearer(focal_point))
    assert mine.status_code == 200


def test_person_must_be_an_adult(client, secretariat):
    response = client.post("/api/v1/people", {"full_name": "Kid", "adult": False}, content_type="application/json",
                           headers=bearer(secretariat))
    assert response.status_code == 422
    assert not Person.objects.filter(full_name="Kid").exists()


def test_appointments_create_and_filter(client, secretariat, patron, initiative, org_a):
    headers = bearer(secretariat)
    response = client.post("/api/v1/appointments", {
        "person_id": patron.pk, "role": "champion", "subject_type": "initiative", "subject_id": initiative.pk,
        "starts_on": "2013-11-21",
    }, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.json()
    assert response.json()["subject_type"] == "initiatives.initiative"
    listed = client.get("/api/v1/appointments", {"role": "champion"}).json()
    assert [a["id"] for a in listed["items"]] == [response.json()["id"]]
    backwards = client.patch(f"/api/v1/appointments/{response.json()['id']}", {"ends_on": "2010-01-01"},
                             content_type="application/json", headers=headers)
    assert backwards.status_code == 422


def test_focal_point_cannot_appoint_on_the_initiative(client, focal_point, initiative, org_a):
    from tutela.initiatives.services import person_create

    person = person_create(actor=None, full_name="Staff Member", organisation=org_a)
    response = client.post("/api/v1/appointments", {
        "person_id": person.pk, "role": "patron", "subject_type": "initiative", "subject_id": initiative.pk,
    }, content_type="application/json", headers=bearer(focal_point))
    assert response.status_code == 403
    ok = client.post("/api/v1/appointments", {
        "person_id": person.pk, "role": "focal_point", "subject_type": "partners.organisation", "subject_id": org_a.pk,
    }, content_type="application/json", headers=bearer(focal_point))
    assert ok.status_code == 201
