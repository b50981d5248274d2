"""What the PostgreSQL benchmarks under bench/ share: the repository on the import path, the settings,
a database of their own (created when missing), Django set up and migrated.

A benchmark runs as ``python bench/NAME.py`` (so bench/ is on the import path), imports this module
first (``import common``: that puts the repository on the path and names the settings) and calls
``common.setup()`` before touching any model.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of your own (see the benchmark's docstring).")
    return url


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` when it does not exist yet."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], password=cfg["PASSWORD"],
                         dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def setup(*, test_environment: bool = False, skip_checks: bool = False) -> None:
    """Create the database if needed, set Django up and migrate. ``test_environment``: also Django's
    test environment (the test client's host allowed, mail kept in memory), as the page benchmarks use."""
    ensure_database(database_url())
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    if test_environment:
        setup_test_environment()
    call_command("migrate", verbosity=0, skip_checks=skip_checks)


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
