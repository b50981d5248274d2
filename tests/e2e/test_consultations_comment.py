"""Real Chromium: comment on a paragraph on a phone with JavaScript off, keyboard only; then
the same with JavaScript (the form opens in place); screenshots of the main pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD
from tutela.consultations import demo, services
from tutela.consultations.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_context(secretariat, secretariat_org):
    context = {"actor": secretariat, "organisations": {"itu": secretariat_org}}
    demo.load(context)
    draft = context["guideline_versions"]["draft"]
    now = timezone.now()
    context["open"] = services.consultation_create(
        actor=secretariat, version=draft, title="Second round on the draft", code="OPEN1",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10), time_zone="Europe/Zurich",
    )
    return context


def _sign_in(page, url, user):
    page.goto(url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()


def test_comment_on_a_paragraph_without_javascript_by_keyboard_on_a_phone(browser, live_server, stakeholder,
                                                                          demo_context, output_path):
    consultation = demo_context["open"]
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True, has_touch=True)
    page = context.new_page()
    _sign_in(page, live_server.url, stakeholder)
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/read/")
    page.screenshot(path=output_path("read-phone.png"), full_page=False)
    link = page.get_by_role("link", name="Comment on ¶ 2", exact=True)
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/p/**")
    page.get_by_label("Your comment").focus()
    page.keyboard.type("A named person <b>or</b> team should also have a deputy.")
    page.get_by_label("Passage (optional)").focus()
    page.keyboard.type("person or team")
    page.get_by_label("You respond as").select_option("civil_society")
    page.get_by_role("textbox", name="Organisation:").fill("Safe Kids")
    page.screenshot(path=output_path("comment-form-phone.png"), full_page=True)
    page.get_by_role("button", name="Send comment").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/receipt/**")
    comment = Comment.objects.get(consultation=consultation)
    assert page.locator("[data-receipt]").inner_text() == comment.receipt
    assert comment.target == "passage" and comment.quote == "person or team"
    assert comment.text == "A named person <b>or</b> team should also have a deputy."
    page.screenshot(path=output_path("receipt-phone.png"), full_page=True)
    context.close()


def test_with_javascript_the_form_opens_in_place(page, live_server, stakeholder, demo_context, output_path):
    consultation = demo_context["open"]
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server.url, stakeholder)
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/read/")
    page.get_by_role("link", name="Comment on ¶ 3", exact=True).click()
    form = page.locator("#comment-form")
    form.wait_for()
    assert "/read/" in page.url  # stayed on the text
    form.get_by_label("Your comment").fill("Name the international hotline network.")
    form.get_by_label("You respond as").select_option("academia")
    page.screenshot(path=output_path("inline-form-phone.png"), full_page=False)
    form.get_by_role("button", name="Send comment").click()
    page.wait_for_url("**/receipt/**")
    assert Comment.objects.filter(consultation=consultation, paragraph__number="3").count() == 1


def test_screenshots_of_the_main_pages(page, live_server, secretariat, demo_context, output_path):
    consultation = demo_context["consultations"]["industry_guidelines_2014"]
    draft, final = demo_context["guideline_versions"]["draft"], demo_context["guideline_versions"]["final"]
    page.set_viewport_size({"width": 1280, "height": 900})
    base = f"{live_server.url}/consultations"
    for name, path in [("consultation", f"/{consultation.pk}/"), ("read", f"/{consultation.pk}/read/"),
                       ("report", f"/{consultation.pk}/report/"), ("diff", f"/versions/{draft.pk}/diff/{final.pk}/?changes=1")]:
        page.goto(base + path)
        assert page.locator("h1").count() == 1
        page.screenshot(path=output_path(f"{name}.png"), full_page=True)
    _sign_in(page, live_server.url, secretariat)
    open_one = demo_context["open"]
    for i in range(3):
        services.comment_submit(consultation=open_one, actor=secretariat, details={"stakeholder_type": "government"},
                                text="Same letter " * 5, submission_key=str(i), notify=False)
    services.comments_group(actor=secretariat, consultation=open_one)
    for name, path in [("dashboard", "/workspace/"), ("moderation", f"/{open_one.pk}/moderate/"),
                       ("dispositions", f"/{consultation.pk}/dispositions/")]:
        page.goto(base + path)
        page.screenshot(path=output_path(f"{name}.png"), full_page=True)
    page.goto(f"{base}/{open_one.pk}/moderate/")
    page.get_by_role("button", name="Publish all").click()
    page.wait_for_load_state()
    assert Comment.objects.filter(consultation=open_one, status="published").count() == 3
