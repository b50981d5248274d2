import pytest

from tutela.bulletins import services


@pytest.fixture
def members(secretariat):
    return services.list_create(actor=secretariat, name="ITU membership — Member States", slug="member-states",
                                kind="membership")


@pytest.fixture
def public_list(secretariat):
    return services.list_create(actor=secretariat, name="COP news", slug="cop-news", public_signup=True,
                                description="News of the Child Online Protection initiative.")


@pytest.fixture
def add(secretariat):
    def make(mailing_list, email, language="en"):
        return services.subscriber_add(actor=secretariat, mailing_list=mailing_list, email=email, language=language,
                                       consent_text="Agreed on the registration form", consent_source="WTDC form")
    return make


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run a service and then what it scheduled after commit (tasks run inline in tests)."""
    def run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)
    return run
