"""Bulletins sent in a period feed the progress report: one sentence, as a secretariat writes it,
for varied shapes (one or many bulletins, subscribers, lists; with and without commitments; returned mail)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tutela.bulletins import services
from tutela.initiatives.services import initiative_create
from tutela.partners.models import Commitment
from tutela.partners.services import agreement_create, commitment_add, organisation_create
from tutela.reports import drafting
from tutela.reports.services import report_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(secretariat, secretariat_org, smtp_peer):
    initiative = initiative_create(actor=None, name="Online Safety Initiative", lead_organisation=secretariat_org)
    partner = organisation_create(actor=None, name="Safer Net Foundation", kind="civil_society")
    agreement = agreement_create(actor=secretariat, title="MoU", parties=[secretariat_org, partner])
    return {"initiative": initiative, "agreement": agreement, "sec": secretariat}


def _list(sec, name):
    return services.list_create(actor=sec, name=name, kind="membership")


def _add(sec, mailing_list, address):
    return services.subscriber_add(actor=sec, mailing_list=mailing_list, email=address, consent_text="Agreed",
                                   consent_source="form")


def _send(sec, mailing_list, subject, commitment=None):
    bulletin = services.bulletin_create(actor=sec, mailing_list=mailing_list, subject=subject, body="News.",
                                        commitment=commitment)
    services.bulletin_send(actor=sec, bulletin=bulletin)
    return services.bulletin_deliver(bulletin_id=bulletin.pk)


def _sentence(world, start=None, end=None):
    today = timezone.localdate()
    report = report_create(actor=world["sec"], title="Update", initiative=world["initiative"],
                           period_start=start or today - timedelta(days=30), period_end=end or today)
    found = [d for d in drafting.build(report) if d.key == "bulletins"]
    return found[0].sentences[0]["text"] if found else None


def test_one_bulletin_to_one_subscriber(world):
    academia = _list(world["sec"], "Academia")
    _add(world["sec"], academia, "dean@uni.example")
    _send(world["sec"], academia, "First")
    assert _sentence(world) == "During the reporting period, one bulletin was sent to one subscriber of the “Academia” list."


def test_several_bulletins_lists_and_commitments_counted_once_per_person(world):
    sec = world["sec"]
    regular = commitment_add(actor=sec, agreement=world["agreement"], text="Inform the membership on a regular basis",
                             cadence=Commitment.Cadence.REGULAR)
    yearly = commitment_add(actor=sec, agreement=world["agreement"], text="Publish a yearly digest",
                            cadence=Commitment.Cadence.YEARLY)
    states, sectors = _list(sec, "Member States"), _list(sec, "Sector Members")
    for address in ["a@gov.example", "b@gov.example", "both@example.org"]:
        _add(sec, states, address)
    _add(sec, sectors, "both@example.org")
    _send(sec, states, "One", regular)
    _send(sec, states, "Two", regular)
    _send(sec, sectors, "Three", yearly)
    assert _sentence(world) == (
        "During the reporting period, three bulletins were sent to three subscribers of the “Member States” and "
        "“Sector Members” lists, in fulfilment of the commitments to inform the membership on a regular basis and "
        "to publish a yearly digest.")


def test_more_than_ten_bulletins_in_figures(world):
    sec = world["sec"]
    news = _list(sec, "COP news")
    for n in range(12):
        _add(sec, news, f"reader{n}@example.org")
    for n in range(11):
        _send(sec, news, f"Issue {n}")
    assert _sentence(world) == "During the reporting period, 11 bulletins were sent to 12 subscribers of the “COP news” list."


def test_returned_mail_is_not_counted_as_received(world):
    sec = world["sec"]
    news = _list(sec, "COP news")
    _add(sec, news, "gone@example.org")
    bulletin = _send(sec, news, "Issue")
    services.bounce_record(delivery=bulletin.deliveries.get(), hard=True, detail="5.1.1 no such user")
    assert _sentence(world) == "During the reporting period, one bulletin was sent to the “COP news” list, but no copy was delivered."


def test_nothing_sent_in_the_period_says_nothing(world):
    sec = world["sec"]
    news = _list(sec, "COP news")
    _add(sec, news, "reader@example.org")
    _send(sec, news, "Issue")
    today = timezone.localdate()
    assert _sentence(world, today - timedelta(days=400), today - timedelta(days=1)) is None
    assert _sentence(world, today, today) is not None
