"""A focal point's figure waits for the secretariat; a figure's note is checked for children's identities."""

import pytest
from django.urls import reverse

from tutela.accounts.services import api_token_create
from tutela.core.models import AuditEntry
from tutela.figures import selectors, services
from tutela.figures.models import Figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client):
    def do(user, method, path, payload=None):
        headers = {}
        if user is not None:
            headers["Authorization"] = "Bearer " + api_token_create(actor=user, name="t")[1]
        kwargs = {"headers": headers}
        if payload is not None:
            kwargs.update(data=payload, content_type="application/json")
        return getattr(client, method)("/api/v1" + path, **kwargs)

    return do


@pytest.fixture
def reached(db):
    return services.indicator_get_or_create(code="children-reached", name="Children reached", unit="children")


def _payload(org, **extra):
    return {"indicator": "children-reached", "value": "120", "kind": "counted", "source": "School register",
            "as_of": "2014-01-31", "owner_organisation_id": org.pk, "group": "children", "min_age": 10, "max_age": 12,
            "is_published": True, **extra}


def test_a_focal_points_figure_is_hidden_until_the_secretariat_publishes_it(call, client, ladder, secretariat,
                                                                          focal_point, org_a, reached):
    response = call(focal_point, "post", "/figures", _payload(org_a))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["is_published"] is False and body["awaiting_review"] is True
    detail = reverse("figures:figure_detail", args=[body["id"]])
    ladder("get", detail, {"anonymous": 404, "stakeholder": 404, "other_focal_point": 404, "focal_point": 200,
                           "secretariat": 200})
    assert call(None, "get", "/figures").json()["items"] == []
    assert call(None, "get", f"/figures/{body['id']}").status_code == 404
    assert selectors.indicator_totals(None) == []
    # The secretariat publishes from the figure's page (the review component posts to the queue).
    client.force_login(secretariat)
    page = client.get(detail).content.decode()
    publish = reverse("core:review_publish", args=["figures.figure", body["id"]])
    assert publish in page
    client.post(publish)
    assert call(None, "get", f"/figures/{body['id']}").status_code == 200
    assert AuditEntry.objects.filter(action="figure.published", actor=secretariat).exists()


def test_a_secretariat_figure_is_public_at_once(call, secretariat, org_a, reached):
    body = call(secretariat, "post", "/figures", _payload(org_a)).json()
    assert body["is_published"] is True and body["awaiting_review"] is False
    assert call(None, "get", f"/figures/{body['id']}").status_code == 200


def test_a_note_with_a_childs_contact_is_refused_and_a_name_with_age_is_flagged(call, secretariat, focal_point, org_a,
                                                                               reached):
    refused = call(focal_point, "post", "/figures", _payload(org_a, note="Ask Liya's mother: +251 911 234 567"))
    assert refused.status_code == 422
    assert "+251 911 234 567" in " ".join(refused.json()["error"]["fields"]["note"])
    assert not Figure.objects.exists()
    body = call(secretariat, "post", "/figures", _payload(org_a, note="Includes Liya, 11, the youngest.")).json()
    figure = Figure.objects.get(pk=body["id"])
    assert body["is_published"] is False and [f["excerpt"] for f in figure.active_flags] == ["Liya, 11"]
    assert call(secretariat, "patch", f"/figures/{body['id']}", {"note": "Includes the youngest pupils."}).json()[
        "is_published"] is False  # edited out, still waiting for the secretariat's decision
    figure.refresh_from_db()
    assert figure.review_flags == []
    services.figure_publish(actor=secretariat, figure=figure)
    assert call(None, "get", f"/figures/{body['id']}").status_code == 200
