from datetime import date

import pytest

from tutela.activities import services
from tutela.activities.models import Activity, Project

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _payload(org, pillar_map, **overrides):
    data = {
        "title": "COP strategy framework workshop", "kind": "workshop", "status": "held",
        "starts_on": "2013-10-15", "ends_on": "2013-10-16", "city": "Muscat", "country": "OM",
        "pillars": [pillar_map[3].pk, pillar_map[4].pk], "topics": ["national strategy"],
        "partners": [{"organisation_id": org.pk, "role": "organiser"}],
        "participation": [{"group": "government", "count": 40},
                          {"group": "children", "count": 2, "min_age": 12, "max_age": 15}],
        "outcomes": [{"kind": "recommendation", "text": "Adopt a national framework", "points": ["Appoint a unit"]}],
    }
    data.update(overrides)
    return data


def test_a_focal_point_records_an_activity_through_the_api(as_user, focal_point, org_a, pillars):
    response = as_user(focal_point, "post", "/activities", _payload(org_a, pillars))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["country"] == "OM" and [p["number"] for p in body["pillars"]] == [3, 4]
    assert body["partners"] == [{"organisation_id": org_a.pk, "organisation": str(org_a), "role": "organiser"}]
    assert body["outcomes"][0]["points"] == ["Appoint a unit"]
    # The organiser reads the exact small child count; the public gets it suppressed.
    child = next(p for p in body["participation"] if p["group"] == "children")
    assert child["count"] == 2 and not child["suppressed"]
    # Submitted, not public, until the secretariat publishes it.
    assert body["is_published"] is False and body["awaiting_review"] is True
    assert as_user(None, "get", f"/activities/{body['id']}").status_code == 404
    services.activity_publish(actor=None, activity=Activity.objects.get(pk=body["id"]))
    public = as_user(None, "get", f"/activities/{body['id']}").json()
    child = next(p for p in public["participation"] if p["group"] == "children")
    assert child["count"] is None and child["suppressed"]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"ends_on": "2013-10-01"}, "ends_on", "before the start date"),
    ({"country": "XX"}, "country", "“XX” is not a known ISO 3166 country code"),
    ({"participation": [{"group": "educators", "count": -3}]}, "participation", "0 or more"),
    ({"participation": [{"group": "educators", "count": 2.5}]}, "participation.0.count", ""),
    ({"participation": [{"group": "educators", "count": "many"}]}, "participation.0.count", ""),
    ({"participation": [{"group": "children", "count": 30}]}, "participation", "children are counted by age band"),
    ({"pillars": [999]}, "pillars", "Pillar 999 does not exist"),
    ({"partners": [{"organisation_id": 999999, "role": "organiser"}]}, "partners", "Organisation 999999 does not exist"),
])
def test_bad_input_answers_422_and_saves_nothing(as_user, focal_point, org_a, pillars, overrides, field, message):
    response = as_user(focal_point, "post", "/activities", _payload(org_a, pillars, **overrides))
    assert response.status_code == 422, response.json()
    error = response.json()["error"]
    assert field in error["fields"]
    assert message in " ".join(error["fields"][field])
    assert not Activity.objects.exists()


def test_writes_need_a_signed_in_focal_point_or_the_secretariat(as_user, stakeholder, org_a, pillars):
    assert as_user(None, "post", "/activities", _payload(org_a, pillars)).status_code == 401
    assert as_user(stakeholder, "post", "/activities", _payload(org_a, pillars)).status_code == 403


