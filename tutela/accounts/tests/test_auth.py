import re
from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import PASSWORD
from tutela.accounts.models import ApiToken
from tutela.accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_reaches_the_workspace(client, focal_point):
    response = client.post(reverse("accounts:login"), {"username": focal_point.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home:workspace")
    assert b"Partner focal point" in response.content
    assert b"ACOPEA" in response.content


def test_a_wrong_password_is_refused_with_a_message(client, focal_point):
    response = client.post(reverse("accounts:login"), {"username": focal_point.email, "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct" in response.content
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_address_even_with_the_right_password(client, focal_point, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": focal_point.email, "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": focal_point.email, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client, stakeholder, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": stakeholder.email})
    assert len(mailoutbox) == 1
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mailoutbox[0].body).group(1)
    response = client.get(link, follow=True)  # Django swaps the token for a session key, then redirects
    form_url = response.redirect_chain[-1][0]
    new = "a brand new passphrase 42"
    response = client.post(form_url, {"new_password1": new, "new_password2": new}, follow=True)
    assert b"Your password has been changed" in response.content
    client.logout()
    signed_in = client.post(reverse("accounts:login"), {"username": stakeholder.email, "password": new})
    assert signed_in.status_code == 302


def test_password_reset_for_an_unknown_address_reveals_nothing(client, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert b"If an account uses that address" in response.content
    assert mailoutbox == []


def test_a_token_authenticates_api_calls_until_revoked(client, focal_point):
    token, key = api_token_create(actor=focal_point, name="script")
    ok = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert ok.status_code == 200
    assert ok.json()["email"] == focal_point.email
    assert ok.json()["role"] == "focal_point"

    api_token_revoke(actor=focal_point, token=token)
    refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthenticated"
    assert "revoked" in refused.json()["error"]["message"]


def test_only_the_hash_of_a_token_is_stored(focal_point):
    token, key = api_token_create(actor=focal_point, name="script")
    assert key not in token.key_hash
    assert not ApiToken.objects.filter(key_hash=key).exists()


def test_the_tokens_page_shows_a_new_token_once_and_revokes_it(client, focal_point):
    client.force_login(focal_point)
    created = client.post(reverse("accounts:tokens"), {"name": "nightly export"})
    key = re.search(rb'data-testid="new-token">([^<]+)<', created.content).group(1).decode()
    assert client.get(reverse("accounts:tokens")).content.count(key.encode()) == 0
    token = ApiToken.objects.get(user=focal_point)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_without_a_name_is_refused(client, focal_point):
    client.force_login(focal_point)
    response = client.post(reverse("accounts:tokens"), {"name": "  "})
    assert response.status_code == 422
    assert b"Give the token a name" in response.content
    assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token(client, focal_point, other_focal_point):
    token, _ = api_token_create(actor=focal_point, name="mine")
    client.force_login(other_focal_point)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_passwords_are_hashed_with_argon2(stakeholder):
    assert stakeholder.password.startswith("argon2")


def test_a_focal_point_must_belong_to_an_organisation(db):
    from django.core.exceptions import ValidationError

    from tutela.accounts.services import user_create

    with pytest.raises(ValidationError, match="must belong to an organisation"):
        user_create(actor=None, email="x@example.org", password=PASSWORD, role="focal_point")


def test_a_token_of_a_deactivated_account_is_refused(client, focal_point):
    _token, key = api_token_create(actor=focal_point, name="script")
    focal_point.is_active = False
    focal_point.save(update_fields=["is_active"])
    refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401


def test_a_token_call_records_its_last_use_at_most_once_a_minute(client, focal_point):
    token, key = api_token_create(actor=focal_point, name="script")
    assert token.last_used_at is None
    first = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert first.status_code == 200
    token.refresh_from_db()
    used = token.last_used_at
    assert used is not None
    again = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert again.json() == first.json()
    token.refresh_from_db()
    assert token.last_used_at == used  # within the minute: not written again
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=used - timedelta(seconds=59))
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    token.refresh_from_db()
    assert token.last_used_at == used - timedelta(seconds=59)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=used - timedelta(seconds=61))
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    token.refresh_from_db()
    assert token.last_used_at > used  # more than a minute old: written


def test_a_token_with_the_wrong_prefix_or_a_changed_letter_is_refused(client, focal_point):
    _token, key = api_token_create(actor=focal_point, name="script")
    for bad in (key[:-1] + ("A" if key[-1] != "A" else "B"), "xyz_" + key[4:], key + "' OR '1'='1"):
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {bad}"}).status_code == 401


def test_me_answers_exactly_its_declared_schema(client, focal_point):
    _token, key = api_token_create(actor=focal_point, name="script")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body == {
        "id": focal_point.pk, "email": focal_point.email, "full_name": focal_point.full_name,
        "role": "focal_point", "organisation_id": focal_point.organisation_id,
        "organisation": str(focal_point.organisation),
    }


def test_the_sign_in_form_asks_for_an_email_address_as_one(client):
    # A phone shows its e-mail keyboard (with @) for type="email"; the field is still named username.
    html = client.get(reverse("accounts:login")).content.decode()
    field = re.search(r'<input[^>]*name="username"[^>]*>', html).group(0)
    assert 'type="email"' in field and 'autocomplete="username"' in field
