"""The admin only reads: every change goes through the services and their audit trail."""

import pytest
from django.contrib import admin

from tutela.core.admin import ReadOnlyAdmin

pytestmark = pytest.mark.django_db

READ_ONLY = ["core.auditentry", "outreach.trainee", "coordination.body", "consultations.comment"]


@pytest.mark.parametrize("label", READ_ONLY)
def test_read_only_admin_pages_list_but_never_add_or_change(client, django_user_model, label):
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.label_lower == label)
    assert isinstance(model_admin, ReadOnlyAdmin)
    superuser = django_user_model.objects.create_superuser(email="root@example.org", password="a-long-password-1")
    client.force_login(superuser)
    app, model = label.split(".")
    assert client.get(f"/admin/{app}/{model}/").status_code == 200
    assert client.get(f"/admin/{app}/{model}/add/").status_code == 403
