"""Real Chromium: the organisation picker. A visitor types part of a name in the activity list's
organisation filter, the server offers the matching organisations (htmx), the visitor picks one
and the list shows that organisation's activities."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(org_a, org_b):
    from tutela.activities.services import activity_create
    from tutela.initiatives.models import Pillar
    from tutela.partners.services import organisation_create

    # Transactional tests flush the pillars the migration made; put back the one we need.
    pillar, _ = Pillar.objects.get_or_create(number=4, defaults={"name": "Capacity Building", "short_name": "Capacity",
                                                                 "slug": "capacity-building"})
    oman = organisation_create(actor=None, name="Information Technology Authority, Oman", acronym="ITA",
                               kind="government", country="OM")
    organisation_create(actor=None, name="Oman draft partner", kind="government", country="OM", is_published=False)
    for i in range(25):  # more organisations than the menu's first names
        organisation_create(actor=None, name=f"Association {i:02d}", kind="civil_society", country="FR")
    for title, organiser in [("COP Strategy Framework workshop for Oman", oman), ("Addis Ababa pilot", org_a)]:
        activity_create(actor=None, title=title, kind="workshop", status="held", starts_on=date(2013, 10, 6),
                        pillars=[pillar], partners=[(organiser, "organiser")])
    return oman


def test_a_visitor_types_part_of_a_name_and_picks_the_organisation(page, live_server, story, output_path):
    page.goto(live_server.url + "/activities/")
    menu = page.locator("#id_organisation")
    expect(menu.locator("option")).not_to_have_count(0)
    expect(menu.locator("option", has_text="Oman")).to_have_count(0)  # beyond the first names

    page.get_by_role("searchbox", name="Find an organisation").press_sequentially("oman", delay=40)
    found = page.locator("#id_organisation_found option")
    expect(found).to_have_count(1)  # the unpublished one is not offered to the public
    expect(found).to_have_text(str(story))
    page.screenshot(path=output_path("organisation_picker.png"), full_page=True)

    menu.select_option(label=str(story))
    expect(page).to_have_url(re.compile(rf"/activities/\?.*organisation={story.pk}\b"))
    results = page.locator("#results")
    expect(results.get_by_role("link", name="COP Strategy Framework workshop for Oman")).to_be_visible()
    expect(results.get_by_role("link", name="Addis Ababa pilot")).to_have_count(0)
