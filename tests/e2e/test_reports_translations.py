"""Real Chromium at phone width: the secretariat translates a report into Arabic on the report's Translations page,
in Arabic (right to left), one paragraph beside its field; the Arabic export then holds the translation."""

from datetime import date

import pytest

from conftest import PASSWORD
from tests.e2e import axe
from tutela.initiatives.services import initiative_create
from tutela.reports.services import paragraph_add, paragraph_edit, report_create, report_translate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARABIC = "عقدت الأمانة ورشة عمل إقليمية بشأن حماية الأطفال على الإنترنت."


def test_the_translations_page_in_arabic_on_a_phone(page, live_server, output_path, secretariat, secretariat_org):
    initiative = initiative_create(actor=None, name="COP Global Initiative", lead_organisation=secretariat_org)
    report = report_create(actor=secretariat, title="Progress report to CWG-COP", initiative=initiative,
                           period_start=date(2012, 1, 1), period_end=date(2012, 12, 31))
    first = paragraph_add(actor=secretariat, report=report,
                          text="The secretariat held a regional workshop on child online protection in Muscat.")
    second = paragraph_add(actor=secretariat, report=report, text="A national helpline was launched in Kigali.")
    paragraph_add(actor=secretariat, report=report, text="Guidelines for industry were put to consultation.")
    report_translate(actor=secretariat, report=report, language="ar", texts={second.pk: {"text": "أُطلق خط مساعدة."}})
    paragraph_edit(actor=secretariat, paragraph=second, text="A national helpline was launched in Kigali in March.")

    page.set_viewport_size({"width": 360, "height": 800})
    axe.install(page)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(secretariat.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/ar/reports/{report.pk}/translations/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    field = page.locator(f"textarea[name='p{first.pk}']")
    assert field.get_attribute("lang") == "ar"
    field.fill(ARABIC)
    assert page.locator(f"input[name='p{second.pk}_confirmed']").count() == 1  # the paragraph changed since
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    page.screenshot(path=output_path("report-translations-ar-360.png"), full_page=True)
    axe.assert_no_violations(page)
    page.locator("form button.primary").click()
    page.wait_for_url(f"**/ar/reports/{report.pk}/translations/ar/")
    assert page.locator(f"textarea[name='p{first.pk}']").input_value() == ARABIC
    page.screenshot(path=output_path("report-translations-ar-360-saved.png"), full_page=True)
    markdown = page.request.get(f"{live_server.url}/ar/reports/{report.pk}/export.md").text()
    assert f"1. {ARABIC}" in markdown and "2. A national helpline was launched in Kigali in March." in markdown
