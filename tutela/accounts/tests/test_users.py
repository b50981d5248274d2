"""Users and roles change through services that check, write and audit; the admin only reads."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import PASSWORD
from tutela.accounts import services
from tutela.accounts.models import User
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def entries(user, action):
    return list(AuditEntry.objects.filter(action=action, target_id=str(user.pk)).values_list("actor_label", "changes"))


def test_an_invitation_creates_the_account_audited_and_mails_a_link_that_sets_the_password(
        client, secretariat, org_a, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_invite(actor=secretariat, email=" New.Focal@Example.org ", role="focal_point",
                                    organisation=org_a, full_name="New  Focal")
    assert (user.email, user.role, user.organisation, user.full_name) == ("new.focal@example.org", "focal_point", org_a, "New Focal")
    assert not user.has_usable_password()
    assert entries(user, "user.invited") == [(secretariat.email, {"email": [None, user.email], "role": [None, "focal_point"]})]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True)
    assert b"Your password has been changed" in response.content
    assert client.post("/accounts/login/", {"username": user.email, "password": PASSWORD}).status_code == 302


def test_only_the_secretariat_invites_and_bad_invitations_write_nothing(focal_point, stakeholder, secretariat, mailoutbox):
    for actor in (focal_point, stakeholder):
        with pytest.raises(PermissionDenied):
            services.user_invite(actor=actor, email="x@example.org")
    with pytest.raises(ValidationError, match="already exists"):
        services.user_invite(actor=secretariat, email=stakeholder.email.upper())
    with pytest.raises(ValidationError, match="must belong to an organisation"):
        services.user_invite(actor=secretariat, email="y@example.org", role="focal_point")
    with pytest.raises(ValidationError) as exc:
        services.user_invite(actor=secretariat, email="z@example.org", role="emperor")
    assert "role" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.user_invite(actor=secretariat, email="not an address")
    assert "email" in exc.value.message_dict
    assert not User.objects.filter(email__in=["x@example.org", "y@example.org", "z@example.org"]).exists()
    assert not AuditEntry.objects.filter(action="user.invited").exists() and mailoutbox == []


def test_a_role_change_is_audited_and_a_focal_point_needs_an_organisation(secretariat, stakeholder, org_a):
    with pytest.raises(ValidationError, match="must belong to an organisation"):
        services.user_role_change(actor=secretariat, user=stakeholder, role="focal_point")
    stakeholder.refresh_from_db()
    assert stakeholder.role == "stakeholder"
    user = services.user_role_change(actor=secretariat, user=stakeholder, role="focal_point", organisation=org_a)
    assert User.objects.get(pk=user.pk).role == "focal_point"
    assert entries(user, "user.role_changed") == [
        (secretariat.email, {"role": ["stakeholder", "focal_point"], "organisation_id": [None, org_a.pk]})]


def test_an_organisation_change_is_audited_and_cannot_leave_a_focal_point_without_one(secretariat, focal_point, org_a, org_b):
    with pytest.raises(ValidationError, match="must belong to an organisation"):
        services.user_organisation_change(actor=secretariat, user=focal_point, organisation=None)
    services.user_organisation_change(actor=secretariat, user=focal_point, organisation=org_b)
    assert User.objects.get(pk=focal_point.pk).organisation == org_b
    assert entries(focal_point, "user.organisation_changed") == [
        (secretariat.email, {"organisation_id": [org_a.pk, org_b.pk]})]


def test_a_deactivated_user_loses_session_and_tokens_on_the_next_request_and_can_be_reactivated(client, secretariat, focal_point):
    from tutela.accounts.services import api_token_create

    _token, key = api_token_create(actor=focal_point, name="script")
    client.force_login(focal_point)
    assert client.get("/workspace/").status_code == 200
    services.user_deactivate(actor=secretariat, user=focal_point)
    assert client.get("/workspace/").status_code == 302  # signed out
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert entries(focal_point, "user.deactivated") == [(secretariat.email, {"is_active": [True, False]})]
    services.user_deactivate(actor=secretariat, user=focal_point)  # already: nothing written
    assert len(entries(focal_point, "user.deactivated")) == 1
    services.user_reactivate(actor=secretariat, user=focal_point)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert entries(focal_point, "user.reactivated") == [(secretariat.email, {"is_active": [False, True]})]


def test_nobody_manages_their_own_account_and_only_the_secretariat_manages_others(secretariat, focal_point, stakeholder):
    with pytest.raises(ValidationError, match="another member of the secretariat"):
        services.user_deactivate(actor=secretariat, user=secretariat)
    with pytest.raises(ValidationError, match="another member of the secretariat"):
        services.user_role_change(actor=secretariat, user=secretariat, role="stakeholder")
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=focal_point, user=stakeholder)
    with pytest.raises(PermissionDenied):
        services.user_role_change(actor=focal_point, user=focal_point, role="secretariat")
    assert User.objects.filter(is_active=True).count() == 3
    assert User.objects.get(pk=focal_point.pk).role == "focal_point"


@pytest.mark.parametrize("model", ["user", "apitoken"])
def test_the_user_admin_only_reads(client, django_user_model, focal_point, model):
    superuser = django_user_model.objects.create_superuser(email="root@example.org", password="a-long-password-1")
    client.force_login(superuser)
    assert client.get(f"/admin/accounts/{model}/").status_code == 200
    assert client.get(f"/admin/accounts/{model}/add/").status_code == 403
    response = client.post(f"/admin/accounts/user/{focal_point.pk}/change/",
                           {"email": focal_point.email, "role": "secretariat", "is_active": "", "is_superuser": "on"})
    assert response.status_code in (200, 403)
    focal_point.refresh_from_db()
    assert (focal_point.role, focal_point.is_active, focal_point.is_superuser) == ("focal_point", True, False)
    assert client.post(f"/admin/accounts/user/{focal_point.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=focal_point.pk).exists()
