"""The public comment journey through the pages: required fields marked, back to the paragraph
after confirming, a receipt that repeats the text with links, and the outcome e-mail when asked."""

import email
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.consultations import services
from tutela.consultations.models import Comment

from .test_mail import smtp  # noqa: F401  (the real SMTP peer fixture)

pytestmark = pytest.mark.django_db

FORM = {"stakeholder_type": "civil_society", "organisation_name": "Safe Kids", "country": "KE",
        "comment_type": "general", "text": "Name a deputy as well.", "proposed_change": "…a person and a deputy…",
        "submission_key": "k1", "wants_outcome": "on"}


def _link(body: str, part: str) -> str:
    return re.search(rf"https?://\S*{part}\S*|/\S*{part}\S*", body).group(0)


def _confirm_from_paragraph(consultation, paragraph, email, django_capture_on_commit_callbacks):
    browser = Client()
    page = browser.get(reverse("consultations:paragraph", args=[consultation.pk, paragraph.pk]))
    start = re.search(r'href="([^"]*/email/[^"]*)"', page.content.decode()).group(1).replace("&amp;", "&")
    assert start.endswith(f"?paragraph={paragraph.pk}")
    form = browser.get(start).content.decode()
    hidden = re.search(r'name="paragraph" value="(\d+)"', form).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post(start, {"email": email, "paragraph": hidden})
    assert sent.status_code == 200
    body = mail.outbox[-1].body
    return browser, _link(body, "/confirm/")


def test_confirming_the_address_brings_the_person_back_to_their_paragraph(
    consultation, paragraphs, django_capture_on_commit_callbacks,
):
    paragraph = paragraphs["2"]
    browser, link = _confirm_from_paragraph(consultation, paragraph, "reader@example.org",
                                            django_capture_on_commit_callbacks)
    response = browser.get(link[link.index("/consultations/"):])
    assert response.status_code == 302
    assert response.url == reverse("consultations:read", args=[consultation.pk]) + f"#p-{paragraph.anchor.key}"
    page = browser.get(response.url).content.decode()
    assert f"comment on {paragraph.label}" in page  # the message names their paragraph


def test_a_link_asked_from_the_text_or_naming_a_foreign_paragraph_lands_on_the_text(
    consultation, paragraphs, django_capture_on_commit_callbacks,
):
    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("consultations:email_start", args=[consultation.pk]),
                     {"email": "x@example.org", "paragraph": "999999"})
    link = _link(mail.outbox[-1].body, "/confirm/")
    response = browser.get(link[link.index("/consultations/"):])
    assert response.url == reverse("consultations:read", args=[consultation.pk])


def test_required_fields_are_marked_and_explained(client, stakeholder, consultation, paragraphs):
    client.force_login(stakeholder)
    page = client.get(reverse("consultations:paragraph", args=[consultation.pk, paragraphs["1"].pk])).content.decode()
    assert "Fields marked * are required." in page
    text_label = re.search(r'<label for="id_text">(.*?)</label>', page, re.S).group(1)
    assert 'class="required-mark"' in text_label
    assert re.search(r'<textarea[^>]*name="text"[^>]*required', page)  # announced as required (HTML-AAM)
    optional = re.search(r'<label for="id_proposed_change">(.*?)</label>', page, re.S).group(1)
    assert "required-mark" not in optional
    email = Client().get(reverse("consultations:email_start", args=[consultation.pk])).content.decode()
    assert "Fields marked * are required." in email and re.search(r'<input[^>]*name="email"[^>]*required', email)


def test_the_receipt_page_and_e_mail_repeat_the_text_and_link_to_the_paragraph(
    client, stakeholder, consultation, paragraphs, django_capture_on_commit_callbacks,
):
    client.force_login(stakeholder)
    paragraph = paragraphs["1"]
    place = reverse("consultations:paragraph", args=[consultation.pk, paragraph.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(place, FORM)
    comment = Comment.objects.get()
    receipt = client.get(response.url).content.decode()
    assert "Name a deputy as well." in receipt and "…a person and a deputy…" in receipt
    assert f'href="{place}"' in receipt
    body = mail.outbox[-1].body
    assert "Name a deputy as well." in body and "…a person and a deputy…" in body
    assert place in body and reverse("consultations:receipt", args=[comment.receipt]) in body


def test_those_who_asked_hear_about_the_outcome_over_smtp_after_the_report_is_published(
    smtp, secretariat, stakeholder, consultation, paragraphs, django_capture_on_commit_callbacks,  # noqa: F811
):
    asked = services.comment_submit(consultation=consultation, actor=stakeholder, paragraph_id=paragraphs["1"].pk,
                                    text="Name a deputy.", details={"stakeholder_type": "industry",
                                                                    "wants_outcome": True}, notify=False)
    browser_respondent = services.respondent_record(actor=secretariat, consultation=consultation,
                                                    email="quiet@example.org", confirmed_at=timezone.now())
    quiet = services.comment_submit(consultation=consultation, respondent=browser_respondent,
                                    paragraph_id=paragraphs["2"].pk, text="Fine as it is.",
                                    details={"stakeholder_type": "individual"}, notify=False)
    for comment in (asked, quiet):
        services.comment_moderate(actor=secretariat, comment=comment, action=Comment.Status.PUBLISHED)
    services.disposition_record(actor=secretariat, consultation=consultation, comment_ids=[asked.pk, quiet.pk],
                                decision="noted", rationale="Noted.")
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save(update_fields=["closes_at"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.report_publish(actor=secretariat, consultation=consultation, summary="Two comments, both noted.")
        assert smtp.messages == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert [m.rcpt_tos for m in smtp.messages] == [[stakeholder.email]]
    body = email.message_from_bytes(smtp.messages[0].content).get_payload(decode=True).decode()
    assert "Two comments, both noted." in body and asked.receipt in body
    assert reverse("consultations:report", args=[consultation.pk]) in body
    # publishing again (a corrected summary) does not mail a second time
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(actor=secretariat, consultation=consultation, summary="Corrected.")
    assert len(smtp.messages) == 1
