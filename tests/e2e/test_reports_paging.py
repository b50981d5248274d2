"""Real Chromium: a 250-paragraph report is edited a page at a time; after an edit the editor is back on its page."""

import pytest

from conftest import PASSWORD
from tutela.reports.models import Report
from tutela.reports.tests.test_paging import _long_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_pages_through_a_long_report_and_edits_on_page_two(page, live_server, output_path,
                                                                      secretariat, secretariat_org):
    report = _long_report(secretariat, secretariat_org, structure=Report.Structure.BY_PILLAR)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(secretariat.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + report.get_absolute_url())
    assert page.locator("li.paragraph").count() == 100
    assert page.get_by_text("Paragraphs 1–100 of 250 · page 1 of 3").first.is_visible()

    page.get_by_label("Go to paragraph").fill("150")
    page.get_by_role("button", name="Go", exact=True).first.click()
    page.wait_for_url("**/?page=2#p*")
    assert page.locator("li.paragraph").first.get_attribute("value") == "101"
    assert page.locator("li.paragraph[value='150']").is_visible()  # scrolled to it
    page.screenshot(path=output_path("report-page-2.png"), full_page=False)

    page.locator("li.paragraph[value='150']").get_by_role("link", name="Edit").click()
    page.get_by_label("Paragraph text").fill("Rewritten on page two.")
    page.get_by_role("button", name="Save paragraph").click()
    page.wait_for_url("**/?page=2#p*")
    edited = page.locator("li.paragraph.edited")
    assert edited.count() == 1 and edited.get_attribute("value") == "150" and edited.is_visible()
    assert "Rewritten on page two." in edited.inner_text()

    page.get_by_role("link", name="Next »").first.click()
    assert page.locator("li.paragraph").first.get_attribute("value") == "201"
    assert page.locator("li.paragraph").count() == 50
    page.screenshot(path=output_path("report-page-3-top.png"), full_page=False)
