"""Real Chromium on a 360 px phone, in French: a record's facts (a <dl class="facts">: label, value) keep
room for their values when a label is long. The label column was as wide as its longest label unwrapped
("Adresse pour les déclarations de liaison", 315 px), which left the values a 15 px column, one letter
a line, and the page wider than the phone."""

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FACTS = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  values: [...document.querySelectorAll('dl.facts dd')].map(d => Math.round(d.getBoundingClientRect().width)),
})"""


def test_a_long_label_in_french_leaves_the_values_room_on_a_phone(page, live_server, secretariat, output_path):
    from tutela.coordination.services import body_create

    body_create(actor=None, short_name="JCA-COP", name="Joint Coordination Activity on Child Online Protection",
                contact_email="jca-cop@example.org")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(secretariat.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")
    page.goto(live_server.url + "/fr/coordination/bodies/jca-cop/")
    assert "Adresse pour les déclarations de liaison" in page.content()
    page.screenshot(path=output_path("body_fr_360.png"), full_page=True)
    facts = page.evaluate(FACTS)
    assert facts["scrollWidth"] <= 360, facts
    assert facts["values"] and min(facts["values"]) >= 150, facts
