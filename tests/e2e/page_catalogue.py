"""Every page type each persona can open, for browser checks that must visit them all (phones, right to
left, axe-core).

The catalogue is built from the URL ladder (tests/test_url_ladder.py): each named URL pattern whose
ladder entry says a persona GETs it with 200 gives one representative URL (the ladder's own arguments,
resolved against the seeded demo), so a new page is in the catalogue as soon as it has its ladder
entry. The API and the admin are not in the ladder; file downloads, feeds, exports, images and HTML
fragments (htmx partials) are dropped by asking each URL once and keeping full HTML documents only.

Use it through the module-scoped ``catalogue_site`` fixture (tests/e2e/conftest.py): one seeded
database and one live server per test module, and ``site.context(browser, persona)`` for one signed-in
browser context per persona. Mark the module ``django_db`` (not transactional, and without the
``live_server`` fixture: those flush the tables after each test); each test's own writes, like the
sign-in's session, are rolled back with it on SQLite, and the module's end flushes everything::

    pytestmark = [pytest.mark.browser, pytest.mark.django_db]

    def test_something(catalogue_site, browser):
        with catalogue_site.context(browser, "focal_a", viewport={"width": 360, "height": 740}) as context:
            page = context.new_page()
            for url in catalogue_site.urls("focal_a"):
                page.goto(catalogue_site.url + url)
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.reference_data import restore

PERSONAS = ("anonymous", "stakeholder", "focal_a", "focal_b", "secretariat")
# The demo's accounts behind the ladder's personas (tutela/accounts/demo.py).
EMAILS = {
    "stakeholder": "stakeholder@tutela.test",
    "focal_a": "focal.acopea@tutela.test",
    "focal_b": "focal.trendmicro@tutela.test",
    "secretariat": "secretariat@tutela.test",
}


def seed() -> None:
    """The demo (``load_demo``, every app's demo module), plus focal point A's API token."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from tutela.accounts.services import api_token_create

    call_command("load_demo", stdout=io.StringIO())
    api_token_create(actor=get_user_model().objects.get(email=EMAILS["focal_a"]), name="catalogue")


def _is_page(response) -> bool:
    """A full HTML document shown in the browser (not a download, feed, image, export or fragment)."""
    if response.get("Content-Disposition", "").startswith("attachment"):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    head = b"".join(response.streaming_content) if response.streaming else response.content
    return b"<html" in head[:2000].lower()


def build() -> dict[str, list[str]]:
    """{persona: [URL, …]}: one URL per page type the persona GETs with 200, in URL-name order.

    Each candidate is asked once (by the first persona the ladder gives 200) to tell pages from files."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from tests.test_url_ladder import LADDER, _args

    users = get_user_model().objects
    client = Client()
    catalogue: dict[str, list[str]] = {persona: [] for persona in PERSONAS}
    for name, (method, spec, statuses) in sorted(LADDER.items()):
        if method != "get" or 200 not in statuses:
            continue
        url = reverse(name, args=_args(spec))
        allowed = [persona for persona, status in zip(PERSONAS, statuses, strict=True) if status == 200]
        client.logout()
        if allowed[0] != "anonymous":
            client.force_login(users.get(email=EMAILS[allowed[0]]))
        response = client.get(url)
        assert response.status_code == 200, f"{name} {url} as {allowed[0]}: {response.status_code}, the ladder says 200"
        if _is_page(response):
            for persona in allowed:
                catalogue[persona].append(url)
    client.logout()
    return catalogue


def in_language(url: str, language: str) -> str:
    """The same page in another language: /activities/ -> /ar/activities/ (English has no prefix)."""
    from django.urls import translate_url

    return translate_url(url, language)


def sign_in(page, persona: str, base_url: str) -> None:
    """Sign a Playwright page (and so its browser context) in as a persona, through the sign-in form."""
    if persona == "anonymous":
        return
    from tutela.accounts.demo import DEMO_PASSWORD

    page.goto(base_url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(EMAILS[persona])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@dataclass
class Site:
    url: str  # the live server's base URL
    catalogue: dict[str, list[str]] = field(default_factory=dict)

    def urls(self, persona: str, language: str = "en") -> list[str]:
        urls = self.catalogue[persona]
        return urls if language == "en" else [in_language(url, language) for url in urls]

    @contextlib.contextmanager
    def context(self, browser, persona: str, **options) -> Iterator:
        """A browser context signed in as the persona (options as for browser.new_context)."""
        context = browser.new_context(**options)
        try:
            page = context.new_page()
            sign_in(page, persona, self.url)
            page.close()
            yield context
        finally:
            context.close()


@contextlib.contextmanager
def running_site(django_db_blocker) -> Iterator[Site]:
    """Seed the demo once, build the catalogue, serve it live; flush everything afterwards."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    name = str(connection.settings_dict["NAME"])
    assert name.startswith("test_") or "memorydb" in name, (
        f"not a test database ({name}): mark the test module django_db so pytest-django creates one")
    with django_db_blocker.unblock(), tempfile.TemporaryDirectory() as media, override_settings(
        MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        restore()
        seed()
        catalogue = build()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield Site(url=server.url, catalogue=catalogue)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            restore()
