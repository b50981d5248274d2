"""The real URLconf plus bare views returning the same bytes as the pages they are compared with.

The bytes are captured beforehand by ``bench/prepare.py`` into ``$BENCH_BYTES_DIR``.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as real

BYTES = Path(os.environ.get("BENCH_BYTES_DIR", "/tmp/tutela-bench"))
HOME = (BYTES / "home.html").read_bytes() if (BYTES / "home.html").exists() else b""
ME = (BYTES / "me.json").read_bytes() if (BYTES / "me.json").exists() else b""


def bare_home(request):
    return HttpResponse(HOME, content_type="text/html; charset=utf-8")


def bare_me(request):
    return HttpResponse(ME, content_type="application/json; charset=utf-8")


urlpatterns = [path("bench/bare-home", bare_home), path("bench/bare-me", bare_me), *real]
