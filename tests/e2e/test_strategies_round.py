"""Real Chromium on a 360 px phone: Oman's national focal point fills a round and submits it, the
secretariat validates it and publishes the summary, and the public sees it on Oman's page and the map."""

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


@pytest.fixture
def framework(db):
    from tutela.strategies.framework_data import FRAMEWORK
    from tutela.strategies.services import framework_import

    return framework_import(actor=None, **FRAMEWORK)


@pytest.fixture
def national(db):
    from tutela.accounts.services import user_create

    return user_create(actor=None, email="national.om@example.org", password=PASSWORD, role="national_focal_point",
                       country="OM", full_name="Nasser National")


def _sign_in(page, base, user):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")


def test_a_round_from_the_national_team_to_the_public_country_page(page, live_server, framework, national, secretariat,
                                                                  output_path):
    from tutela.strategies.models import Assessment

    page.set_viewport_size(PHONE)
    base = live_server.url
    _sign_in(page, base, national)
    page.goto(base + "/strategies/assessments/new/")
    assert page.locator("#id_country option").count() == 1  # their own country only
    page.get_by_label("Date of the round").fill("2013-10-15")
    page.get_by_label("National strategy stage").select_option("preparing")
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_url("**/fill/")
    page.screenshot(path=output_path("1_national_fill.png"), full_page=False)

    selects = page.locator("select[name$='-level']:not([name^='round'])")
    assert selects.count() == 25
    for i in range(selects.count()):
        selects.nth(i).select_option(str(i % 5))
    page.get_by_role("button", name="Save and submit for validation").click()
    page.wait_for_url("**/assessments/*/")
    assert page.get_by_text("Submitted to the secretariat for validation.").is_visible()
    page.screenshot(path=output_path("2_national_submitted.png"), full_page=True)
    round_ = Assessment.objects.get(country="OM")
    assert round_.status == "submitted"

    page.context.clear_cookies()
    page.goto(base + "/strategies/")  # the comparison is rendered and kept before the publication
    assert page.get_by_role("link", name="Oman").count() == 0

    _sign_in(page, base, secretariat)
    page.goto(base + f"/strategies/assessments/{round_.pk}/")
    page.get_by_role("button", name="Validate").click()
    page.wait_for_url(f"**/assessments/{round_.pk}/")
    page.get_by_label("Summary for the public").fill("Oman has begun preparing its national COP strategy.")
    page.screenshot(path=output_path("3_secretariat_publish.png"), full_page=True)
    page.get_by_role("button", name="Publish on the country page").click()
    assert page.get_by_text("Summary published on the country page.").is_visible()

    page.context.clear_cookies()
    page.goto(base + "/strategies/countries/OM/")
    assert page.get_by_text("Oman has begun preparing its national COP strategy.").is_visible()
    assert page.get_by_role("table", name="Mean level per pillar in each round (0–4)").is_visible()
    page.screenshot(path=output_path("4_public_country.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the country page scrolls sideways on a phone ({width}px)"
    page.goto(base + "/strategies/")  # the publication shows at once
    assert page.locator("svg.world-map path.stage-preparing").count() == 1
    assert page.get_by_role("link", name="Oman").is_visible()
    page.screenshot(path=output_path("5_public_map.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator(".table-wrap:has(#comparison)").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360  # the table scrolls in its own box
