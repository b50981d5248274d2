"""The API token memory (accounts/token_cache.py): used when nothing changed, dropped the moment anything did.

These tests commit for real (transactional_db): the memory is never used inside a transaction.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from tutela.accounts.models import ApiToken, User
from tutela.accounts.services import api_token_create, api_token_revoke, user_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def secretariat_token():
    user = user_create(actor=None, email="cache@example.org", password="a-long-password-1", role="secretariat",
                       full_name="Cache")
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


def eventually(check, seconds=5.0):
    """PostgreSQL delivers NOTIFY asynchronously, a moment after the other connection's commit
    returns (SQLite sees the change at once): poll briefly, and fail if it never shows."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the change never reached this connection"
        time.sleep(0.001)


def test_a_repeated_call_reads_no_token_from_the_database(client, secretariat_token, django_assert_num_queries):
    _user, _token, key = secretariat_token
    assert me(client, key).status_code == 200  # read, and last_used_at written
    assert me(client, key).status_code == 200  # read again after that write, remembered
    with django_assert_num_queries(0):
        response = me(client, key)
    assert response.json()["email"] == "cache@example.org"


def test_a_token_revoked_on_the_same_connection_is_refused_at_once(client, secretariat_token):
    user, token, key = secretariat_token
    me(client, key), me(client, key)
    api_token_revoke(actor=user, token=token)
    assert me(client, key).status_code == 401


def test_a_token_revoked_by_another_process_is_refused_at_once(client, secretariat_token):
    user, token, key = secretariat_token
    me(client, key), me(client, key)
    assert me(client, key).status_code == 200
    in_another_connection(lambda: api_token_revoke(actor=user, token=ApiToken.objects.get(pk=token.pk)))
    eventually(lambda: me(client, key).status_code == 401)
    assert "revoked" in me(client, key).json()["error"]["message"]


def test_an_account_deactivated_elsewhere_without_signals_is_refused_at_once(client, secretariat_token):
    user, _token, key = secretariat_token
    me(client, key), me(client, key)
    in_another_connection(lambda: User.objects.filter(pk=user.pk).update(is_active=False))
    eventually(lambda: me(client, key).status_code == 401)


def test_a_role_changed_elsewhere_shows_at_once(client, secretariat_token):
    user, _token, key = secretariat_token
    me(client, key), me(client, key)
    in_another_connection(lambda: User.objects.filter(pk=user.pk).update(role=User.Role.STAKEHOLDER))
    eventually(lambda: me(client, key).json()["role"] == "stakeholder")


def test_nothing_is_remembered_inside_a_transaction(client, secretariat_token, django_assert_num_queries):
    _user, _token, key = secretariat_token
    with transaction.atomic():
        me(client, key), me(client, key)
        with django_assert_num_queries(1):
            assert me(client, key).status_code == 200


def test_a_remembered_user_is_the_user_the_database_would_give(client, secretariat_token):
    from django.db.models.signals import post_init, pre_init

    from tutela.accounts.services import api_token_authenticate

    user, _token, key = secretariat_token
    me(client, key), me(client, key)
    remembered, fresh = api_token_authenticate(key), User.objects.get(pk=user.pk)
    assert remembered is not api_token_authenticate(key)  # a new object for every request
    assert {k: v for k, v in remembered.__dict__.items() if k != "_state"} == {
        k: v for k, v in fresh.__dict__.items() if k != "_state"
    }
    assert (remembered._state.adding, remembered._state.db) == (False, "default")
    assert remembered == fresh and remembered.is_authenticated
    # The shortcut skips Model.__init__: only valid while nothing listens to User's init signals.
    assert not pre_init.has_listeners(User) and not post_init.has_listeners(User)


def test_the_wal_header_changes_with_every_commit_of_any_connection(tmp_path):
    """The SQLite file check (token_cache.wal_header): what the web server's file database uses."""
    import sqlite3

    from tutela.accounts import token_cache

    path = str(tmp_path / "t.sqlite3")
    mine = sqlite3.connect(path, isolation_level=None)
    mine.execute("PRAGMA journal_mode=WAL")
    mine.execute("CREATE TABLE t (x)")
    other = sqlite3.connect(path, isolation_level=None)
    header = token_cache.wal_header(path, mine)
    assert header is not None
    for _ in range(3):
        before = header[:48]
        other.execute("INSERT INTO t VALUES (1)")
        assert header[:48] != before
    before = header[:48]
    mine.execute("SELECT * FROM t").fetchall()
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (2)")
    assert header[:48] == before  # reads and uncommitted writes change nothing
    other.execute("COMMIT")
    assert header[:48] != before
    before = header[:48]
    other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    other.execute("INSERT INTO t VALUES (3)")  # the log starts again from its first frame
    assert header[:48] != before
    assert token_cache.wal_header(":memory:", sqlite3.connect(":memory:")) is None
    rollback = sqlite3.connect(str(tmp_path / "r.sqlite3"), isolation_level=None)
    assert token_cache.wal_header(str(tmp_path / "r.sqlite3"), rollback) is None  # not WAL: use the PRAGMA
