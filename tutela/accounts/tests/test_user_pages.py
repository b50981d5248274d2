"""The secretariat manages accounts from the pages: invite, change role or organisation, deactivate."""

import re

import pytest

from conftest import PASSWORD
from tutela.accounts.models import User
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_users_pages_are_the_secretariats(ladder, stakeholder):
    only = {"anonymous": 302, "stakeholder": 403, "focal_point": 403, "other_focal_point": 403, "secretariat": 200}
    for url in ("/accounts/users/", "/accounts/users/invite/", f"/accounts/users/{stakeholder.pk}/",
                f"/accounts/users/{stakeholder.pk}/role/", f"/accounts/users/{stakeholder.pk}/organisation/"):
        ladder("get", url, only)
    ladder("post", f"/accounts/users/{stakeholder.pk}/active/",
           {"anonymous": 302, "stakeholder": 403, "focal_point": 403}, data={"active": "0"})
    stakeholder.refresh_from_db()
    assert stakeholder.is_active


def test_an_invitation_from_the_page_mails_a_link_that_lets_the_person_sign_in(
        client, secretariat, org_a, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    assert 'href="/accounts/users/invite/"' in client.get("/accounts/users/").text
    missing = client.post("/accounts/users/invite/", {"email": "new@example.org", "role": "focal_point"})
    assert missing.status_code == 422
    assert "A partner focal point must belong to an organisation." in missing.text
    assert 'value="new@example.org"' in missing.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/users/invite/", {"email": "New@Example.org", "full_name": "Nia Okafor",
                                                            "role": "focal_point", "organisation": org_a.pk})
    user = User.objects.get(email="new@example.org")
    assert response.url == f"/accounts/users/{user.pk}/"
    assert "Invited" in client.get(response.url).text
    assert AuditEntry.objects.filter(action="user.invited", target_id=str(user.pk), actor=secretariat).exists()
    assert [m.to for m in mailoutbox] == [["new@example.org"]]
    taken = client.post("/accounts/users/invite/", {"email": "NEW@example.org", "role": "stakeholder"})
    assert taken.status_code == 422 and "already exists" in taken.text
    client.logout()
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert client.post("/accounts/login/", {"username": "new@example.org", "password": PASSWORD}).status_code == 302


def test_role_and_organisation_change_and_deactivation_from_the_pages(client, secretariat, stakeholder, org_a, org_b):
    client.force_login(secretariat)
    base = f"/accounts/users/{stakeholder.pk}/"
    page = client.get(base).text
    assert f'href="{base}role/"' in page and f'href="{base}organisation/"' in page and "Deactivate" in page
    refused = client.post(base + "role/", {"role": "focal_point"})
    assert refused.status_code == 422 and "must belong to an organisation" in refused.text
    client.post(base + "role/", {"role": "focal_point", "organisation": org_a.pk})
    stakeholder.refresh_from_db()
    assert (stakeholder.role, stakeholder.organisation) == ("focal_point", org_a)
    client.post(base + "organisation/", {"organisation": org_b.pk})
    stakeholder.refresh_from_db()
    assert stakeholder.organisation == org_b
    none = client.post(base + "organisation/", {"organisation": ""})
    assert none.status_code == 422  # a focal point keeps an organisation
    client.post(base + "role/", {"role": "national_focal_point", "country": "OM"})
    stakeholder.refresh_from_db()
    assert (stakeholder.role, str(stakeholder.country)) == ("national_focal_point", "OM")
    actions = set(AuditEntry.objects.filter(target_id=str(stakeholder.pk), action__startswith="user.")
                  .values_list("action", flat=True))
    assert {"user.role_changed", "user.organisation_changed"} <= actions

    client.post(base + "active/", {"active": "0"})
    stakeholder.refresh_from_db()
    assert not stakeholder.is_active
    assert "Reactivate" in client.get(base).text
    client.logout()
    assert client.post("/accounts/login/", {"username": stakeholder.email, "password": PASSWORD}).status_code == 200
    client.force_login(secretariat)
    client.post(base + "active/", {"active": "1"})
    stakeholder.refresh_from_db()
    assert stakeholder.is_active


def test_the_secretariat_cannot_lock_themselves_out_from_the_page(client, secretariat):
    client.force_login(secretariat)
    base = f"/accounts/users/{secretariat.pk}/"
    assert "Deactivate" not in client.get(base).text
    response = client.post(base + "active/", {"active": "0"}, follow=True)
    assert "Ask another member of the secretariat" in response.text
    refused = client.post(base + "role/", {"role": "stakeholder"})
    assert refused.status_code == 422 and "Ask another member of the secretariat" in refused.text
    secretariat.refresh_from_db()
    assert secretariat.is_active and secretariat.role == "secretariat"
