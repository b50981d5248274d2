"""Settings for the kill-the-worker test: a short lease and heartbeat, and a slow import (test only)."""

from config.settings import *  # noqa: F403

WORKER_HEARTBEAT_SECONDS = 1
JOB_LEASE_SECONDS = 3
EXCHANGE_TEST_ROW_DELAY = 0.1  # seconds per row: a 60-row import takes about 6 s

