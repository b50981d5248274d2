"""Prepare the HTTP benchmark: a secretariat user with a personal token, and the bytes the bare views return."""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.test import Client  # noqa: E402

from tutela.accounts.models import User  # noqa: E402
from tutela.accounts.services import api_token_create, user_create  # noqa: E402

out = Path(os.environ.get("BENCH_BYTES_DIR", "/tmp/tutela-bench"))
out.mkdir(parents=True, exist_ok=True)
user = User.objects.filter(email="bench@example.org").first() or user_create(
    actor=None, email="bench@example.org", password="bench-password-123", role="secretariat", full_name="Bench")
_token, key = api_token_create(actor=user, name="bench")
client = Client(HTTP_HOST="127.0.0.1")
home = client.get("/")
me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
assert home.status_code == 200 and me.status_code == 200, (home.status_code, me.status_code)
(out / "home.html").write_bytes(home.content)
(out / "me.json").write_bytes(me.content)
(out / "token").write_text(key)
print(f"home {len(home.content)} bytes, me {len(me.content)} bytes")
