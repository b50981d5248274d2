"""Real Chromium: upload a file with errors and read the dry-run report."""

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "name,acronym,kind,country\n"
    "Child Helpline International,CHI,civil_society,NL\n"
    "trend micro,,private_sector,JP\n"
    "Atlantis Ministry,,government,XX\n"
    "Ministry of Education,,ministry,KE\n"
)


def test_upload_a_file_with_errors_and_see_the_dry_run_report(page, live_server, secretariat, org_b, output_path, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = tmp_path / "organisations.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(secretariat.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")
    page.get_by_role("link", name="Import / export", exact=True).click()
    page.get_by_label("The file holds").select_option("organisations")
    page.get_by_label("File (CSV UTF-8 or XLSX)").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_selector("#problems")
    assert page.get_by_text("Dry run: 3 of 4 rows have problems. Nothing has been imported.").is_visible()
    rows = page.locator("#problems tbody tr")
    assert rows.count() == 3
    assert "already exists" in rows.nth(0).inner_text()
    assert "Unknown country “XX”" in rows.nth(1).inner_text()
    assert page.get_by_role("button", name="Import the 1 valid row").is_visible()
    page.screenshot(path=output_path("dry-run-report.png"), full_page=True)
