"""API tokens are looked up on every request: a change made by any connection counts from the
next request, with no memory to drop and nothing to wait for. These tests commit for real
(transaction=True), as separate web processes would; CI also runs them through PgBouncer."""

import threading

import pytest
from django.db import connection

from tutela.accounts.models import ApiToken, User
from tutela.accounts.services import api_token_create, api_token_revoke, user_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def secretariat_token():
    user = user_create(actor=None, email="tokens@example.org", password="a-long-password-1", role="secretariat",
                       full_name="Tokens")
    token, key = api_token_create(actor=user, name="script")
    return user, token, key


def me(client, key):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})


def in_another_connection(work):
    """Run ``work`` in a thread of its own, hence on a database connection of its own, and commit."""
    errors = []

    def run():
        try:
            work()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not errors, errors


def test_every_call_looks_the_token_up_in_the_database(client, secretariat_token, django_assert_num_queries):
    _user, _token, key = secretariat_token
    assert me(client, key).status_code == 200  # the lookup, and last_used_at written
    for _ in range(3):
        with django_assert_num_queries(1) as ctx:  # the one lookup (a secretariat has no organisation to name)
            assert me(client, key).json()["email"] == "tokens@example.org"
        assert ApiToken._meta.db_table in ctx.captured_queries[0]["sql"]


def test_a_token_revoked_by_another_process_is_refused_on_the_next_request(client, secretariat_token):
    user, token, key = secretariat_token
    assert me(client, key).status_code == 200
    assert me(client, key).status_code == 200
    in_another_connection(lambda: api_token_revoke(actor=user, token=ApiToken.objects.get(pk=token.pk)))
    refused = me(client, key)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["error"]["message"]


def test_an_account_deactivated_elsewhere_without_signals_is_refused_on_the_next_request(client, secretariat_token):
    user, _token, key = secretariat_token
    assert me(client, key).status_code == 200
    assert me(client, key).status_code == 200
    in_another_connection(lambda: User.objects.filter(pk=user.pk).update(is_active=False))
    assert me(client, key).status_code == 401


def test_a_role_changed_elsewhere_shows_on_the_next_request(client, secretariat_token):
    user, _token, key = secretariat_token
    assert me(client, key).json()["role"] == "secretariat"
    assert me(client, key).json()["role"] == "secretariat"
    in_another_connection(lambda: User.objects.filter(pk=user.pk).update(role=User.Role.STAKEHOLDER))
    assert me(client, key).json()["role"] == "stakeholder"


def test_connections_neither_listen_nor_carry_auth_triggers(client, secretariat_token):
    """A hot-standby replica refuses LISTEN and a transaction-mode pooler loses it: nothing may rely on it."""
    from django.test.utils import CaptureQueriesContext

    _user, _token, key = secretariat_token
    connection.close()
    with CaptureQueriesContext(connection) as ctx:
        assert me(client, key).status_code == 200
    assert not [q for q in ctx.captured_queries if "LISTEN" in q["sql"].upper()]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid IN ('accounts_user'::regclass, "
                           "'accounts_apitoken'::regclass) AND NOT tgisinternal")
            assert cursor.fetchall() == []
