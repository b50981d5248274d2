"""Real Chromium and a real SMTP peer: a reader subscribes on the public page, confirms from the mail
that arrives, receives a bulletin, and leaves with the one-click unsubscribe the mail offers (RFC 8058:
a POST with no session or CSRF token), then the footer's link says it is already done."""

import email
import email.policy
import re

import pytest

from tutela.bulletins import services
from tutela.bulletins.models import ConsentRecord, Subscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _parsed(envelope):
    return email.message_from_bytes(envelope.original_content, policy=email.policy.default)


def test_subscribe_confirm_receive_and_unsubscribe_in_one_click(page, live_server, secretariat, smtp_peer, settings,
                                                                output_path):
    settings.SITE_URL = live_server.url  # the links in the mail lead to this server
    news = services.list_create(actor=secretariat, name="COP news", public_signup=True)
    services.list_create(actor=secretariat, name="Member States", kind="membership")  # not offered to the public

    page.goto(f"{live_server.url}/bulletins/subscribe/")
    assert page.get_by_label("Member States").count() == 0
    page.get_by_label("E-mail address").fill("Reader@Example.org")
    page.get_by_label("COP news").check()
    page.get_by_role("button", name="Subscribe").click()  # consent not ticked: refused with the reason
    page.locator("#id_consent_error").get_by_text("Tick the box").wait_for()
    assert not Subscription.objects.exists() and not smtp_peer.messages
    page.get_by_label("E-mail address").fill("Reader@Example.org")
    page.get_by_label("COP news").check()
    page.locator("select[name=language]").select_option("fr")
    page.get_by_label("Events").check()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your mailbox").wait_for()
    subscription = Subscription.objects.get(mailing_list=news)
    assert subscription.status == "pending"

    [confirmation] = [e for e in smtp_peer.messages if e.rcpt_tos == ["Reader@example.org"]]
    text = _parsed(confirmation).get_body(("plain",)).get_content()
    link = re.search(r"(https?://\S+/bulletins/confirm/\S+/)", text).group(1)
    assert link.startswith(live_server.url)
    page.goto(link)
    assert Subscription.objects.get(pk=subscription.pk).status == "pending"  # opening the link confirms nothing
    page.get_by_role("button", name="Yes, send me the bulletins").click()
    page.get_by_text("You are subscribed to: COP news").wait_for()
    page.screenshot(path=output_path("bulletins-subscribed.png"), full_page=True)
    assert Subscription.objects.get(pk=subscription.pk).status == "active"

    bulletin = services.bulletin_create(actor=secretariat, mailing_list=news, subject="COP news no. 1",
                                        body="# Hello\n\nThe guidelines are out.", topics=["events"])
    services.bulletin_translate(actor=secretariat, bulletin=bulletin, language="fr", values={"subject": "Nouvelles COP nº 1", "body": "Les lignes directrices sont publiées."})
    services.bulletin_send(actor=secretariat, bulletin=bulletin)  # the worker's task runs inline here
    bulletin.refresh_from_db()
    assert bulletin.status == "sent"
    [received] = [e for e in smtp_peer.messages if "Nouvelles" in _parsed(e)["Subject"]]
    assert received.rcpt_tos == ["Reader@example.org"]
    message = _parsed(received)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = re.search(r"<(https?://[^>]+/bulletins/u/[^>]+/)>", message["List-Unsubscribe"]).group(1)
    html = message.get_body(("html",)).get_content()
    assert "Les lignes directrices sont publiées." in html

    page.set_content(html)  # the mail as a mail client shows it
    page.screenshot(path=output_path("bulletins-received.png"), full_page=True)
    footer_link = page.get_by_role("link", name="Unsubscribe").get_attribute("href")
    assert footer_link == one_click

    # What a mail client does for one-click: a POST, no cookies, no CSRF token.
    answer = page.context.request.post(one_click, form={"List-Unsubscribe": "One-Click"},
                                       headers={"Cookie": ""})
    assert answer.status == 200 and "You have left “COP news”" in answer.text()
    assert Subscription.objects.get(pk=subscription.pk).status == "unsubscribed"
    assert subscription.consents.order_by("at", "pk").last().method == ConsentRecord.Method.ONE_CLICK

    page.goto(footer_link)  # later, the footer's link: a button, and it says nothing more is needed
    page.get_by_role("button", name="Unsubscribe from this list").click()
    page.get_by_text("You had already left “COP news”; nothing changed.").wait_for()
    assert subscription.consents.filter(action="withdrawn").count() == 1
