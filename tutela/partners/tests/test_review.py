"""A focal point's agreement (and a change to its commitments) waits for the secretariat."""

import pytest
from django.urls import reverse

from tutela.accounts.services import api_token_create
from tutela.partners import services
from tutela.partners.models import Agreement

pytestmark = pytest.mark.django_db


def _api(client, user, method, path, payload=None):
    headers = {"Authorization": "Bearer " + api_token_create(actor=user, name="t")[1]} if user else {}
    kwargs = {"headers": headers}
    if payload is not None:
        kwargs.update(data=payload, content_type="application/json")
    return getattr(client, method)("/api/v1" + path, **kwargs)


def test_a_focal_points_agreement_is_submitted_and_the_secretariat_publishes_it(client, ladder, secretariat,
                                                                              focal_point, org_a, org_b):
    response = _api(client, focal_point, "post", "/agreements", {
        "title": "MoU on school outreach", "kind": "mou", "party_ids": [org_a.pk, org_b.pk],
        "commitments": [{"text": "Train 60 teachers", "responsible_ids": [org_a.pk]}]})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["is_published"] is False and body["awaiting_review"] is True
    detail = reverse("partners:agreement_detail", args=[body["id"]])
    ladder("get", detail, {"anonymous": 404, "stakeholder": 404, "focal_point": 200, "secretariat": 200})
    assert _api(client, None, "get", f"/agreements/{body['id']}").status_code == 404
    # Only the secretariat publishes.
    ladder("post", reverse("partners:agreement_publish", args=[body["id"]]), {"focal_point": 403}, data={"published": "1"})
    client.force_login(secretariat)
    client.post(reverse("partners:agreement_publish", args=[body["id"]]), {"published": "1"})
    client.logout()
    assert _api(client, None, "get", f"/agreements/{body['id']}").status_code == 200


def test_a_focal_points_new_commitment_sends_the_agreement_back_to_review(secretariat, focal_point, org_a, org_b):
    agreement = services.agreement_create(actor=secretariat, title="Published MoU", parties=[org_a, org_b])
    assert agreement.is_public
    services.commitment_add(actor=focal_point, agreement=agreement, text="Publish a joint leaflet")
    agreement.refresh_from_db()
    assert (agreement.is_published, agreement.awaiting_review) == (False, True)
    assert not Agreement.objects.public().exists()
    services.agreement_publish(actor=secretariat, agreement=agreement)
    assert Agreement.objects.public().get() == agreement
