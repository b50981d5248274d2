"""Browser-test fixtures: the seeded site with its page catalogue (tests/e2e/page_catalogue.py)."""

import pytest


@pytest.fixture(scope="module")
def catalogue_site(django_db_setup, django_db_blocker):
    """The demo seeded once per test module, served live, with every page type per persona.

    Tests using it must not also ask for ``db``/``live_server`` (those flush the tables after each test)."""
    from tests.e2e.page_catalogue import running_site

    with running_site(django_db_blocker) as site:
        yield site
