"""The library's API: the same services and access rules as the pages."""

import pytest

from tutela.library.models import Resource

pytestmark = pytest.mark.django_db


def test_a_focal_point_creates_gives_a_link_and_publishes_then_the_public_reads_it(client, focal_point):
    client.force_login(focal_point)
    response = client.post("/api/v1/library/resources", {"title": "Video for parents", "kind": "video",
                                                         "audience": "parents_educators", "format": "video",
                                                         "countries": ["ET"]}, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    refused = client.post(f"/api/v1/library/resources/{pk}/publish")
    assert refused.status_code == 422 and "language version" in refused.json()["error"]["message"]
    broken = client.post(f"/api/v1/library/resources/{pk}/links", {"language": "en", "link": "javascript:alert(1)"},
                         content_type="application/json")
    assert broken.status_code == 422 and "link" in broken.json()["error"]["fields"]
    added = client.post(f"/api/v1/library/resources/{pk}/links", {"language": "am", "link": "https://example.org/v"},
                        content_type="application/json")
    assert added.status_code == 422  # Amharic is not one of the site's languages
    added = client.post(f"/api/v1/library/resources/{pk}/links", {"language": "en", "link": "https://example.org/v"},
                        content_type="application/json")
    assert added.status_code == 201
    assert client.post(f"/api/v1/library/resources/{pk}/publish").status_code == 200
    client.logout()
    body = client.get(f"/api/v1/library/resources/{pk}").json()
    assert body["countries"] == ["ET"] and body["versions"][0]["languages"][0]["language"] == "en"
    assert [i["id"] for i in client.get("/api/v1/library/resources?language=en").json()["items"]] == [pk]
    assert client.get("/api/v1/library/resources?language=fr").json()["items"] == []


def test_an_unpublished_resource_is_a_404_to_others(client, secretariat, other_focal_point):
    client.force_login(secretariat)
    pk = client.post("/api/v1/library/resources", {"title": "Draft kit", "kind": "kit", "audience": "children",
                                                   "min_age": 5, "max_age": 9}, content_type="application/json").json()["id"]
    client.force_login(other_focal_point)
    assert client.get(f"/api/v1/library/resources/{pk}").status_code == 404
    assert client.post(f"/api/v1/library/resources/{pk}/publish").status_code == 404
    assert not Resource.objects.get(pk=pk).is_published
