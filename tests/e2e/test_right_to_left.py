"""Real Chromium in Arabic (/ar/…): the layout mirrors (the brand at the right, the menu and the
account at the left, a form's labels at the right edge of their fields), the phone's menu opens from the
keyboard with the languages inside, and screenshots of the main page types at 360 and 1280 px."""

import pytest
from django.urls import reverse

from tests.e2e.page_catalogue import in_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 360, "height": 740}
WIDE = {"width": 1280, "height": 800}


def _pages():
    from tutela.activities.models import Activity
    from tutela.consultations.models import Consultation

    activity = Activity.objects.filter(is_published=True).order_by("pk").first()
    consultation = Consultation.objects.order_by("pk").first()
    return {
        "home": reverse("home:index"),
        "activity": reverse("activities:activity_detail", args=[activity.pk]),
        "form": reverse("activities:activity_edit", args=[activity.pk]),
        "consultation": reverse("consultations:consultation_detail", args=[consultation.pk]),
        "list": reverse("activities:activity_list"),
    }


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_arabic_pages_are_mirrored_on_a_wide_screen(catalogue_site, browser, output_path):
    pages = _pages()
    with catalogue_site.context(browser, "secretariat", viewport=WIDE) as context:
        page = context.new_page()
        for name, url in pages.items():
            page.goto(catalogue_site.url + in_language(url, "ar"))
            assert page.evaluate("document.documentElement.dir") == "rtl"
            page.screenshot(path=output_path(f"ar-1280-{name}.png"), full_page=True)
            brand, languages = box(page, ".brand"), box(page, ".language-menu summary")
            links = page.locator(".site-header nav a")
            first, last = links.first.bounding_box(), links.last.bounding_box()
            assert brand["x"] + brand["width"] > WIDE["width"] - 250, f"{name}: the brand is not at the right"
            assert first["x"] > last["x"], f"{name}: the header's links do not run from right to left"
            # the languages and the account share the brand's row, at its other (left) end; the links the row below
            account = box(page, ".site-header .account")
            assert abs(languages["y"] - brand["y"]) < brand["height"], f"{name}: the languages left the brand's row"
            assert account["x"] < languages["x"] < brand["x"] - 300, f"{name}: the languages are not at the left end"
            assert first["y"] > brand["y"] + brand["height"] / 2, f"{name}: the links are not below the brand's row"
            assert page.locator(".site-menu > summary").is_hidden()
        page.goto(catalogue_site.url + in_language(pages["form"], "ar"))
        label, field = box(page, "main form .field label"), box(page, "main form .field :is(input, select, textarea)")
        assert abs((label["x"] + label["width"]) - (field["x"] + field["width"])) < 2 or label["x"] > field["x"], \
            "a label does not start at the right, over its field"
        main = box(page, "main")
        assert label["x"] + label["width"] > main["x"] + main["width"] / 2, "labels are not on the right half"
        assert page.evaluate("getComputedStyle(document.querySelector('main h1')).direction") == "rtl"


def test_the_phone_menu_opens_from_the_keyboard_with_the_languages_inside(catalogue_site, browser, output_path):
    pages = _pages()
    with catalogue_site.context(browser, "secretariat", viewport=PHONE, is_mobile=True, has_touch=True) as context:
        page = context.new_page()
        for name, url in pages.items():
            page.goto(catalogue_site.url + in_language(url, "ar"))
            page.screenshot(path=output_path(f"ar-360-{name}.png"), full_page=True)
            header = box(page, ".site-header")
            assert header["height"] < 80, f"{name}: the header takes {header['height']} px of a 740 px phone"
            summary, brand = box(page, ".site-menu > summary"), box(page, ".brand")
            assert summary["x"] + summary["width"] < brand["x"], f"{name}: the menu is not at the left of the brand"
        page.goto(catalogue_site.url + in_language(pages["home"], "ar"))
        assert page.locator(".site-header nav").is_hidden()
        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")  # the brand
        page.keyboard.press("Tab")  # the menu
        assert page.evaluate("document.activeElement.parentElement.className") == "site-menu"
        page.keyboard.press("Enter")
        assert page.locator(".site-header nav").is_visible()
        assert page.locator(".site-menu .language-menu summary").is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('nav') !== null")
        page.screenshot(path=output_path("ar-360-menu-open.png"))
        page.locator(".site-menu .language-menu summary").click()
        page.get_by_role("link", name="English").click()
        page.wait_for_url(catalogue_site.url + "/")
        assert page.evaluate("document.documentElement.dir") == "ltr"
