"""Real Chromium: the Addis pilot demo pages, and a focal point's journey from trainee to verified certificate."""

import importlib
import re

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _load_demo() -> dict:
    context: dict = {}
    for app in ["partners", "accounts", "initiatives", "activities", "figures", "outreach"]:
        importlib.import_module(f"tutela.{app}.demo").load(context)
    return context


def test_demo_pages_show_counted_and_estimated_reach_apart(page, live_server, output_path):
    context = _load_demo()
    programme = context["programmes"]["addis_pilot"]
    campaign = context["campaigns"]["click_safe"]
    page.goto(live_server.url + "/outreach/")
    page.screenshot(path=output_path("index.png"), full_page=True)
    page.get_by_role("link", name=programme.name).click()
    assert page.get_by_role("heading", name="Reach, and how it was worked out").is_visible()
    assert page.locator(".range .central").first.inner_text() == "15,000"
    assert "at least the larger" in page.content()
    page.screenshot(path=output_path("programme.png"), full_page=True)
    page.goto(f"{live_server.url}/outreach/campaigns/{campaign.pk}/")
    page.screenshot(path=output_path("campaign.png"), full_page=True)
    page.goto(f"{live_server.url}/outreach/countries/ET/")
    page.screenshot(path=output_path("country.png"), full_page=True)


def test_focal_point_registers_records_certifies_and_the_public_verifies(page, live_server, focal_point, output_path):
    from datetime import date

    from tutela.outreach import services

    programme = services.programme_create(actor=None, name="Pilot of organisation A", organisers=[focal_point.organisation],
                                          country="ET", city="Addis Ababa", starts_on=date(2013, 7, 1), ends_on=date(2014, 1, 31))
    cohort = services.cohort_create(actor=None, programme=programme, name="Cohort 1")
    services.institution_create(actor=None, name="Addis Ababa school 01", country="ET", city="Addis Ababa")

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(focal_point.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")

    page.goto(f"{live_server.url}/outreach/programmes/{programme.pk}/")
    page.get_by_role("link", name="Register a trainee").click()
    page.locator("#id_full_name").fill("Almaz Tesfaye")  # no consent ticked: refused
    page.get_by_label("Sector").select_option("educator")
    page.get_by_role("button", name="Register").click()
    assert page.locator("#id_full_name_error").get_by_text("only when the person consented to be named").is_visible()
    page.screenshot(path=output_path("register-refused.png"), full_page=True)
    page.get_by_label("They consented to be named").check()
    page.get_by_label("Status").select_option("completed")
    page.get_by_label("Completed on").fill("2013-09-01")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r".*/trainees/$"))
    assert page.get_by_role("cell", name="Almaz Tesfaye").is_visible()

    page.goto(f"{live_server.url}/outreach/programmes/{programme.pk}/sessions/new/")
    page.get_by_label("Held on").fill("2013-10-01")
    page.get_by_label("From age").fill("10")
    page.get_by_label("To age").fill("14")
    page.get_by_label("How many attended").fill("38")
    page.get_by_label("Institution").select_option(label="Addis Ababa school 01")
    page.get_by_label("Delivered by").select_option(label="Almaz Tesfaye")
    page.screenshot(path=output_path("session-form.png"), full_page=True)
    page.get_by_role("button", name="Record session").click()
    page.wait_for_url(re.compile(rf".*/programmes/{programme.pk}/#reach"))
    assert page.locator("#reach td.num:visible").first.inner_text() == "38"

    page.goto(f"{live_server.url}/outreach/programmes/{programme.pk}/parameters/share_delivering/")
    page.screenshot(path=output_path("parameter-form.png"), full_page=True)
    page.goto(f"{live_server.url}/outreach/cohorts/{cohort.pk}/import/")
    page.screenshot(path=output_path("import-form.png"), full_page=True)

    page.goto(f"{live_server.url}/outreach/programmes/{programme.pk}/trainees/")
    page.get_by_role("button", name="Issue").click()
    code = page.locator("td code").first.inner_text()
    page.screenshot(path=output_path("trainees.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()

    page.goto(live_server.url + "/outreach/verify/")
    page.get_by_label("Verification code").fill(code.lower())
    page.get_by_role("button", name="Check").click()
    assert page.locator("#verdict").inner_text().startswith("Valid.")
    page.screenshot(path=output_path("verify-valid.png"), full_page=True)
    page.get_by_label("Verification code").fill("TUT-AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Check").click()
    assert page.locator("#verdict").inner_text().startswith("Not valid.")
    page.screenshot(path=output_path("verify-forged.png"), full_page=True)
    assert cohort.trainees.count() == 1
