"""What fulfilled a commitment (CommitmentDelivery) and its cadence compared with what was delivered."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tutela.activities.services import activity_create
from tutela.bulletins import selectors, services
from tutela.bulletins.models import CommitmentDelivery
from tutela.core.models import AuditEntry
from tutela.initiatives.models import Pillar
from tutela.partners.models import Commitment
from tutela.partners.services import agreement_create, commitment_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment(secretariat, org_a, secretariat_org):
    agreement = agreement_create(actor=secretariat, title="Awareness MoU", parties=[secretariat_org, org_a])
    return commitment_add(actor=secretariat, agreement=agreement, text="Run an awareness workshop every quarter",
                          cadence=Commitment.Cadence.QUARTERLY)


def _workshop(org, on):
    return activity_create(actor=None, title=f"Workshop {on}", kind="workshop", starts_on=on.isoformat(),
                           pillars=[Pillar.objects.order_by("number").first()], partners=[(org, "organiser")],
                           country="KE")


def test_an_activity_fulfils_a_commitment_once_audited(focal_point, org_a, commitment):
    workshop = _workshop(org_a, date(2015, 2, 10))
    delivery = services.commitment_delivery_add(actor=focal_point, commitment=commitment, activity=workshop)
    assert delivery.delivered_on == date(2015, 2, 10) and delivery.record == workshop
    assert AuditEntry.objects.filter(action="commitment_delivery.added", target_id=str(delivery.pk), actor=focal_point).exists()
    with pytest.raises(ValidationError) as caught:
        services.commitment_delivery_add(actor=focal_point, commitment=commitment, activity=workshop)
    assert "already linked" in str(caught.value)


def test_exactly_one_record_is_named(secretariat, org_a, commitment):
    with pytest.raises(ValidationError) as caught:
        services.commitment_delivery_add(actor=secretariat, commitment=commitment)
    assert "exactly one record" in caught.value.message_dict["activity"][0]
    assert not CommitmentDelivery.objects.exists()
    with transaction.atomic(), pytest.raises(IntegrityError):  # the table holds the rule too
        CommitmentDelivery.objects.create(commitment=commitment, delivered_on=date(2015, 1, 1))


def test_another_organisation_cannot_record_a_delivery(other_focal_point, org_a, commitment):
    with pytest.raises(PermissionDenied):
        services.commitment_delivery_add(actor=other_focal_point, commitment=commitment,
                                         activity=_workshop(org_a, date(2015, 2, 10)))


@pytest.mark.parametrize(("today", "sentence", "behind"), [
    (date(2015, 8, 1), "quarterly: 3 of 4 delivered this year", False),  # Q3 begun: 3 due, 3 delivered
    (date(2015, 11, 1), "quarterly: 3 of 4 delivered this year", True),  # Q4 begun: 4 due
    (date(2015, 2, 1), "quarterly: 1 of 4 delivered this year", False),  # later deliveries not yet counted
    (date(2016, 1, 5), "quarterly: 0 of 4 delivered this year", True),  # a new year starts from nothing
])
def test_the_cadence_is_compared_with_what_was_delivered(secretariat, org_a, commitment, today, sentence, behind):
    for on in (date(2015, 1, 20), date(2015, 4, 2), date(2015, 7, 30)):
        services.commitment_delivery_add(actor=secretariat, commitment=commitment, activity=_workshop(org_a, on))
    check = selectors.cadence_against_deliveries(commitment, today=today)
    assert check.sentence == sentence and check.behind is behind and check.expected == 4
    behind_list = selectors.commitments_behind_cadence(user=secretariat, today=today)
    assert [c for c, _check in behind_list] == ([commitment] if behind else [])


def test_behind_commitments_are_listed_only_for_those_who_may_change_them(secretariat, focal_point, other_focal_point,
                                                                          commitment):
    today = date(2015, 5, 1)
    assert [c for c, _ in selectors.commitments_behind_cadence(user=secretariat, today=today)] == [commitment]
    assert [c for c, _ in selectors.commitments_behind_cadence(user=focal_point, today=today)] == [commitment]
    assert selectors.commitments_behind_cadence(user=other_focal_point, today=today) == []


def test_a_regular_commitment_is_never_behind(secretariat, commitment):
    from tutela.partners.services import commitment_update

    commitment_update(actor=secretariat, commitment=commitment, cadence=Commitment.Cadence.REGULAR)
    commitment.refresh_from_db()
    check = selectors.cadence_against_deliveries(commitment, today=date(2015, 12, 1))
    assert not check.behind and check.sentence == "on a regular basis (unspecified): 0 delivered this year"


def test_the_secretariats_workspace_counts_commitments_behind_by_the_same_rule(client, secretariat, org_a, commitment):
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    quarters = [date(today.year, month, 1) for month in (1, 4, 7, 10) if date(today.year, month, 1) <= today]
    for on in quarters[:-1]:
        services.commitment_delivery_add(actor=secretariat, commitment=commitment, activity=_workshop(org_a, on))
    client.force_login(secretariat)
    html = client.get(reverse("home:workspace")).content.decode()
    section = html[html.index('id="work-commitments"'):]
    section = section[:section.index("</section>")]
    expected = selectors.cadence_against_deliveries(commitment).sentence
    assert f"quarterly: {len(quarters) - 1} of 4 delivered this year" == expected
    assert ">1</span>" in section and expected in section
    services.commitment_delivery_add(actor=secretariat, commitment=commitment, activity=_workshop(org_a, quarters[-1]))
    html = client.get(reverse("home:workspace")).content.decode()
    assert "No commitment is behind its cadence." in html


def test_the_agreement_page_shows_each_commitments_cadence_against_deliveries(client, secretariat, org_a, commitment):
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    services.commitment_delivery_add(actor=secretariat, commitment=commitment, activity=_workshop(org_a, date(today.year, 1, 15)))
    client.force_login(secretariat)
    page = client.get(reverse("partners:agreement_detail", args=[commitment.agreement_id])).content.decode()
    assert "Commitments against their cadence" in page
    assert selectors.cadence_against_deliveries(commitment).sentence in page and "quarterly: 1 of 4 delivered this year" in page
