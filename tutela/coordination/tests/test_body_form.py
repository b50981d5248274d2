"""The secretariat sets up a coordination body from the bodies list (form_view over body_create)."""

import pytest

from tutela.coordination.models import Body
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_secretariat_creates_a_body_from_the_list_and_its_registry_starts_where_told(client, secretariat, ladder):
    ladder("get", "/coordination/bodies/new/", {"anonymous": 302, "stakeholder": 403, "focal_point": 403,
                                                 "secretariat": 200})
    client.force_login(secretariat)
    assert 'href="/coordination/bodies/new/"' in client.get("/coordination/").text
    form = {"short_name": "CWG-COP", "name": "Council Working Group on Child Online Protection", "kind": "other",
            "document_start": "8"}
    response = client.post("/coordination/bodies/new/", form)
    body = Body.objects.get(short_name="CWG-COP")
    assert response.status_code == 302 and response.url == f"/coordination/bodies/{body.slug}/"
    assert body.counters.get(scope=0).last_number == 7  # the next document is number 8
    assert AuditEntry.objects.filter(action="body.created", target_id=str(body.pk), actor=secretariat).exists()
    again = client.post("/coordination/bodies/new/", {**form, "short_name": "cwg-cop"})
    assert again.status_code == 422 and "already exists" in again.text
    bad = client.post("/coordination/bodies/new/", {**form, "short_name": "JCA", "document_start": "0"})
    assert bad.status_code == 422
    assert Body.objects.count() == 1


def test_a_focal_point_cannot_create_a_body(client, focal_point):
    client.force_login(focal_point)
    assert "/coordination/bodies/new/" not in client.get("/coordination/").text
    assert client.post("/coordination/bodies/new/", {"short_name": "X", "name": "X", "kind": "other",
                                                      "document_start": "1"}).status_code == 403
    assert not Body.objects.exists()
