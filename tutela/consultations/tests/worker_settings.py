"""Settings for the kill-the-worker test: a short lease and heartbeat, and a slow import (test only)."""

from config.settings import *  # noqa: F403

WORKER_HEARTBEAT_SECONDS = 1
JOB_LEASE_SECONDS = 3
CONSULTATIONS_TEST_IMPORT_DELAY = 6  # seconds inside the import's transaction, after the version is written
