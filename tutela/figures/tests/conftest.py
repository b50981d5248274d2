import pytest

from tutela.activities.tests.conftest import make_activity, pillars, pilot  # noqa: F401  (shared factories)


@pytest.fixture
def worker():
    """What the worker does after a change to the records: run the dashboard's refresh task
    (inline, as tests run tasks). ``worker()`` runs it once."""
    from tutela.figures.tasks import refresh_dashboard

    return refresh_dashboard.enqueue
