"""Bulletins over a real SMTP peer: headers on the received bytes, languages, refusal, resumption."""

import email
import email.policy
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutela.bulletins import services
from tutela.bulletins.models import Bulletin, Delivery, Subscriber

pytestmark = pytest.mark.django_db


def parsed(envelope):
    return email.message_from_bytes(envelope.original_content, policy=email.policy.default)


def by_rcpt(sink):
    return {env.rcpt_tos[0]: env for env in sink.messages}


def test_a_bulletin_reaches_each_subscriber_once_in_their_language_with_list_headers(
        smtp_peer, secretariat, members, add, run_on_commit, org_b, secretariat_org, settings):
    add(members, "fr@example.org", "fr")
    add(members, "es@example.org", "es")
    add(members, "ar@example.org", "ar")
    add(members, "EN@Example.ORG", "en")
    bulletin = services.bulletin_create(
        actor=secretariat, mailing_list=members, subject="COP bulletin no. 1",
        body="# Hello\n\nThe **guidelines** are [online](/consultations/).\n\n<script>alert(1)</script> & <b>x</b>\n\n"
             "- one\n- two",
        organisations=[secretariat_org, org_b])
    services.bulletin_translate(actor=secretariat, bulletin=bulletin, language="fr", values={"subject": "Bulletin COP nº 1", "body": "Les **lignes directrices** sont [en ligne](/consultations/)."})
    services.bulletin_translate(actor=secretariat, bulletin=bulletin, language="ar", values={"subject": "نشرة", "body": "مرحبا [هنا](/consultations/)"})
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin)

    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.SENT
    received = by_rcpt(smtp_peer)
    assert sorted(received) == ["EN@example.org", "ar@example.org", "es@example.org", "fr@example.org"]
    assert len(smtp_peer.messages) == 4
    fr = parsed(received["fr@example.org"])
    assert fr["Subject"] == "Bulletin COP nº 1"
    assert parsed(received["es@example.org"])["Subject"] == "COP bulletin no. 1"  # Spanish falls back to English
    assert parsed(received["ar@example.org"])["Subject"] == "نشرة"
    assert fr.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in fr.iter_parts()] == ["text/plain", "text/html"]
    unsubscribe = fr["List-Unsubscribe"]
    https = re.search(r"<(https?://[^>]+/bulletins/u/[^>]+/)>", unsubscribe).group(1)
    assert re.search(r"<mailto:unsubscribe@[^>]+\?subject=unsubscribe%20[^>]+>", unsubscribe)
    assert fr["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert fr["List-Id"].endswith("<member-states.tutela.invalid>")
    assert fr["Date"] and fr["Message-ID"]
    assert "ITU & TM" in fr["From"]
    delivery = Delivery.objects.get(email="fr@example.org")
    assert fr["Message-ID"] == delivery.message_id and delivery.status == "sent"
    envelope_from = received["fr@example.org"].mail_from
    assert envelope_from.startswith(f"bounces+{delivery.pk}-") and services.verp_delivery(envelope_from) == delivery.pk
    assert https.startswith(settings.SITE_URL)
    html = parsed(received["EN@example.org"]).get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<li>two</li>" in html and "<strong>guidelines</strong>" in html
    assert f'href="{settings.SITE_URL}/consultations/"' in html
    text = parsed(received["EN@example.org"]).get_body(("plain",)).get_content()
    assert f"online <{settings.SITE_URL}/consultations/>" in text and "Unsubscribe: http" in text
    assert "<html lang=\"ar\" dir=\"rtl\">" in parsed(received["ar@example.org"]).get_body(("html",)).get_content()
    for envelope in smtp_peer.messages:  # assembled from parts encoded once: still well-formed for a strict parser
        message = parsed(envelope)
        assert not message.defects and all(not part.defects for part in message.walk())
        assert all(len(line) <= 998 for line in envelope.original_content.split(b"\r\n"))
        manage = re.search(r"Change your subscriptions: (https?://\S+)", message.get_body(("plain",)).get_content())
        assert manage and "/bulletins/manage/" in manage.group(1)
        assert message.get_body(("html",)).get_content().rstrip().endswith("</html>")
    assert "Bulletin COP nº 1" in fr["Subject"] and "Les <strong>lignes directrices</strong>" in fr.get_body(("html",)).get_content()


def test_sending_is_refused_while_a_link_is_broken_or_a_block_is_empty(secretariat, members, add, smtp_peer):
    add(members, "a@example.org")
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="Issue 2",
                                        body="See [this activity](/activities/999999/) and [nowhere](/no-such-page/) "
                                             "and [that](ftp:/x).", blocks=["figures"])
    with pytest.raises(ValidationError) as caught:
        services.bulletin_send(actor=secretariat, bulletin=bulletin)
    text = " ".join(caught.value.messages)
    assert "/activities/999999/" in text and "answers 404" in text
    assert "/no-such-page/" in text and "no such page" in text
    assert "ftp:/x" in text
    assert "is empty" in text
    bulletin.refresh_from_db()
    assert bulletin.status == "draft" and not bulletin.deliveries.exists() and smtp_peer.messages == []


