"""Returned mail (DSN, complaints) read by the management command, and the public archive."""

import mailbox

import pytest
from django.core.management import call_command

from tutela.bulletins import services
from tutela.bulletins.models import Bulletin, Delivery, MailingList, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(secretariat, members, add, run_on_commit, smtp_peer):
    add(members, "hard@example.org")
    add(members, "soft@example.org", "fr")
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="Issue 1", body="Hello")
    services.bulletin_translate(actor=secretariat, bulletin=bulletin, language="fr", values={"subject": "Numéro 1", "body": "Bonjour"})
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin)
    return {d.email: d for d in Delivery.objects.filter(bulletin=bulletin)}


def dsn(to, status, original_id="<unknown@x>", action="failed"):
    return (f"From: MAILER-DAEMON@mx.example.net\r\nTo: {to}\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"
            "--B\r\nContent-Type: text/plain\r\n\r\nSorry.\r\n"
            "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
            f"Final-Recipient: rfc822; someone@example.org\r\nAction: {action}\r\nStatus: {status}\r\n"
            "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
            f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {original_id}\r\nSubject: x\r\n\r\n--B--\r\n").encode()


def test_bounces_from_a_maildir_suspend_hard_at_once_and_soft_after_the_limit(sent, tmp_path, settings):
    settings.BULLETINS_SOFT_BOUNCE_LIMIT = 2
    box = mailbox.Maildir(str(tmp_path / "bounces"), create=True)
    box.add(dsn(services._verp(sent["hard@example.org"].pk), "5.1.1"))
    box.add(dsn("bounces@elsewhere", "4.2.2", original_id=sent["soft@example.org"].message_id))  # found by Message-ID
    box.add(dsn(services._verp(999_999).replace("999999-", "999999-"), "5.1.1"))  # unknown delivery: ignored
    box.add(dsn("bounces+1-0000000000@tutela.invalid", "5.1.1"))  # forged VERP signature: ignored
    call_command("read_bounces", maildir=str(tmp_path / "bounces"))
    assert Subscriber.objects.get(email="hard@example.org").status == "suspended"
    soft = Subscriber.objects.get(email="soft@example.org")
    assert soft.status == "active" and soft.soft_bounces == 1
    assert Delivery.objects.get(pk=sent["hard@example.org"].pk).status == "bounced"
    assert len(mailbox.Maildir(str(tmp_path / "bounces"), create=False)) == 0
    services.inbound_process(dsn(services._verp(sent["soft@example.org"].pk), "4.4.1"))
    assert Subscriber.objects.get(email="soft@example.org").status == "suspended"


def test_a_complaint_unsubscribes_and_a_delivered_report_changes_nothing(sent):
    delivery = sent["hard@example.org"]
    arf = (f"From: fbl@isp.example\r\nTo: {services._verp(delivery.pk)}\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/report; report-type=feedback-report; boundary=F\r\n\r\n"
           "--F\r\nContent-Type: text/plain\r\n\r\nAbuse report\r\n"
           "--F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\n\r\n--F--\r\n").encode()
    assert services.inbound_process(arf).kind == "complaint"
    assert Delivery.objects.get(pk=delivery.pk).status == "complained"
    assert delivery.subscriber.subscriptions.get().status == "unsubscribed"
    assert services.inbound_process(dsn(services._verp(sent["soft@example.org"].pk), "2.0.0", action="delivered")).kind == "ignored"
    assert Subscriber.objects.get(email="soft@example.org").soft_bounces == 0
    assert services.inbound_process(b"not a mail at all").kind == "ignored"


def test_the_public_archive_shows_sent_bulletins_per_language_with_a_feed(client, sent, members, secretariat):
    bulletin = Bulletin.objects.get()
    page = client.get(f"/bulletins/archive/{members.slug}/")
    assert page.status_code == 200 and b"Issue 1" in page.content
    web = client.get(f"/bulletins/archive/{members.slug}/{bulletin.pk}/?lang=fr")
    assert b"Bonjour" in web.content and b'lang="fr"' in web.content
    assert b"Hello" in client.get(f"/bulletins/archive/{members.slug}/{bulletin.pk}/?lang=ru").content  # English fallback
    assert b'name="viewport"' in web.content  # base.html: readable on a phone
    assert b"<style" not in web.content and b"<script>" not in web.content
    feed = client.get(f"/bulletins/archive/{members.slug}/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml") and b"<entry>" in feed.content and b"Issue 1" in feed.content
    assert "Set-Cookie" not in web.headers
    draft = services.bulletin_create(actor=secretariat, mailing_list=members, subject="Unsent draft", body="x")
    assert client.get(f"/bulletins/archive/{members.slug}/{draft.pk}/").status_code == 404
    assert b"Unsent draft" not in client.get(f"/bulletins/archive/{members.slug}/").content


def test_a_private_list_has_no_public_archive(client, sent, members):
    MailingList.objects.filter(pk=members.pk).update(is_private=True)
    bulletin = Bulletin.objects.get()
    assert client.get(f"/bulletins/archive/{members.slug}/").status_code == 404
    assert client.get(f"/bulletins/archive/{members.slug}/{bulletin.pk}/").status_code == 404
    assert client.get(f"/bulletins/archive/{members.slug}/feed.atom").status_code == 404
    assert members.name.encode() not in client.get("/bulletins/").content


def test_a_sent_bulletin_counts_for_its_commitment_and_the_period(client, secretariat, members, add, run_on_commit,
                                                                 smtp_peer, org_b):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from tutela.bulletins import selectors
    from tutela.partners.models import Commitment
    from tutela.partners.services import agreement_create, commitment_add, organisation_create

    itu = organisation_create(actor=None, name="ITU test", kind="un_agency")
    agreement = agreement_create(actor=secretariat, title="MoU", parties=[itu, org_b])
    commitment = commitment_add(actor=secretariat, agreement=agreement, text="Inform the membership regularly",
                                cadence=Commitment.Cadence.MONTHLY)
    add(members, "a@example.org")
    add(members, "b@example.org")
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="S", body="B", commitment=commitment)
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin)
    commitment.refresh_from_db()
    assert commitment.last_done_on == timezone.localdate()
    # The one cadence rule (``cadence_against_deliveries``) counts the sent bulletin naming the commitment.
    cadence = selectors.cadence_against_deliveries(commitment)
    assert (cadence.delivered, cadence.expected) == (1, 12)
    assert cadence.sentence == "monthly: 1 of 12 delivered this year"
    # 40 days on, another month has begun (or a new year, with nothing delivered yet): behind.
    assert selectors.cadence_against_deliveries(commitment, today=timezone.localdate() + timedelta(days=40)).behind
    client.force_login(secretariat)
    page = client.get(reverse("bulletins:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert "monthly: 1 of 12 delivered this year" in page
    today = timezone.localdate()
    period = selectors.sent_in_period(today - timedelta(days=1), today)
    assert (period.bulletins, period.subscribers, period.deliveries) == (1, 2, 2)
    assert period.lists == [members.name] and period.commitments == [commitment]
    assert selectors.sent_in_period(today - timedelta(days=1), today, commitment=commitment).bulletins == 1
    assert selectors.sent_in_period(today + timedelta(days=1), today + timedelta(days=9)).bulletins == 0
