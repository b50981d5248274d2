"""The strategies API: the same rules as the pages, in JSON."""

from datetime import date

import pytest

from tutela.strategies.models import Assessment, Framework, Rating

from .conftest import criteria

pytestmark = pytest.mark.django_db
BASE = "/api/v1/strategies"


def test_the_public_reads_published_rounds_without_answers(client, published_om, draft_om):
    body = client.get(f"{BASE}/assessments").json()
    assert [a["country"] for a in body["items"]] == ["OM"]
    item = body["items"][0]
    assert item["ratings"] is None and item["summary"] == "Oman has a legal basis."
    assert [s["mean_level"] for s in item["pillar_scores"]] == [2.0, 3.0, 1.5, 2.0, 2.5]
    countries = client.get(f"{BASE}/countries").json()
    assert [(c["country"], c["strategy_stage"]) for c in countries] == [("OM", "none")]
    assert client.get(f"{BASE}/countries/ZZ").status_code == 404


def test_a_national_focal_point_rates_submits_and_sees_answers(client, framework, national_om):
    client.force_login(national_om)
    response = client.post(f"{BASE}/assessments", {"country": "OM", "framework_id": framework.pk,
                                                   "held_on": "2016-03-01"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["ratings"]) == 10
    for r in body["ratings"]:
        ok = client.patch(f"{BASE}/ratings/{r['id']}", {"level": 3, "comments": "ok"}, content_type="application/json")
        assert ok.status_code == 200 and ok.json()["level"] == 3
    bad = client.patch(f"{BASE}/ratings/{body['ratings'][0]['id']}", {"level": 5}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["fields"]
    submitted = client.post(f"{BASE}/assessments/{body['id']}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    late = client.patch(f"{BASE}/ratings/{body['ratings'][0]['id']}", {"level": 1}, content_type="application/json")
    assert late.status_code == 422
    assert Rating.objects.get(pk=body["ratings"][0]["id"]).level == 3


def test_another_country_is_403_or_404(client, draft_om, published_om, national_et):
    client.force_login(national_et)
    assert client.get(f"{BASE}/assessments/{draft_om.pk}").status_code in (200, 404)
    response = client.post(f"{BASE}/assessments", {"country": "OM", "framework_id": published_om.framework_id,
                                                   "held_on": "2016-03-01"}, content_type="application/json")
    assert response.status_code == 403
    rating = published_om.ratings.first()
    assert client.patch(f"{BASE}/ratings/{rating.pk}", {"level": 1}, content_type="application/json").status_code == 403


def test_validate_and_publish_are_the_secretariats(client, draft_om, national_om, secretariat):
    from .conftest import fill

    fill(draft_om, national_om)
    client.force_login(national_om)
    client.post(f"{BASE}/assessments/{draft_om.pk}/submit")
    assert client.post(f"{BASE}/assessments/{draft_om.pk}/validate").status_code == 403
    client.force_login(secretariat)
    assert client.post(f"{BASE}/assessments/{draft_om.pk}/validate").json()["status"] == "validated"
    missing = client.post(f"{BASE}/assessments/{draft_om.pk}/publish", {"summary": " "}, content_type="application/json")
    assert missing.status_code == 422
    done = client.post(f"{BASE}/assessments/{draft_om.pk}/publish", {"summary": "Done."}, content_type="application/json")
    assert done.json()["status"] == "published"
    assert Assessment.objects.get(pk=draft_om.pk).summary == "Done."


def test_framework_import_refuses_duplicate_codes_and_keeps_nothing(client, secretariat):
    client.force_login(secretariat)
    rows = criteria(1)
    rows[4]["code"] = rows[0]["code"]
    response = client.post(f"{BASE}/frameworks", {"code": "api", "version": 1, "name": "API", "criteria": rows},
                           content_type="application/json")
    assert response.status_code == 422 and "used twice" in str(response.json())
    assert not Framework.objects.filter(code="api").exists()
    rows[4]["code"] = "NEW"
    response = client.post(f"{BASE}/frameworks", {"code": "api", "version": 1, "name": "API", "criteria": rows},
                           content_type="application/json")
    assert response.status_code == 201 and len(response.json()["criteria"]) == 5


def test_actions_over_the_api(client, published_om, national_om, org_a):
    from tutela.strategies import selectors

    gap = selectors.gaps(published_om)[0]
    client.force_login(national_om)
    response = client.post(f"{BASE}/assessments/{published_om.pk}/actions",
                           {"criterion": gap.criterion.code, "title": "Draft the law", "owner_id": org_a.pk,
                            "due_on": "2014-12-31", "partner_ids": [org_a.pk]}, content_type="application/json")
    assert response.status_code == 201, response.content
    action = response.json()
    assert action["partner_ids"] == [org_a.pk]
    patched = client.patch(f"{BASE}/actions/{action['id']}", {"status": "done", "due_on": str(date(2015, 1, 31))},
                           content_type="application/json")
    assert patched.json()["status"] == "done" and patched.json()["due_on"] == "2015-01-31"
    assert client.patch(f"{BASE}/actions/{action['id']}", {"status": "over"},
                        content_type="application/json").status_code == 422
    assert client.post(f"{BASE}/assessments/{published_om.pk}/actions",
                       {"criterion": "NOPE", "title": "x", "owner_id": org_a.pk, "due_on": "2014-12-31"},
                       content_type="application/json").status_code == 422
    client.logout()
    assert [a["title"] for a in client.get(f"{BASE}/assessments/{published_om.pk}/actions").json()] == ["Draft the law"]