def test_a_focal_point_cannot_change_another_organisations_activity(as_user, make_activity, other_focal_point,
                                                                     focal_point):
    activity = make_activity(title="Original")
    response = as_user(other_focal_point, "patch", f"/activities/{activity.pk}", {"title": "Hijacked"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    activity.refresh_from_db()
    assert activity.title == "Original"
    response = as_user(focal_point, "patch", f"/activities/{activity.pk}", {"title": "Renamed", "status": "held"})
    assert response.status_code == 200 and response.json()["title"] == "Renamed"


def test_unpublished_activities_are_404_for_the_public(as_user, make_activity, focal_point):
    activity = make_activity(is_published=False)
    assert as_user(None, "get", f"/activities/{activity.pk}").status_code == 404
    assert as_user(focal_point, "get", f"/activities/{activity.pk}").status_code == 200


def test_the_list_filters_like_the_ui_and_pages_with_a_cursor(as_user, make_activity, org_b):
    for i in range(5):
        make_activity(title=f"Oman {i}", country="OM", starts_on=date(2013, 10, 1 + i))
    make_activity(title="Ethiopia", country="ET")
    make_activity(title="Funded", country="OM", organiser=org_b, starts_on=date(2014, 1, 1))
    first = as_user(None, "get", "/activities?country=OM&year=2013&limit=3").json()
    assert [a["title"] for a in first["items"]] == ["Oman 4", "Oman 3", "Oman 2"]
    second = as_user(None, "get", f"/activities?country=OM&year=2013&limit=3&after={first['next']}").json()
    assert [a["title"] for a in second["items"]] == ["Oman 1", "Oman 0"] and second["next"] is None
    by_org = as_user(None, "get", f"/activities?organisation={org_b.pk}&pillar=capacity-building").json()
    assert [a["title"] for a in by_org["items"]] == ["Funded"]
    bad = as_user(None, "get", "/activities?country=XX")
    assert bad.status_code == 422 and "country" in bad.json()["error"]["fields"]


def test_occasions_and_projects(as_user, secretariat, focal_point, org_a, make_activity):
    response = as_user(secretariat, "post", "/occasions", {
        "name": "ITU Telecom World 2013", "short_name": "Telecom World 2013", "kind": "exhibition",
        "starts_on": "2013-11-19", "ends_on": "2013-11-22", "city": "Bangkok", "country": "TH"})
    assert response.status_code == 201, response.json()
    occasion_id = response.json()["id"]
    assert as_user(focal_point, "post", "/occasions", {"name": "Mine", "starts_on": "2013-01-01"}).status_code == 403
    bad = as_user(secretariat, "post", "/occasions", {"name": "Bad", "starts_on": "2013-11-19", "ends_on": "2013-11-01"})
    assert bad.status_code == 422
    assert as_user(None, "get", "/occasions").json()["items"][0]["city"] == "Bangkok"
    assert as_user(None, "get", f"/occasions/{occasion_id}").json()["country"] == "TH"
    patched = as_user(secretariat, "patch", f"/occasions/{occasion_id}", {"venue": "IMPACT Arena"})
    assert patched.json()["venue"] == "IMPACT Arena"

    pilot = make_activity(title="Addis Ababa pilot")
    response = as_user(focal_point, "post", "/projects", {
        "name": "African E-Safety Project", "stage": "planned", "partners": [org_a.pk], "follows_id": pilot.pk,
        "countries": ["ET", "NG"]})
    assert response.status_code == 201, response.json()
    project_id = response.json()["id"]
    # A focal point's project waits for the secretariat before the public sees it.
    assert response.json()["awaiting_review"] is True
    assert as_user(None, "get", "/projects?stage=planned").json()["items"] == []
    services.project_publish(actor=secretariat, project=Project.objects.get(pk=project_id))
    assert as_user(None, "get", "/projects?stage=planned").json()["items"][0]["follows_id"] == pilot.pk
    assert as_user(None, "get", "/projects?stage=nope").status_code == 422
    assert as_user(focal_point, "patch", f"/projects/{project_id}", {"stage": "active"}).json()["stage"] == "active"
    # The API goes through the same stage table as the pages: active cannot go back to idea.
    jump = as_user(focal_point, "patch", f"/projects/{project_id}", {"stage": "idea"})
    assert jump.status_code == 422
    assert "cannot become Idea" in jump.json()["error"]["fields"]["stage"][0]
    bad = as_user(focal_point, "post", "/projects", {"name": "X", "partners": [org_a.pk], "countries": ["XX"]})
    assert bad.status_code == 422


def test_the_api_is_documented(client):
    schema = client.get(API + "/openapi.json").json()
    for path in ["/api/v1/activities", "/api/v1/activities/{activity_id}", "/api/v1/occasions", "/api/v1/projects",
                 "/api/v1/figures", "/api/v1/indicators"]:
        assert path in schema["paths"], path


def test_the_service_refuses_an_unknown_country(make_activity):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        make_activity(country="ZZ")
    assert "country" in exc.value.message_dict
    assert services.Count(group="children", count=1, min_age=1, max_age=2)
