"""A focal point's programme or campaign waits for the secretariat; their texts are checked for children."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tutela.outreach import services
from tutela.outreach.models import TrainingProgramme

pytestmark = pytest.mark.django_db


def _programme(actor, org, name="Dire Dawa ambassadors", **fields):
    return services.programme_create(actor=actor, name=name, organisers=[org], country="ET",
                                     starts_on=date(2014, 2, 1), ends_on=date(2014, 6, 30), **fields)


def test_a_focal_points_programme_is_hidden_until_published(client, ladder, secretariat, focal_point, org_a):
    programme = _programme(focal_point, org_a, is_published=True)
    assert (programme.is_published, programme.awaiting_review) == (False, True)
    ladder("get", reverse("outreach:programme_detail", args=[programme.pk]),
           {"anonymous": 404, "stakeholder": 404, "other_focal_point": 404, "focal_point": 200, "secretariat": 200})
    assert client.get(f"/api/v1/outreach/programmes/{programme.pk}").status_code == 404
    queue = reverse("core:review_queue")
    client.force_login(secretariat)
    assert "Dire Dawa ambassadors" in client.get(queue).content.decode()
    client.post(reverse("core:review_publish", args=["outreach.trainingprogramme", programme.pk]))
    client.logout()
    assert client.get(f"/api/v1/outreach/programmes/{programme.pk}").status_code == 200


def test_a_focal_points_campaign_waits_too(focal_point, org_a):
    campaign = services.campaign_create(actor=focal_point, banner="Think before you post", owner_organisation=org_a,
                                        starts_on=date(2014, 2, 1), ends_on=date(2014, 3, 1))
    assert (campaign.is_published, campaign.awaiting_review) == (False, True)


def test_a_programme_description_naming_a_child_is_flagged_and_a_contact_refused(secretariat, org_a):
    programme = _programme(secretariat, org_a, description="Best ambassador's class: Dawit (14) and Ruth (13).")
    assert not programme.is_published and [f["excerpt"] for f in programme.active_flags] == ["Dawit (14)", "Ruth (13)"]
    with pytest.raises(ValidationError) as exc:
        _programme(secretariat, org_a, name="Other", description="Pupils can join on Instagram: @dd_safe_kids")
    assert "@dd_safe_kids" in exc.value.message_dict["description"][0]
    assert TrainingProgramme.objects.count() == 1


def test_a_placement_outlet_holding_a_child_is_refused(secretariat, campaign):
    message = services.message_add(actor=secretariat, campaign=campaign, title="Poster", medium="poster", language="am")
    with pytest.raises(ValidationError) as exc:
        services.placement_add(actor=secretariat, message=message, outlet="Liya, 11, at school 01", country="ET",
                               starts_on=date(2014, 2, 1), ends_on=date(2014, 2, 28), frequency=1, reported_audience=40,
                               audience_source="school", min_age=10, max_age=12)
    assert "Liya, 11" in exc.value.message_dict["outlet"][0]
