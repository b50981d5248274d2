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


def test_production_refuses_to_start_with_a_weak_secret_key():
    for weak, why in [("short-key-123", "13 characters; at least 50"),
                      ("django-insecure-" + "k" * 60, "development key"),
                      ("ab" * 40, "2 distinct characters")]:
        result = _run(["check"], **PRODUCTION, SECRET_KEY=weak)
        assert result.returncode != 0, weak
        assert "SECRET_KEY is too weak for TUTELA_ENV=production" in result.stderr and why in result.stderr, result.stderr
        assert weak not in result.stderr  # the key itself is never printed


def test_a_short_secret_key_is_still_fine_in_development():
    result = _run(["check"], SECRET_KEY="short-dev-key", TUTELA_VAR_DIR="/tmp/tutela-settings-test-var")
    assert result.returncode == 0, result.stderr


def test_a_transaction_pooler_and_a_replica_are_configured_from_the_environment(tmp_path):
    """DATABASE_TRANSACTION_POOLING turns server-side cursors off (Django's setting for PgBouncer in
    transaction mode); DATABASE_REPLICA_URL adds the replica alias, a mirror of the primary in tests."""
    script = ("from django.conf import settings; d = settings.DATABASES; "
              "print(d['default'].get('DISABLE_SERVER_SIDE_CURSORS', False), d['default']['PORT'], "
              "d['replica']['HOST'], d['replica']['TEST']['MIRROR'], d['replica'].get('DISABLE_SERVER_SIDE_CURSORS', False), "
              "settings.DATABASE_ROUTERS)")
    urls = {"DATABASE_URL": "postgres://tutela:tutela@127.0.0.1:6432/tutela",
            "DATABASE_REPLICA_URL": "postgres://tutela:tutela@standby.example:6432/tutela", "TUTELA_VAR_DIR": str(tmp_path)}
    pooled = _run(["shell", "--no-imports", "-c", script], DATABASE_TRANSACTION_POOLING="1", **urls)
    assert pooled.returncode == 0, pooled.stderr
    assert pooled.stdout.split("\n")[0] == ("True 6432 standby.example default True "
                                            "['tutela.core.routers.ReplicaRouter']")
    direct = _run(["shell", "--no-imports", "-c", script], **urls)
    assert direct.stdout.startswith("False 6432 standby.example default False"), direct.stderr
