"""Real Chromium: a focal point records an activity with participation, then views it; the public dashboard."""

import re
from datetime import date

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _story(org_a, org_b):
    from tutela.activities import services
    from tutela.activities.services import Count
    from tutela.figures.services import figure_create, indicator_get_or_create
    from tutela.initiatives.models import Pillar
    from tutela.partners.services import organisation_create

    pillars = {p.number: p for p in Pillar.objects.all()}
    itu = organisation_create(actor=None, name="International Telecommunication Union (test)", acronym="ITU",
                              kind="un_agency")
    oman = organisation_create(actor=None, name="Information Technology Authority, Oman", acronym="ITA",
                               kind="government", country="OM")
    unicef = organisation_create(actor=None, name="UNICEF (test)", acronym="UNICEF", kind="un_agency")
    rows = [
        ("High-level strategic dialogue, Geneva", "strategic_dialogue", date(2012, 5, 15), "CH", (5,), [itu]),
        ("Regional forum on COP, Tunis", "regional_forum", date(2012, 11, 20), "TN", (3, 5), [itu]),
        ("Addis Ababa safety ambassadors pilot", "pilot", date(2013, 8, 1), "ET", (4,), [itu, org_a]),
        ("COP Strategy Framework workshop for Oman", "workshop", date(2013, 10, 6), "OM", (3,), [itu, oman]),
        ("Open forum on the Guidelines for Industry, IGF Bali", "open_forum", date(2013, 10, 23), "ID", (2, 5),
         [itu, unicef]),
        ("COP: VISION BYND 2015, Telecom World", "session", date(2013, 11, 20), "TH", (5,), [itu]),
        ("World Café, Safer Internet Day", "world_cafe", date(2014, 2, 11), "CH", (4,), [itu, org_b]),
        ("Global Cybersecurity Cooperation conference, Baku", "summit", date(2014, 5, 5), "AZ", (1, 5), [itu]),
    ]
    made = {}
    for title, kind, starts, country, numbers, orgs in rows:
        made[title] = services.activity_create(
            actor=None, title=title, kind=kind, status="held", starts_on=starts, country=country,
            pillars=[pillars[n] for n in numbers],
            partners=[(orgs[0], "organiser")] + [(o, "co_organiser") for o in orgs[1:]],
            participation=[Count(group="government", count=30)],
        )
    pilot = made["Addis Ababa safety ambassadors pilot"]
    trained = indicator_get_or_create(code="people-trained", name="People trained", unit="people")
    reached = indicator_get_or_create(code="children-reached", name="Children reached", unit="children")
    figure_create(actor=None, indicator=trained, value=100, kind="counted", source="COP report ¶3",
                  as_of=date(2014, 1, 31), subject=pilot)
    figure_create(actor=None, indicator=reached, value=15000, kind="estimated", source="COP report ¶3",
                  method="Expected audience of the Click Safe, Click Clever spots", as_of=date(2014, 1, 31),
                  subject=pilot)
    figure_create(actor=None, indicator=reached, value=25000, kind="estimated", measure="target", source="Plan",
                  method="25 schools × 1,000 pupils", as_of=date(2013, 8, 1), subject=pilot)


def _sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")


def test_a_focal_point_records_an_activity_with_participation_then_views_it(
        page, live_server, focal_point, secretariat, org_a, org_b, output_path):
    _story(org_a, org_b)
    _sign_in(page, live_server, focal_point)

    page.goto(live_server.url + "/activities/")
    page.get_by_role("link", name="Record an activity").click()
    page.locator("#id_title").fill("Cyberbullying workshop for teachers, Addis Ababa")
    page.locator("#id_kind").select_option("workshop")
    page.locator("#id_status").select_option("held")
    page.locator("#id_starts_on").fill("2014-03-12")
    page.locator("#id_city").fill("Addis Ababa")
    page.locator("#id_country").select_option("ET")
    page.get_by_label("Capacity Building").check()
    page.locator("#id_topics").fill("cyberbullying, online reputation")
    # Participation: a bad count first, to see the message, then the fix.
    page.locator("#id_participation-0-group").select_option("educators")
    page.locator("#id_participation-0-count").fill("35")
    page.locator("#id_participation-1-group").select_option("children")
    page.locator("#id_participation-1-count").fill("3")
    page.get_by_role("button", name="Save activity").click()
    error = page.get_by_text("Children are counted by age band")
    error.wait_for()
    page.screenshot(path=output_path("activity-form-error.png"), full_page=True)
    page.locator("#id_participation-1-min_age").fill("12")
    page.locator("#id_participation-1-max_age").fill("15")
    page.get_by_role("button", name="Save activity").click()
    page.wait_for_url(re.compile(r".*/activities/\d+/$"))
    assert page.get_by_role("heading", name="Cyberbullying workshop for teachers, Addis Ababa").is_visible()
    assert page.get_by_text("Educators").is_visible()
    # The organiser sees the small children's cell exactly.
    assert page.locator("td.num", has_text="3").first.is_visible()
    # A focal point's record is submitted, not public, until the secretariat publishes it.
    assert page.locator(".badge", has_text="Waiting for review by the secretariat").is_visible()
    page.screenshot(path=output_path("activity-detail.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + "/activities/?country=ET")
    assert page.get_by_role("link", name="Cyberbullying workshop for teachers, Addis Ababa").count() == 0

    _sign_in(page, live_server, secretariat)
    page.goto(live_server.url + "/workspace/review/")
    row = page.get_by_role("row").filter(has_text="Cyberbullying workshop for teachers, Addis Ababa")
    row.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    page.screenshot(path=output_path("review-queue.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()

    page.goto(live_server.url + "/activities/?country=ET")
    page.get_by_role("link", name="Cyberbullying workshop for teachers, Addis Ababa").click()
    assert page.locator(".suppressed", has_text="fewer than 5").is_visible()
    page.goto(live_server.url + "/activities/")
    page.screenshot(path=output_path("activity-list.png"), full_page=True)
    page.goto(live_server.url + "/activities/timeline/")
    page.screenshot(path=output_path("timeline.png"), full_page=True)


def test_the_public_dashboard(page, live_server, org_a, org_b, output_path):
    _story(org_a, org_b)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/figures/")
    assert page.get_by_role("heading", name="Activities by pillar and year").is_visible()
    assert page.locator("svg.column-chart").is_visible()
    assert page.locator(".kind.estimated").first.is_visible()
    page.screenshot(path=output_path("dashboard.png"), full_page=True)
    page.get_by_role("link", name="15,000").first.click()
    page.wait_for_url("**/figures/all/**")
    assert page.get_by_text("Expected audience").count() == 0  # the list shows source, the detail the method
    page.screenshot(path=output_path("figure-list.png"), full_page=True)
