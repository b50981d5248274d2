"""Real Chromium: a focal point records an estimated figure about their activity, fixes the missing method."""

from datetime import date

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_focal_point_records_an_estimate_from_the_activity_page(page, live_server, focal_point, org_a, output_path):
    from tutela.activities.services import activity_create
    from tutela.figures.models import Figure
    from tutela.figures.services import indicator_get_or_create
    from tutela.initiatives.models import Pillar

    indicator_get_or_create(code="children-reached", name="Children reached", unit="children")
    activity = activity_create(actor=None, title="Safety ambassadors pilot, Addis Ababa", kind="pilot",
                               status="held", starts_on=date(2013, 8, 1), country="ET",
                               pillars=[Pillar.objects.get(number=4)], partners=[(org_a, "organiser")],
                               participation=[])
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(focal_point.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + f"/activities/{activity.pk}/")
    page.get_by_role("link", name="Record a figure about this activity").click()
    page.get_by_label("Indicator").select_option("children-reached")
    page.locator("#id_value").fill("15000")
    page.get_by_label("Estimated").check()
    page.locator("#id_source").fill("COP report ¶3")
    page.locator("#id_as_of").fill("2014-01-31")
    page.get_by_label("Breakdown: group").select_option("children")
    page.get_by_label("From age").fill("6")
    page.get_by_label("To age").fill("17")
    page.get_by_role("button", name="Save figure").click()
    page.locator("#id_method_error").get_by_text("Say how the number was estimated").wait_for()
    assert page.get_by_role("alert").get_by_role("link", name="Method").is_visible()  # the summary links the field
    page.screenshot(path=output_path("figure-form-error.png"), full_page=True)
    assert not Figure.objects.exists()
    page.locator("#id_method").fill("25 schools × about 600 pupils reached by the ambassadors")
    page.get_by_role("button", name="Save figure").click()
    page.get_by_role("heading", name="Children reached").wait_for()
    page.screenshot(path=output_path("figure-detail.png"), full_page=True)
    figure = Figure.objects.get()
    assert (figure.kind, figure.subject_id, figure.min_age, figure.owner_organisation_id) == ("estimated", activity.pk, 6, org_a.pk)
