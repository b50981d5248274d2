"""The anonymous public's read-only pages read from the ``replica`` alias when one is configured
(tutela.core.routers); everyone else, and every write, uses the primary. Here the replica is a
second connection to the test database (a mirror), so it sees only committed rows, as a real
hot standby does: the test commits (transaction=True)."""

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from tutela.core.context_processors import _nav_items

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica(settings):
    """What DATABASE_REPLICA_URL sets up, pointed at the test database."""
    primary = connections[DEFAULT_DB_ALIAS]
    settings.DATABASES = {**settings.DATABASES, "replica": primary.settings_dict}
    connections["replica"] = load_backend(primary.settings_dict["ENGINE"]).DatabaseWrapper(
        {**primary.settings_dict}, alias="replica")
    cache.clear()  # the home page is cached per process
    try:
        yield connections["replica"]
    finally:
        connections["replica"].close()
        del connections["replica"]
        cache.clear()


def _reads(queries):
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]


def test_every_public_page_answers_from_the_replica_and_signed_in_users_read_the_primary(client, replica, org_a, secretariat):
    urls = ["/", "/api/v1/organisations", *[url for _l, url, audience, _o in _nav_items() if audience in ("public", "explore")]]
    assert len(urls) >= 6
    from_replica = []
    for url in urls:
        with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
            response = client.get(url)
        assert response.status_code == 200, url
        assert on_primary.captured_queries == [], (url, on_primary.captured_queries)
        if _reads(on_replica):
            from_replica.append(url)
    # Only pages that show no records may read nothing: the home page (cached), the empty search
    # form and the open-data dictionary. Every other public page read from the replica.
    assert set(urls) - set(from_replica) <= {"/", "/search/", "/hub/data/"}, sorted(set(urls) - set(from_replica))
    client.force_login(secretariat)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(urls[2]).status_code == 200
    assert on_replica.captured_queries == []


def test_token_calls_and_writes_never_read_the_replica(client, replica, focal_point):
    from tutela.accounts.services import api_token_create, api_token_revoke

    token, key = api_token_create(actor=focal_point, name="script")
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200
        api_token_revoke(actor=focal_point, token=token)
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401
        assert client.post("/accounts/login/", {"username": focal_point.email, "password": "wrong"}).status_code == 200
    assert on_replica.captured_queries == []


def test_rate_limit_counters_are_never_read_from_the_replica(replica):
    from django.core.cache.backends.db import DatabaseCache

    from tutela.core.routers import ReplicaRouter, _public_read

    token = _public_read.set(True)
    try:
        cache_model = DatabaseCache("tutela_ratelimit", {}).cache_model_class
        from tutela.partners.models import Organisation

        assert ReplicaRouter().db_for_read(cache_model) is None
        assert ReplicaRouter().db_for_read(Organisation) == "replica"
    finally:
        _public_read.reset(token)


def test_the_owner_rule_reads_the_database_its_query_reads(replica, focal_point, org_a):
    """Activities' ``owned_by`` is part of its query's SQL (a correlated EXISTS), never a query of its own: "public OR
    own" and "own" read ``.using("replica")`` ask the replica alone, one query each."""
    from datetime import date

    from tutela.activities.models import Activity
    from tutela.activities.services import activity_create
    from tutela.core import access
    from tutela.initiatives.models import Pillar

    activity_create(actor=focal_point, title="Submitted, not public", kind="workshop", starts_on=date(2026, 1, 1),
                    pillars=[Pillar.objects.first()], partners=[(org_a, "organiser")])
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
        readable = list(access.readable(focal_point, Activity.objects.using("replica")).values_list("title", flat=True))
        writable = list(access.writable(focal_point, Activity.objects.using("replica")).values_list("title", flat=True))
    assert readable == writable == ["Submitted, not public"]
    assert on_primary.captured_queries == []
    assert len(on_replica.captured_queries) == 2
    assert all("EXISTS" in q["sql"] and "activities_activitypartner" in q["sql"] for q in on_replica.captured_queries)
