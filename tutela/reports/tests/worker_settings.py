"""Settings for the drafting kill-the-worker test: a short lease and heartbeat, and a slow draft (test only)."""

from tutela.exchange.tests.worker_settings import *  # noqa: F403

REPORTS_TEST_DRAFT_DELAY = 6  # seconds inside the draft's transaction: the kill lands before it commits
