from tutela.activities.tests.conftest import make_activity, pillars, pilot  # noqa: F401  (shared factories)
