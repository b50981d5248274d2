"""Real Chromium: sign in, reach the workspace, sign out."""

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_reach_workspace_and_sign_out(page, live_server, focal_point, output_path):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail address").fill(focal_point.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")
    assert page.get_by_role("heading", name="Workspace").is_visible()
    assert "Partner focal point" in page.content()
    page.screenshot(path=output_path("workspace.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Sign in").is_visible()
