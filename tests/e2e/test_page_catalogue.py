"""The page catalogue covers each persona's pages, and its sign-in works in a real browser."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_each_persona_has_its_pages_and_is_signed_in(catalogue_site, browser):
    catalogue = catalogue_site.catalogue
    for persona, urls in catalogue.items():
        print(f"{persona}: {len(urls)} page types")
    assert "/accounts/login/" in catalogue["anonymous"]
    assert "/accounts/login/" not in catalogue["secretariat"]
    assert "/accounts/users/" in catalogue["secretariat"] and "/accounts/users/" not in catalogue["focal_a"]
    assert all(not url.endswith((".ics", ".atom", ".svg", ".csv", ".json", ".xml")) for url in catalogue["secretariat"])
    assert len(catalogue["secretariat"]) > len(catalogue["focal_a"]) > len(catalogue["anonymous"])
    assert catalogue_site.urls("anonymous", "ar")[0].startswith("/ar/")
    with catalogue_site.context(browser, "focal_a") as context:
        page = context.new_page()
        page.goto(catalogue_site.url + "/partners/mine/")
        assert page.url.endswith("/partners/mine/")  # no redirect to the sign-in form
