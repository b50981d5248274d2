"""Helpers for the kill-the-worker tests (issue 12): a real ``manage.py run_worker`` (TUTELA_TASKS=db)
on a file database — SQLite in a temporary directory or, when DATABASE_URL names PostgreSQL, a
scratch database beside it — read from the test process with raw connections."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def worker_env(database_url: str, var: Path, settings_module: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "TUTELA_VAR_DIR": str(var), "TUTELA_TASKS": "db",
            "DJANGO_SETTINGS_MODULE": settings_module, "PYTHONUNBUFFERED": "1"}


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


class Db:
    """Raw reads of the scratch database from the test process (no Django connection involved)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, sql: str, *params):
        if self.url.startswith("sqlite"):
            with sqlite3.connect(urlparse(self.url).path, timeout=30) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as conn:
            return conn.execute(sql, params).fetchall()

    def one(self, sql: str, *params):
        rows = self.query(sql, *params)
        return rows[0] if rows else None


@pytest.fixture
def scratch_db(tmp_path):
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlparse(base)
        name = f"{parts.path.lstrip('/')}_kill"
        admin = urlunparse(parts._replace(scheme="postgresql", path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        yield urlunparse(parts._replace(path=f"/{name}"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'kill.sqlite3'}"


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "run_worker"], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
