"""Real Chromium on a 360 px phone: the secretariat signs in, opens the home page and finds the open
consultation with its deadline, then the workspace with the work waiting, then searches for it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD
from tutela.consultations import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
TEXT = "# Scope\n\nOperators name a person responsible for child protection.\n"


def test_the_secretariats_home_shows_an_open_consultation_and_its_deadline(browser, live_server, secretariat,
                                                                            output_path):
    document = services.document_create(actor=secretariat, title="Guidelines for Operators", audience="industry",
                                        edition="2027")
    version = services.version_import(actor=secretariat, document=document, label="Draft 2", source=TEXT, publish=True)
    closes = timezone.now().replace(microsecond=0) + timedelta(days=12)
    services.consultation_create(actor=secretariat, version=version, title="Consultation on the operators' guidelines",
                                 code="OPS27", opens_at=timezone.now() - timedelta(hours=1), closes_at=closes,
                                 time_zone="Africa/Nairobi", is_published=False)  # only the secretariat sees it
    tab = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    tab.goto(live_server.url + "/accounts/login/")
    tab.get_by_label("E-mail address").fill(secretariat.email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url("**/workspace/")
    tab.goto(live_server.url + "/")
    panel = tab.locator("section[aria-labelledby=h-consultations]")
    link = panel.get_by_role("link", name="Consultation on the operators' guidelines")
    assert link.is_visible()
    zone = secretariat.time_zone or "Africa/Nairobi"  # the reader's own zone when they chose one, as on the consultation
    local = timezone.localtime(closes, __import__("zoneinfo").ZoneInfo(zone))
    deadline = panel.locator("li").filter(has_text="Consultation on the operators' guidelines").locator(".home-deadline").inner_text()
    assert f"Comments close {local.day} {local:%B %Y}, {local:%H:%M} ({zone})" in deadline.replace("\xa0", " ")
    assert "left" in deadline
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tab.screenshot(path=output_path("home-secretariat-phone.png"), full_page=True)
    link.click()
    tab.wait_for_url("**/consultations/*/")
    tab.goto(live_server.url + "/search/?q=operators+guid")
    assert tab.get_by_role("link", name="Consultation on the operators' guidelines").is_visible()
    assert tab.get_by_role("link", name="Guidelines for Operators").is_visible()
