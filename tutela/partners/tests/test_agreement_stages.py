"""An agreement's stages: draft → signed → active → expired or renewed, one table the service and page share."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tutela.core.models import AuditEntry
from tutela.partners import services
from tutela.partners.models import AGREEMENT_LIFECYCLE, Agreement, agreement_stage_from_dates

pytestmark = pytest.mark.django_db


def _mou(org_a, org_b, **fields):
    return services.agreement_create(actor=None, title="MoU on COP", parties=[org_a, org_b], **fields)


@pytest.mark.parametrize(("dates", "stage"), [
    ({}, "draft"),
    ({"signed_on": date(2013, 11, 19)}, "active"),
    ({"signed_on": date(2013, 11, 19), "in_force_to": date(2015, 11, 18)}, "expired"),
    ({"signed_on": date(2013, 11, 19), "in_force_from": date.today() + timedelta(days=30)}, "signed"),
])
def test_an_agreement_without_a_stage_starts_where_its_dates_place_it(org_a, org_b, dates, stage):
    assert _mou(org_a, org_b, **dates).stage == stage
    assert agreement_stage_from_dates(dates.get("signed_on"), dates.get("in_force_from"), dates.get("in_force_to"),
                                      timezone.localdate()) == stage


@pytest.mark.parametrize("final", ["expired", "renewed"])
def test_draft_signed_active_then_final_each_audited(secretariat, org_a, org_b, final):
    agreement = _mou(org_a, org_b)
    with pytest.raises(ValidationError) as refused:
        services.agreement_move(actor=secretariat, agreement=agreement, stage="signed")
    assert "Enter the date it was signed" in refused.value.message_dict["stage"][0]
    services.agreement_update(actor=secretariat, agreement=agreement, signed_on=date(2014, 2, 11))
    for stage in ("signed", "active", final):
        services.agreement_move(actor=secretariat, agreement=agreement, stage=stage)
    agreement.refresh_from_db()
    assert agreement.stage == final
    moved = [e.changes["stage"] for e in AuditEntry.objects.filter(action="agreement.moved").order_by("pk")]
    assert moved == [["draft", "signed"], ["signed", "active"], ["active", final]]
    assert AGREEMENT_LIFECYCLE.allowed(final) == []


@pytest.mark.parametrize(("start", "target", "words"), [
    ("draft", "active", "from Draft it can only become Signed"),
    ("active", "draft", "from Active it can only become Expired or Renewed"),
    ("expired", "active", "which is final"),
    ("signed", "terminated", "is not a stage of this agreement"),
])
def test_a_forbidden_jump_is_refused_with_the_reason_through_every_door(secretariat, org_a, org_b, start, target, words):
    agreement = _mou(org_a, org_b, signed_on=date(2014, 1, 1), stage=start)
    for call in (lambda: services.agreement_move(actor=secretariat, agreement=agreement, stage=target),
                 lambda: services.agreement_update(actor=secretariat, agreement=agreement, stage=target)):
        with pytest.raises(ValidationError) as refused:
            call()
        assert words in refused.value.message_dict["stage"][0]
    agreement.refresh_from_db()
    assert agreement.stage == start


def test_a_third_organisation_cannot_move_it(org_a, org_b, other_focal_point, secretariat_org, secretariat):
    agreement = services.agreement_create(actor=None, title="ITU–ACOPEA", parties=[secretariat_org, org_a],
                                          signed_on=date(2014, 1, 1))
    with pytest.raises(PermissionDenied):
        services.agreement_move(actor=other_focal_point, agreement=agreement, stage="expired")


def test_the_page_shows_the_moves_and_asks_before_a_final_one(client, secretariat, org_a, org_b):
    agreement = _mou(org_a, org_b, signed_on=date(2013, 11, 19))
    client.force_login(secretariat)
    url = f"/partners/agreements/{agreement.pk}/"
    page = client.get(url).text
    assert 'name="stage" value="expired"' in page and 'name="stage" value="renewed"' in page
    assert 'name="stage" value="draft"' not in page
    ask = client.post(url + "stage/", {"stage": "renewed"})
    assert ask.status_code == 200 and "cannot be undone" in ask.text
    assert Agreement.objects.get(pk=agreement.pk).stage == "active"
    done = client.post(url + "stage/", {"stage": "renewed", "confirm": "1"}, follow=True)
    assert "The agreement is now Renewed." in done.text
    refused = client.post(url + "stage/", {"stage": "active", "confirm": "1"}, follow=True)
    assert "which is final: it cannot become Active" in refused.text
    assert Agreement.objects.get(pk=agreement.pk).stage == "renewed"


def test_an_unsigned_agreement_is_never_called_in_force(client, secretariat, org_a, org_b):
    """Dates alone do not put a draft in force: its badge says it is not signed, the status filter agrees,
    and once it is signed the badge follows its dates again."""
    draft = _mou(org_a, org_b)
    signed = services.agreement_create(actor=None, title="Signed MoU", parties=[org_a, org_b],
                                       signed_on=date(2013, 11, 19))
    client.force_login(secretariat)
    page = client.get(f"/partners/agreements/{draft.pk}/").content.decode()
    assert 'data-state="not_signed"' in page and "not signed yet" in page and "in force, no end date" not in page
    in_force = client.get("/partners/agreements/?status=in_force").content.decode()
    assert "Signed MoU" in in_force and "MoU on COP" not in in_force
    unsigned = client.get("/partners/agreements/?status=not_signed").content.decode()
    assert "MoU on COP" in unsigned and "Signed MoU" not in unsigned
    from tutela.partners.selectors import agreement_expiry

    assert agreement_expiry(signed)["state"] == "open_ended" and agreement_expiry(draft)["state"] == "not_signed"
