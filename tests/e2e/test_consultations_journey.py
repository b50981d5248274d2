"""Real Chromium on a 390 px phone: the public comment journey of the demo's open consultation,
without an account: confirm the e-mail from a paragraph, come back to it, comment, read the receipt."""

import re

import pytest
from django.core import mail

from tutela.consultations import demo
from tutela.consultations.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_the_public_comment_journey_on_a_phone(browser, live_server, secretariat, secretariat_org, output_path):
    context = {"actor": secretariat, "organisations": {"itu": secretariat_org}}
    demo.load(context)
    review = context["consultations"]["industry_guidelines_review"]
    paragraph = review.version.paragraphs.filter(kind="paragraph").order_by("position")[1]
    tab = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    tab.goto(f"{live_server.url}/consultations/{review.pk}/p/{paragraph.pk}/")
    tab.get_by_role("link", name="confirm your e-mail address").click()
    tab.get_by_label("Your e-mail address").fill("reader@example.org")
    tab.screenshot(path=output_path("journey-email-phone.png"), full_page=True)
    tab.get_by_role("button", name="Send me the link").click()
    tab.get_by_text("We have sent you a link").wait_for()
    link = re.search(r"https?://\S+/confirm/\S+", mail.outbox[-1].body).group(0)
    tab.goto(live_server.url + link[link.index("/consultations/"):])
    assert tab.url.endswith(f"#p-{paragraph.anchor.key}")
    tab.screenshot(path=output_path("journey-back-phone.png"), full_page=False)
    tab.get_by_role("link", name=f"Comment on {paragraph.label}", exact=True).click()
    form = tab.locator("#comment-form")
    form.get_by_label("Your comment").wait_for()
    form.get_by_label("Your comment").fill("Say who names the person, and name a deputy too.")
    form.get_by_label("You respond as").select_option("individual")
    form.get_by_label("Tell me about the outcome").check()
    tab.screenshot(path=output_path("journey-form-phone.png"), full_page=True)
    # The form opened inside the reading view fits the phone: nothing scrolls sideways.
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    form.get_by_role("button", name="Send comment").click()
    tab.wait_for_url("**/receipt/**")
    comment = Comment.objects.get(consultation=review)
    assert tab.locator("[data-receipt]").inner_text() == comment.receipt
    assert "Say who names the person" in tab.content()
    tab.screenshot(path=output_path("journey-receipt-phone.png"), full_page=True)
    assert comment.respondent.wants_outcome and comment.paragraph_id == paragraph.pk
