"""Import jobs and their reports."""

from django.db import models  # noqa: F401
