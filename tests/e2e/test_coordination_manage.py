"""Real Chromium: the secretariat finds the meeting-record forms from the meeting page, records
attendance and a decision at JCA-COP's 4th and 5th meetings, and reads the attendance history."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_coordination_flow import _sign_in, demo  # noqa: F401  (the demo fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_record_attendance_and_read_the_history(page, live_server, demo, output_path):  # noqa: F811
    from tutela.accounts.demo import DEMO_PASSWORD

    _sign_in(page, live_server.url, "secretariat@tutela.test", DEMO_PASSWORD)
    for ordinal, count in ((4, "18"), (5, "21")):
        page.goto(live_server.url + f"/coordination/bodies/jca-cop/meetings/{ordinal}/")
        page.get_by_role("link", name="Record attendance").click()
        boxes = page.locator('input[name="organisations"]')
        for i in range(boxes.count() if ordinal == 4 else 1):
            boxes.nth(i).check()
        if ordinal == 4:
            page.get_by_role("checkbox", name="Mr Philip Ruston").check()
        page.get_by_label("Head count").fill(count)
        page.get_by_role("button", name="Record attendance").click()
        expect(page.get_by_text("Attendance recorded")).to_be_visible()
    page.get_by_role("link", name="Record attendance").click()
    expect(page.get_by_role("heading", name="Already recorded")).to_be_visible()
    page.screenshot(path=output_path("attendance_form.png"), full_page=True)
    page.get_by_role("link", name="Back to the meeting").click()

    page.get_by_role("link", name="Record decisions").click()
    page.get_by_label("What was decided or agreed").fill("Continue the JCA-COP after January 2014.")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Agreement \d+ recorded\."))
    expect(page.get_by_role("region", name="Recorded so far")).to_contain_text("Continue the JCA-COP after January 2014.")
    page.get_by_label("What was decided or agreed").fill("   ")
    page.get_by_role("button", name="Record it").click()
    expect(page.locator(".field-error")).to_have_text("Write what was decided or agreed.")
    page.screenshot(path=output_path("decision_form.png"), full_page=True)

    page.goto(live_server.url + "/coordination/bodies/jca-cop/")
    page.get_by_role("link", name="Attendance history: who attended which meeting").click()
    expect(page.get_by_role("heading", name="Attendance at JCA-COP meetings")).to_be_visible()
    grid = page.get_by_role("table")
    assert grid.get_by_role("link", name="4th").is_visible() and grid.get_by_role("link", name="5th").is_visible()
    assert "18" in grid.inner_text() and "21" in grid.inner_text()
    expect(grid.get_by_role("rowheader", name="Mr Philip Ruston")).to_be_visible()
    page.screenshot(path=output_path("attendance_history.png"), full_page=True)
