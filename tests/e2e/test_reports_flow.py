"""Real Chromium: the demo secretariat finds the drafted report, edits a paragraph and signs off (confirmed)."""

import os

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_opens_the_demo_report_edits_and_signs_off(page, live_server, output_path):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill("secretariat@tutela.test")
    page.get_by_label("Password").fill("tutela-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")
    page.get_by_role("link", name="Progress reports").first.click()
    page.get_by_role("link", name="Update on the ITU Child Online Protection (COP) Initiative").click()
    assert page.get_by_text("Click Safe, Click Clever").first.is_visible()
    page.screenshot(path=output_path("report.png"), full_page=True)

    page.locator("li.paragraph").nth(6).get_by_role("link", name="Edit").click()
    page.get_by_label("Paragraph text").fill("ITU organized a World Café on Child Online Protection in Baku.")
    page.get_by_role("button", name="Save paragraph").click()
    assert page.locator("li.paragraph.edited").count() == 1
    page.get_by_role("button", name="Sign off").click()  # an irreversible move: a confirmation page first
    assert page.get_by_text("cannot return to draft").is_visible()
    page.screenshot(path=output_path("confirm.png"), full_page=False)
    page.get_by_role("button", name="Yes: Sign off").click()
    assert page.get_by_text("This text is frozen").is_visible()
    assert page.get_by_role("button", name="Sign off").count() == 0
    page.screenshot(path=output_path("signed.png"), full_page=False)
