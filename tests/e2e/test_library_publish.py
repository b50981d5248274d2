"""Real Chromium (issue 19): the secretariat publishes a resource in two languages; it then appears in
the library, in the Atom feed and on the country page. The events calendar is read on a 360 px phone."""

import re

import pytest
from lxml import etree

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ATOM = "{http://www.w3.org/2005/Atom}"


def test_secretariat_publishes_a_resource_in_two_languages(page, live_server, secretariat, output_path):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(secretariat.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/library/new/")
    page.get_by_label(re.compile(r"^Title:?( \*)?$")).fill("Keeping children safe online: a guide for parents")  # * marks it required
    page.get_by_label("Kind").select_option("leaflet")
    page.get_by_label("Audience").select_option("parents_educators")
    page.get_by_label("Format").select_option(index=0)
    page.get_by_label("Distributed in").select_option(["KE", "TZ"])
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Not published yet.").wait_for()
    detail = page.url
    for language, link in (("en", "https://example.org/guide-en"), ("fr", "https://example.org/guide-fr")):
        page.get_by_role("link", name="Add a language version").click()
        page.get_by_label(re.compile(r"^Language:?( \*)?$")).select_option(language)
        page.get_by_label("Or a link (video, online course)").fill(link)
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Language version added.").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    assert "Not published yet." not in page.content()
    page.screenshot(path=output_path("library-published.png"), full_page=True)

    page.goto(live_server.url + "/library/")
    page.get_by_role("link", name="Keeping children safe online: a guide for parents").wait_for()
    feed = page.request.get(live_server.url + "/library/feed.atom")
    titles = [e.findtext(f"{ATOM}title") for e in etree.fromstring(feed.body()).findall(f"{ATOM}entry")]
    assert "Keeping children safe online: a guide for parents" in titles
    page.goto(live_server.url + "/strategies/countries/KE/")
    page.locator("#resources").get_by_role("link", name="Keeping children safe online: a guide for parents").wait_for()
    page.goto(detail)
    assert "English" in page.content() and "French" in page.content()


def test_the_calendar_reads_on_a_phone(page, live_server, org_a, output_path):
    from datetime import date

    from tutela.activities.services import activity_create
    from tutela.initiatives.models import Pillar

    activity_create(actor=None, title="Safer Internet Day assembly", kind="educational_event", status="held",
                    starts_on=date(2031, 2, 11), country="KE", pillars=[Pillar.objects.get(number=4)],
                    partners=[(org_a, "organiser")])
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/hub/calendar/?month=2031-02")
    link = page.get_by_role("link", name="Safer Internet Day assembly")
    link.wait_for()
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    assert "11 February" in page.locator(".has-events").first.inner_text()
    page.screenshot(path=output_path("calendar-phone.png"), full_page=True)