def test_a_javascript_link_loses_its_link_in_the_preview_and_blocks_sending(secretariat, members, add, client):
    add(members, "a@example.org")
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="<i>Hostile</i>",
                                        body="[click](javascript:alert(1)) <img src=x onerror=alert(1)>")
    client.force_login(secretariat)
    page = client.get(f"/bulletins/workspace/{bulletin.pk}/preview/").content.decode()
    assert "javascript:" not in page and "<img src=x" not in page and "&lt;img src=x" in page
    assert "&lt;i&gt;Hostile&lt;/i&gt;" in page
    with pytest.raises(ValidationError, match="not a web address"):
        services.bulletin_send(actor=secretariat, bulletin=bulletin)


def test_bad_bulletins_are_refused_with_a_message(secretariat, members):
    with pytest.raises(ValidationError) as caught:
        services.bulletin_create(actor=secretariat, mailing_list=members, subject="Big", body="x" * (10 * 1024 * 1024))
    assert "at most" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError, match="not closed"):
        services.bulletin_create(actor=secretariat, mailing_list=members, subject="Broken", body="A [link that never ends")
    with pytest.raises(ValidationError, match="subject"):
        services.bulletin_create(actor=secretariat, mailing_list=members, subject="  ", body="x")
    with pytest.raises(ValidationError, match="each block once"):
        services.bulletin_create(actor=secretariat, mailing_list=members, subject="s", blocks=["gossip"])
    assert not Bulletin.objects.exists()


def test_a_mail_server_that_goes_down_is_retried_later_without_duplicates(smtp_peer, secretariat, members, add,
                                                                          run_on_commit, settings):
    settings.BULLETINS_BATCH_SIZE = 2
    for n in range(7):
        add(members, f"p{n}@example.org")
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="Retry", body="Hello")
    accepted = []

    def refuse_after_three(envelope):
        if len(accepted) >= 3:
            return "421 4.3.2 Service not available, closing channel"
        accepted.append(envelope)
        return None

    smtp_peer.refuse = refuse_after_three
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin)
    bulletin.refresh_from_db()
    assert bulletin.status == "queued" and bulletin.retry_at > timezone.now() and bulletin.failures == 1
    assert "421" in bulletin.last_error or "server" in bulletin.last_error
    assert Delivery.objects.filter(bulletin=bulletin, status="sent").count() == 3
    assert len(smtp_peer.messages) == 3

    smtp_peer.refuse = None
    assert services.sending_sweep() == 0  # not due yet
    Bulletin.objects.filter(pk=bulletin.pk).update(retry_at=timezone.now() - timedelta(seconds=1))
    services.sending_sweep()
    bulletin.refresh_from_db()
    assert bulletin.status == "sent"
    ids = [(parsed(e)["Message-ID"], e.rcpt_tos[0]) for e in smtp_peer.messages]
    assert len(ids) == len(set(ids)) == 7


def test_a_worker_that_died_mid_send_is_resumed_and_no_one_is_missed_or_sent_twice(smtp_peer, secretariat, members, add,
                                                                                    run_on_commit, settings):
    settings.BULLETINS_BATCH_SIZE = 3
    for n in range(8):
        add(members, f"r{n}@example.org")
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="Resume", body="Hello")
    smtp_peer.refuse = lambda envelope: "421 stop" if len(smtp_peer.messages) >= 3 else None
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin)
    assert len(smtp_peer.messages) == 3
    # Now the state a SIGKILLed worker leaves: running, its lease expired, part of the rows sent, and
    # one message the server accepted just before the kill, whose row was not yet marked sent.
    Bulletin.objects.filter(pk=bulletin.pk).update(status="running", worker="dead:1", retry_at=None,
                                                   lease_until=timezone.now() - timedelta(seconds=5))
    accepted_not_marked = Delivery.objects.filter(bulletin=bulletin, status="sent").order_by("pk").last()
    Delivery.objects.filter(pk=accepted_not_marked.pk).update(status="queued")
    smtp_peer.refuse = None
    assert services.sending_sweep() == 1
    bulletin.refresh_from_db()
    assert bulletin.status == "sent" and bulletin.attempts == 2
    pairs = [(parsed(e)["Message-ID"], e.rcpt_tos[0]) for e in smtp_peer.messages]
    assert sorted({rcpt for _id, rcpt in pairs}) == sorted(f"r{n}@example.org" for n in range(8))  # nobody missed
    assert len(set(pairs)) == 8  # each recipient once by (Message-ID, recipient)
    assert len(pairs) == 9 and pairs.count((accepted_not_marked.message_id, accepted_not_marked.email)) == 2


