"""Benchmark settings: the project's settings, with the URLconf chosen by ``BENCH_URLCONF``.

``BENCH_URLCONF=bench.urls`` adds bare views next to the real ones, served by the same
process setup (same middleware, same gunicorn workers), so a ratio compares like with like.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import ROOT_URLCONF as _DEFAULT_URLCONF

ROOT_URLCONF = os.environ.get("BENCH_URLCONF", _DEFAULT_URLCONF)
