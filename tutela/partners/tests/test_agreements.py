from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tutela.partners.models import Agreement
from tutela.partners.services import agreement_create

pytestmark = pytest.mark.django_db


def test_expiring_filter_and_badge(client, mou, itu, org_b):
    today = timezone.localdate()
    later = agreement_create(actor=None, title="Long partnership", parties=[itu, org_b], kind="partnership",
                             in_force_from=today - timedelta(days=10), in_force_to=today + timedelta(days=400))
    url = reverse("partners:agreement_list")
    response = client.get(url, {"status": "expiring"})
    assert [a.pk for a in response.context["page"].items] == [mou.pk]
    assert "ends in 45 days" in response.text
    in_force = client.get(url, {"status": "in_force", "kind": "partnership"})
    assert [a.pk for a in in_force.context["page"].items] == [later.pk]
    assert 'value="partnership" selected' in in_force.text


def test_agreement_list_has_no_n_plus_one(client, itu, org_b, django_assert_num_queries):
    for i in range(30):
        agreement_create(actor=None, title=f"Agreement {i}", parties=[itu, org_b])
    with django_assert_num_queries(3):  # page, parties prefetch, party choices
        response = client.get(reverse("partners:agreement_list"))
    assert len(response.context["page"].items) == 25


def test_end_before_start_is_refused_in_the_form(client, secretariat, itu, org_b):
    client.force_login(secretariat)
    response = client.post(reverse("partners:agreement_create"), {
        "kind": "mou", "title": "Backwards", "parties": [itu.pk, org_b.pk],
        "in_force_from": "2014-01-01", "in_force_to": "2013-01-01",
    })
    assert response.status_code == 422
    assert "The end date is before the start date." in response.text
    assert not Agreement.objects.filter(title="Backwards").exists()


def test_one_party_is_not_an_agreement(client, secretariat, itu):
    client.force_login(secretariat)
    response = client.post(reverse("partners:agreement_create"), {"kind": "mou", "title": "Alone", "parties": [itu.pk]})
    assert response.status_code == 422
    assert "at least two parties" in response.text


def test_focal_point_records_an_agreement_only_with_their_organisation(client, focal_point, itu, org_a, org_b):
    client.force_login(focal_point)
    url = reverse("partners:agreement_create")
    refused = client.post(url, {"kind": "mou", "title": "Others'", "parties": [itu.pk, org_b.pk]})
    assert refused.status_code == 422
    assert "Your own organisation must be one of the parties." in refused.text
    ok = client.post(url, {"kind": "mou", "title": "Ours", "parties": [itu.pk, org_a.pk]})
    assert ok.status_code == 302


def test_agreement_edit_ladder(ladder, mou):
    ladder("get", reverse("partners:agreement_edit", args=[mou.pk]), {
        "anonymous": 302, "stakeholder": 403, "focal_point": 403, "other_focal_point": 200, "secretariat": 200,
    })


def test_commitment_follow_up_by_a_party(client, other_focal_point, mou):
    commitment = mou.commitments.get()
    client.force_login(other_focal_point)
    response = client.post(reverse("partners:commitment_edit", args=[commitment.pk]), {
        "text": commitment.text, "cadence": "regular", "follow_up_status": "on_track", "order": 0,
        "responsible": [p.pk for p in mou.parties.all()],
    })
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.follow_up_status == "on_track"


def test_unpublished_agreement_is_hidden_from_the_public(ladder, mou):
    mou.is_published = False
    mou.save()
    ladder("get", reverse("partners:agreement_detail", args=[mou.pk]), {
        "anonymous": 404, "stakeholder": 404, "focal_point": 404, "other_focal_point": 200, "secretariat": 200,
    })


def test_openapi_documents_the_partner_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/organisations", "/api/v1/agreements/{pk}", "/api/v1/deliverables", "/api/v1/people",
                 "/api/v1/appointments", "/api/v1/pillars", "/api/v1/initiatives", "/api/v1/organisations/{pk}/merge"):
        assert path in paths
