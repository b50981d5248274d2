"""Real Chromium: the secretariat opens a report's period preview, reads why each record is in or out,
excludes one proposed activity and includes an old agreement, redrafts, and the report follows both."""

from datetime import date

import pytest

from conftest import PASSWORD
from tutela.reports.services import report_create, report_draft
from tutela.reports.tests.test_period_preview import world  # noqa: F401  (the records, entered through services)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_chooses_what_the_period_covers_and_the_redraft_follows(page, live_server, output_path,
                                                                               world):  # noqa: F811
    report = report_create(actor=world["sec"], title="Update 2018", initiative=world["initiative"],
                           period_start=date(2018, 1, 1), period_end=date(2018, 12, 31), opening_template="")
    report_draft(actor=world["sec"], report=report)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(world["sec"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + report.get_absolute_url())
    assert page.get_by_text("Nairobi safer internet forum").first.is_visible()
    page.get_by_role("link", name="What the period covers").click()

    forum = page.locator(f"tr[data-key='activity:{world['in'].pk}']")
    old_mou = page.locator(f"tr[data-key='agreement:{world['old_mou'].pk}']")
    assert "dated in the period (8 May 2018)" in forum.inner_text()
    assert "signed 2011, nothing dated in the period" in old_mou.inner_text()
    assert "Left out" in old_mou.inner_text()
    page.screenshot(path=output_path("period-preview.png"), full_page=True)

    forum.get_by_role("button", name="Exclude Nairobi safer internet forum").click()
    page.wait_for_url(f"**/period/#c-activity-{world['in'].pk}")
    assert "your choice" in page.locator(f"tr[data-key='activity:{world['in'].pk}'] td.state").inner_text()
    page.locator(f"tr[data-key='agreement:{world['old_mou'].pk}']").get_by_role(
        "button", name="Include MoU between ITU and SNK").click()
    page.wait_for_url("**/period/#c-agreement-*")
    page.get_by_role("button", name="Redraft from the records").click()
    page.wait_for_url(f"**/reports/{report.pk}/")
    body = page.locator("ol").first.inner_text()
    assert "Cooperate on helplines" in body
    current = [t for t in page.locator("li.paragraph:not(.stale)").all_inner_texts()]
    assert not any("Nairobi safer internet forum" in t for t in current), current
    page.screenshot(path=output_path("period-redrafted.png"), full_page=True)
