"""Real Chromium: a secretariat user registers a document at JCA-COP's meeting, the public finds it in the
registry, and a members-only document stays hidden from the public."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo(settings, tmp_path):
    import importlib

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    settings.MEDIA_ROOT = str(tmp_path / "media")
    ContentType.objects.clear_cache()  # an earlier transactional test may have flushed the table under the cache
    from tutela.initiatives.models import Pillar

    if not Pillar.objects.exists():
        # On PostgreSQL, a transactional test run just before (the 16-thread allocation test) can leave the
        # migration-made pillars flushed for this browser test; put them back with the migration's own function.
        importlib.import_module("tutela.initiatives.migrations.0002_pillars").create(apps, None)
    ctx: dict = {}
    for config in apps.get_app_configs():
        if config.name.startswith("tutela."):
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.load(ctx)
    return ctx


def _sign_in(page, url, email, password):
    page.goto(url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")


def test_register_a_document_and_find_it_in_the_registry(page, live_server, demo, output_path, tmp_path):
    from tutela.accounts.demo import DEMO_PASSWORD

    page.goto(live_server.url + "/coordination/")
    assert page.get_by_role("link", name="JCA-COP").is_visible()
    page.screenshot(path=output_path("bodies.png"), full_page=True)
    page.get_by_role("link", name="JCA-COP").click()
    assert page.get_by_role("heading", name="Terms of reference").is_visible()
    assert "JCA-COP DOC047" in page.content() and "30 September 2015" in page.content()
    page.screenshot(path=output_path("jca_cop.png"), full_page=True)

    _sign_in(page, live_server.url, "secretariat@tutela.test", DEMO_PASSWORD)
    page.goto(live_server.url + "/coordination/bodies/jca-cop/meetings/5/")
    page.screenshot(path=output_path("meeting5.png"), full_page=True)
    page.get_by_role("link", name="Register a document for this meeting").click()
    lying = tmp_path / "minutes.pdf"
    lying.write_bytes(b"MZ\x90\x00 not a pdf")
    page.get_by_label("Title").fill("Draft work plan of JCA-COP for 2014-2015")
    page.get_by_label("Source").fill("Co-chairs")
    page.get_by_label("File").set_input_files(str(lying))
    page.get_by_role("button", name="Register").click()
    assert page.locator(".field-error").get_by_text("its content is not a PDF file").is_visible()
    page.screenshot(path=output_path("register_refused.png"), full_page=True)
    real = tmp_path / "workplan.pdf"
    real.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("File").set_input_files(str(real))
    page.get_by_role("button", name="Register").click()
    assert page.get_by_text("Registered as JCA-COP DOC049.").is_visible()
    page.screenshot(path=output_path("document.png"), full_page=True)

    page.goto(live_server.url + "/coordination/dashboard/?body=jca-cop")
    assert page.get_by_role("heading", name="Documents since the last meeting").is_visible()
    page.screenshot(path=output_path("dashboard.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()

    page.goto(live_server.url + "/coordination/registry/")
    page.get_by_label("Number, title or source").fill("work plan")
    page.get_by_role("button", name="Search").click()
    # expect() waits for the search's page to load: is_visible() asked the page before it, and failed under load
    expect(page.get_by_role("link", name="JCA-COP DOC049")).to_be_visible()
    assert "q=work+plan" in page.url
    page.goto(live_server.url + "/coordination/registry/?q=representatives")
    assert "JCA-COP DOC044" not in page.content()  # members-only
    page.goto(live_server.url + f"/coordination/liaisons/{demo['liaisons']['sg17_to_tsag'].pk}/")
    assert page.get_by_text("For action").is_visible()
    page.screenshot(path=output_path("liaison.png"), full_page=True)
    assert PASSWORD
