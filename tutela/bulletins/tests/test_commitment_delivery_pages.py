"""Recording what delivered a commitment from the agreement's page, removing a wrong link, and the cadence
chart with its table (issue 15, items 2 and 11)."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tutela.activities.services import activity_create
from tutela.bulletins import selectors, services
from tutela.bulletins.models import CommitmentDelivery
from tutela.core.models import AuditEntry
from tutela.initiatives.models import Pillar
from tutela.partners.models import Commitment
from tutela.partners.services import agreement_create, commitment_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(secretariat, org_a, secretariat_org):
    return agreement_create(actor=secretariat, title="Awareness MoU", parties=[secretariat_org, org_a])


@pytest.fixture
def commitment(secretariat, agreement):
    return commitment_add(actor=secretariat, agreement=agreement, text="Run an awareness workshop every quarter",
                          cadence=Commitment.Cadence.QUARTERLY)


def _workshop(org, on, title=None):
    return activity_create(actor=None, title=title or f"Workshop {on}", kind="workshop", starts_on=on.isoformat(),
                           pillars=[Pillar.objects.order_by("number").first()], partners=[(org, "organiser")],
                           country="KE")


def _page(client, agreement):
    return client.get(reverse("partners:agreement_detail", args=[agreement.pk])).content.decode()


def _chart(html):
    start = html.index('class="chart cadence-chart"')
    return html[start:html.index("</svg>", start)]


def _table(html):
    start = html.index('id="commitment-cadence-table"')
    body = html[start:html.index("</table>", start)]
    return re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td>', body)


def test_the_focal_point_records_a_delivery_from_the_agreement_page(client, focal_point, org_a, agreement, commitment):
    today = timezone.localdate()
    workshop = _workshop(org_a, date(today.year, 1, 20), "Teachers' workshop")
    client.force_login(focal_point)
    html = _page(client, agreement)
    form_url = reverse("bulletins:commitment_delivery_create", args=[commitment.pk])
    assert form_url in html and "quarterly: 0 of 4 delivered this year" in html
    form = client.get(form_url)
    assert form.status_code == 200 and "Teachers&#x27; workshop" in form.content.decode()
    assert 'name="bulletin"' not in form.content.decode()  # bulletins are the secretariat's
    response = client.post(form_url, {"activity": workshop.pk})
    assert response.status_code == 302 and response["Location"].endswith("#commitment-deliveries")
    delivery = CommitmentDelivery.objects.get()
    assert (delivery.activity, delivery.delivered_on) == (workshop, date(today.year, 1, 20))
    html = _page(client, agreement)
    assert "quarterly: 1 of 4 delivered this year" in html and "Teachers&#x27; workshop" in html


def test_naming_no_record_or_two_keeps_the_form_with_the_reason(client, secretariat, org_a, commitment):
    workshop = _workshop(org_a, date(2015, 1, 20))
    client.force_login(secretariat)
    url = reverse("bulletins:commitment_delivery_create", args=[commitment.pk])
    response = client.post(url, {"delivered_on": "2015-01-21"})
    assert response.status_code == 422 and "Name exactly one record" in response.content.decode()
    assert client.post(url, {"activity": workshop.pk}).status_code == 302
    again = client.post(url, {"activity": workshop.pk})
    assert again.status_code == 422 and "already linked" in again.content.decode()
    assert CommitmentDelivery.objects.count() == 1


def test_another_organisation_and_the_public_cannot_record_or_remove(client, other_focal_point, stakeholder,
                                                                     secretariat, org_a, commitment):
    delivery = services.commitment_delivery_add(actor=secretariat, commitment=commitment,
                                                activity=_workshop(org_a, date(2015, 1, 20)))
    create = reverse("bulletins:commitment_delivery_create", args=[commitment.pk])
    remove = reverse("bulletins:commitment_delivery_remove", args=[commitment.pk])
    for persona in (other_focal_point, stakeholder):
        client.force_login(persona)
        assert client.get(create).status_code in (403, 404)
        assert client.post(remove, {"delivery": delivery.pk}).status_code in (403, 404)
    assert CommitmentDelivery.objects.filter(pk=delivery.pk).exists()


def test_a_wrong_link_is_removed_audited(client, focal_point, secretariat, org_a, agreement, commitment):
    today = timezone.localdate()
    delivery = services.commitment_delivery_add(actor=secretariat, commitment=commitment,
                                                activity=_workshop(org_a, date(today.year, 1, 20)))
    client.force_login(focal_point)
    assert f'name="delivery" value="{delivery.pk}"' in _page(client, agreement)
    remove = reverse("bulletins:commitment_delivery_remove", args=[commitment.pk])
    assert client.post(remove, {}).status_code == 422
    assert client.post(remove, {"delivery": 999_999}).status_code == 404
    assert client.post(remove, {"delivery": delivery.pk}).status_code == 302
    assert not CommitmentDelivery.objects.exists()
    entry = AuditEntry.objects.get(action="commitment_delivery.removed")
    assert entry.actor == focal_point and entry.target_id == str(delivery.pk)
    assert "quarterly: 0 of 4 delivered this year" in _page(client, agreement)


def test_the_cadence_chart_and_its_table_show_each_period(client, secretariat, org_a, agreement, commitment):
    today = timezone.localdate()
    commitment_add(actor=secretariat, agreement=agreement, text="Report every month",
                   cadence=Commitment.Cadence.MONTHLY)
    services.commitment_delivery_add(actor=secretariat, commitment=commitment,
                                     activity=_workshop(org_a, date(today.year, 1, 10)))
    services.commitment_delivery_add(actor=secretariat, commitment=commitment,
                                     activity=_workshop(org_a, date(today.year, 2, 10)))
    client.force_login(secretariat)
    html = _page(client, agreement)
    chart = _chart(html)
    assert 'viewBox="0 0 360 ' in chart and 'width="100%"' in chart and 'direction="ltr"' in chart
    assert "<title>Commitments: cadence against what was delivered this year</title>" in chart
    quarter_cells = 4
    begun_quarters = (today.month - 1) // 3 + 1
    # Q1 holds both deliveries: one solid cell with "2"; every other begun period is an outlined "0"; the rest dashed.
    assert chart.count('class="delivered"') == 1 and ">2</text>" in chart
    assert chart.count('class="none"') == (begun_quarters - 1) + today.month
    assert chart.count('class="ahead"') == (quarter_cells - begun_quarters) + (12 - today.month)
    rows = dict((header, (year, periods)) for header, year, periods in _table(html))
    assert rows["Run an awareness workshop every quarter"][0].startswith("quarterly: 2 of 4 delivered this year")
    assert rows["Run an awareness workshop every quarter"][1].startswith("Q1: 2 · Q2: ")
    assert rows["Report every month"][0] == "monthly: 0 of 12 delivered this year (behind)"
    assert rows["Report every month"][1].startswith("Jan: 0")


def test_periods_follow_the_one_cadence_rule(secretariat, org_a, commitment):
    for on in (date(2015, 1, 5), date(2015, 1, 25), date(2015, 7, 1)):
        services.commitment_delivery_add(actor=secretariat, commitment=commitment, activity=_workshop(org_a, on))
    check = selectors.cadence_against_deliveries(commitment, today=date(2015, 8, 1))
    assert [(p.label, p.delivered, p.state) for p in check.periods] == [
        ("Q1", 2, "delivered"), ("Q2", 0, "none"), ("Q3", 1, "delivered"), ("Q4", 0, "ahead")]
    assert check.sentence == "quarterly: 3 of 4 delivered this year" and not check.behind


def test_an_agreement_without_commitments_draws_no_chart(client, secretariat, agreement):
    client.force_login(secretariat)
    assert "cadence-chart" not in _page(client, agreement)
