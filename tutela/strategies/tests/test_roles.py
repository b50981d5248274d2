"""The national focal point role: made and changed only through accounts.services, scoped by core.access."""

import pytest
from django.core.exceptions import ValidationError

from tutela.accounts.services import user_invite, user_role_change
from tutela.core import access
from tutela.core.models import AuditEntry
from tutela.strategies.models import Assessment

pytestmark = pytest.mark.django_db


def test_the_secretariat_invites_a_national_focal_point_for_one_country(secretariat):
    user = user_invite(actor=secretariat, email="nfp@example.org", role="national_focal_point", country="om")
    assert user.country.code == "OM"
    assert access.user_country_codes(user) == {"OM"}
    assert access.user_organisation_ids(user) == set()


def test_a_national_focal_point_needs_a_country(secretariat, stakeholder):
    with pytest.raises(ValidationError, match="one country"):
        user_invite(actor=secretariat, email="nfp@example.org", role="national_focal_point")
    with pytest.raises(ValidationError, match="one country"):
        user_role_change(actor=secretariat, user=stakeholder, role="national_focal_point")
    stakeholder.refresh_from_db()
    assert stakeholder.role == "stakeholder"


def test_a_role_change_to_national_focal_point_is_audited(secretariat, stakeholder):
    user_role_change(actor=secretariat, user=stakeholder, role="national_focal_point", country="ET")
    stakeholder.refresh_from_db()
    assert (stakeholder.role, stakeholder.country.code) == ("national_focal_point", "ET")
    entry = AuditEntry.objects.filter(action="user.role_changed", target_id=str(stakeholder.pk)).get()
    assert entry.changes["role"] == ["stakeholder", "national_focal_point"]
    assert entry.changes["country"] == ["", "ET"]


def test_the_country_scope_reads_and_writes_only_that_countrys_rounds(secretariat, framework, national_om, national_et):
    from datetime import date

    from tutela.strategies import services

    om = services.assessment_create(actor=secretariat, country="OM", framework=framework, held_on=date(2014, 1, 1))
    et = services.assessment_create(actor=secretariat, country="ET", framework=framework, held_on=date(2014, 1, 1))
    assert list(access.readable(national_om, Assessment.objects.all())) == [om]
    assert list(access.writable(national_et, Assessment.objects.all())) == [et]
    assert access.can_write(national_om, om) and not access.can_write(national_om, et)
    assert not access.can_read(national_et, om)
