"""Real Chromium: select-to-quote. Select words of a paragraph (mouse on a desktop, a touch-style
selection on a phone), press the button that appears, and the comment form's Passage field gets
them; the stored quote is the paragraph's own text."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.test_consultations_comment import PHONE, _sign_in
from tutela.consultations import demo, services
from tutela.consultations.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SELECT = """([selector, start, end]) => {
  // What a long press and a drag of the selection handles leave behind: a range inside the text.
  const node = document.querySelector(selector).firstChild;
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, end);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


@pytest.fixture
def open_consultation(secretariat, secretariat_org):
    context = {"actor": secretariat, "organisations": {"itu": secretariat_org}}
    demo.load(context)
    now = timezone.now()
    return services.consultation_create(
        actor=secretariat, version=context["guideline_versions"]["draft"], title="Second round on the draft",
        code="QUOTE1", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10), time_zone="Europe/Zurich",
    )


def test_quote_selected_words_on_a_phone_on_the_paragraph_page(browser, live_server, stakeholder, open_consultation,
                                                               output_path):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    _sign_in(page, live_server.url, stakeholder)
    paragraph = open_consultation.version.paragraphs.get(kind="paragraph", number="2")
    page.goto(f"{live_server.url}/consultations/{open_consultation.pk}/p/{paragraph.pk}/")
    button = page.get_by_role("button", name="Quote the selected words")
    assert button.is_disabled()  # visible from the start, with the hint, usable once words are selected
    start = paragraph.text.index("person or team")
    page.evaluate(SELECT, ["[data-quote-source]", start, start + len("person or team is responsible")])
    page.wait_for_function("() => !document.querySelector('.quote-tool button').disabled")
    page.screenshot(path=output_path("quote-phone-selected.png"), full_page=False)
    page.evaluate("() => window.getSelection().removeAllRanges()")  # a tap on the button drops the selection first
    button.tap()
    passage = page.get_by_label("Passage (optional)")
    assert passage.input_value() == "person or team is responsible"
    assert page.evaluate("() => document.activeElement.name") == "text"  # straight on to writing the comment
    page.keyboard.type("Also name a deputy.")
    page.get_by_label("You respond as").select_option("academia")
    page.screenshot(path=output_path("quote-phone.png"), full_page=False)
    page.get_by_role("button", name="Send comment").tap()
    page.wait_for_url("**/receipt/**")
    comment = Comment.objects.get(consultation=open_consultation)
    assert comment.target == "passage" and comment.quote == "person or team is responsible"
    assert comment.quote in paragraph.text
    context.close()


def test_select_words_in_the_reading_view_with_the_mouse_opens_the_form_with_the_passage(
        page, live_server, stakeholder, open_consultation, output_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server.url, stakeholder)
    page.goto(f"{live_server.url}/consultations/{open_consultation.pk}/read/")
    paragraph = open_consultation.version.paragraphs.get(kind="paragraph", number="3")
    text = page.locator(f"#l-{paragraph.pk}")
    text.click(click_count=3)  # a triple click selects the whole paragraph, its number included
    button = page.get_by_role("button", name="Comment on the selected words of ¶ 3")
    button.wait_for()
    page.screenshot(path=output_path("quote-read-selected.png"), full_page=False)
    button.click()
    slot = page.locator(f"#slot-{paragraph.pk}")
    passage = slot.get_by_label("Passage (optional)")
    passage.wait_for()
    assert "/read/" in page.url
    assert passage.input_value() == paragraph.text  # the number "3." is not part of the quote
    slot.get_by_label("Your comment").fill("Say which hotline.")
    slot.get_by_label("You respond as").select_option("government")
    page.screenshot(path=output_path("quote-read-form.png"), full_page=False)
    slot.get_by_role("button", name="Send comment").click()
    page.wait_for_url("**/receipt/**")
    comment = Comment.objects.get(consultation=open_consultation)
    assert comment.target == "passage" and comment.quote == paragraph.text