def test_a_permanently_refused_recipient_is_bounced_and_the_others_still_get_it(smtp_peer, secretariat, members, add,
                                                                               run_on_commit):
    add(members, "good@example.org")
    add(members, "gone@example.org")
    smtp_peer.refuse = lambda envelope: "550 5.1.1 no such user" if envelope.rcpt_tos == ["gone@example.org"] else None
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="S", body="B")
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin)
    bulletin.refresh_from_db()
    assert bulletin.status == "sent"
    assert [e.rcpt_tos[0] for e in smtp_peer.messages] == ["good@example.org"]
    assert Delivery.objects.get(email="gone@example.org").status == "bounced"


def test_suspended_and_unsubscribed_people_are_not_sent_to(smtp_peer, secretariat, members, add, run_on_commit):
    add(members, "ok@example.org")
    add(members, "suspended@example.org")
    Subscriber.objects.filter(email="suspended@example.org").update(status="suspended")
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="S", body="B")
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin)
    assert [e.rcpt_tos[0] for e in smtp_peer.messages] == ["ok@example.org"]


def test_a_scheduled_bulletin_waits_until_it_is_due(smtp_peer, secretariat, members, add, run_on_commit):
    add(members, "later@example.org")
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="Later", body="B")
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin, send_at=timezone.now() + timedelta(hours=2))
    bulletin.refresh_from_db()
    assert bulletin.status == "scheduled" and smtp_peer.messages == []
    services.sending_sweep()
    assert smtp_peer.messages == []
    Bulletin.objects.filter(pk=bulletin.pk).update(scheduled_at=timezone.now() - timedelta(minutes=1))
    services.sending_sweep()
    bulletin.refresh_from_db()
    assert bulletin.status == "sent" and len(smtp_peer.messages) == 1
    with pytest.raises(ValidationError):
        services.bulletin_update(actor=secretariat, bulletin=bulletin, subject="changed after sending")


def test_a_test_send_goes_only_to_the_person_asking(smtp_peer, secretariat, members, add, run_on_commit):
    add(members, "member@example.org")
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="Draft", body="Hi")
    services.bulletin_translate(actor=secretariat, bulletin=bulletin, language="es", values={"subject": "Borrador", "body": "Hola"})
    run_on_commit(services.bulletin_test_send, actor=secretariat, bulletin=bulletin, language="es")
    assert [e.rcpt_tos[0] for e in smtp_peer.messages] == [secretariat.email]
    assert parsed(smtp_peer.messages[0])["Subject"] == "[Test] Borrador"
    bulletin.refresh_from_db()
    assert bulletin.status == "draft" and not bulletin.deliveries.exists()


def test_a_merged_organisation_is_replaced_in_the_co_branding(secretariat, members, org_a, org_b):
    from tutela.partners.services import organisation_merge

    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="S", body="B",
                                        organisations=[org_a, org_b])
    organisation_merge(actor=secretariat, keep=org_a, duplicate=org_b)
    assert list(bulletin.organisations.values_list("pk", flat=True)) == [org_a.pk]


def test_topics_choose_who_gets_a_bulletin(smtp_peer, secretariat, members, run_on_commit):
    def person(address, topics):
        services.subscriber_add(actor=secretariat, mailing_list=members, email=address, topics=topics,
                                consent_text="Agreed", consent_source="form")

    person("events@example.org", ["events"])
    person("figures@example.org", ["figures"])
    person("both@example.org", ["figures", "training"])
    person("everything@example.org", [])  # chose no topic: all news
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="Events and training",
                                        body="News.", topics=["Training", "events"])
    assert bulletin.topics == ["events", "training"]
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin)
    assert sorted(by_rcpt(smtp_peer)) == ["both@example.org", "events@example.org", "everything@example.org"]
    assert sorted(Delivery.objects.filter(bulletin=bulletin).values_list("email", flat=True)) == sorted(by_rcpt(smtp_peer))

    general = services.bulletin_create(actor=secretariat, mailing_list=members, subject="For all", body="News.")
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=general)
    assert Delivery.objects.filter(bulletin=general).count() == 4


def test_a_bulletin_for_topics_nobody_follows_is_refused_and_unknown_topics_too(secretariat, members):
    services.subscriber_add(actor=secretariat, mailing_list=members, email="f@example.org", topics=["figures"],
                            consent_text="Agreed", consent_source="form")
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=members, subject="S", body="B", topics=["training"])
    problems = services.bulletin_problems(bulletin)
    assert any("follows the topics training" in p for p in problems)
    with pytest.raises(ValidationError) as refused:
        services.bulletin_update(actor=secretariat, bulletin=bulletin, topics=["gossip"])
    assert "gossip" in str(refused.value.message_dict["topics"])
