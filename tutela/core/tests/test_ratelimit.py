"""core.ratelimit: a sliding window per key in the shared database cache."""

import json
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from tutela.core import ratelimit

pytestmark = pytest.mark.django_db

LIMIT = ratelimit.Limit("test", 3, 60)


def test_the_limit_counts_per_key_and_says_when_to_retry():
    start = timezone.now()
    for i in range(3):
        assert ratelimit.hit(LIMIT, "a", now=start + timedelta(seconds=10 * i)) is None
    refusal = ratelimit.hit(LIMIT, "a", now=start + timedelta(seconds=30))
    assert refusal is not None and refusal.retry_at == start + timedelta(seconds=60) and refusal.retry_after == 30
    assert ratelimit.hit(LIMIT, "b", now=start + timedelta(seconds=30)) is None  # another key is not affected
    assert ratelimit.hit(LIMIT, "A ", now=start + timedelta(seconds=30)) is not None  # keys are normalised
    # A refused event is not counted: once the first event leaves the window, one more is allowed.
    assert ratelimit.hit(LIMIT, "a", now=start + timedelta(seconds=60.5)) is None
    refusal = ratelimit.hit(LIMIT, "a", now=start + timedelta(seconds=61))
    assert refusal is not None and refusal.retry_at == start + timedelta(seconds=70)
    assert ratelimit.hit(LIMIT, None) is None and ratelimit.hit(LIMIT, "") is None


def test_counts_live_in_the_shared_database_cache_without_addresses_in_clear():
    from django.conf import settings
    from django.db import connection

    assert settings.CACHES[ratelimit.CACHE]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    ratelimit.hit(LIMIT, "203.0.113.9")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {settings.CACHES[ratelimit.CACHE]['LOCATION']}")
        keys = [row[0] for row in cursor.fetchall()]
    assert keys and not any("203.0.113.9" in key for key in keys)


def test_too_many_requests_answers_json_under_the_api_and_a_page_elsewhere():
    refusal = ratelimit.Refusal(limit=LIMIT, retry_at=timezone.now() + timedelta(seconds=42), now=timezone.now())
    api = ratelimit.too_many_requests(RequestFactory().post("/api/v1/x"), refusal, "Slow down.")
    assert api.status_code == 429 and api["Retry-After"] == "42"
    assert json.loads(api.content)["error"] == {"code": "too_many_requests", "message": "Slow down.", "fields": {}, "retry_after": 42}
    request = RequestFactory().post("/consultations/1/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    page = ratelimit.too_many_requests(request, refusal, "Slow down.")
    assert page.status_code == 429 and page["Retry-After"] == "42"
    assert "Slow down." in page.content.decode() and "Try again in 42 seconds." in page.content.decode()


def test_a_limit_reached_in_an_api_operation_is_the_declared_429_with_retry_after():
    """A service's ``LimitReached`` is a ValidationError; the API must not answer it as a 422."""
    from ninja import NinjaAPI
    from ninja.testing import TestClient

    from tutela.core.api import ERRORS, RATE_LIMITED, install_error_handlers

    api = NinjaAPI(urls_namespace="ratelimit-test", docs_url=None)
    install_error_handlers(api)
    refusal = ratelimit.Refusal(limit=LIMIT, retry_at=timezone.now() + timedelta(seconds=42), now=timezone.now())

    @api.post("/limited", response={200: dict, **ERRORS, **RATE_LIMITED})
    def limited(request):
        raise ratelimit.LimitReached("Slow down; try again after 10:42.", refusal, field="email")

    response = TestClient(api).post("/limited")
    assert response.status_code == 429 and response["Retry-After"] == "42"
    assert response.json() == {"error": {"code": "too_many_requests", "message": "Slow down; try again after 10:42.",
                                         "fields": {"email": ["Slow down; try again after 10:42."]}, "retry_after": 42}}
    declared = api.get_openapi_schema(path_prefix="/api/")["paths"]["/api/limited"]["post"]["responses"][429]
    schema = declared["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema == "TooManyRequestsOut"
