"""Settings: production refuses to start without its secrets, and check --deploy is clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "TUTELA_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)


PRODUCTION = {
    "TUTELA_ENV": "production",
    "ALLOWED_HOSTS": "tutela.example.org",
    "SMTP_HOST": "127.0.0.1",
    "DATABASE_URL": "sqlite:////tmp/tutela-settings-test.sqlite3",
}


def test_production_refuses_to_start_without_a_secret_key():
    result = _run(["check"], **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION, SECRET_KEY="x" * 20 + "-production-secret-key-with-enough-entropy-1234567890")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
