"""Merging organisations: each app repoints its own rows through its ``organisation_replaced``
service, all in one transaction; anything that fails undoes everything and deletes nothing."""

from datetime import date

import pytest

from tutela.activities.models import ActivityPartner
from tutela.activities.services import activity_create
from tutela.core.models import AuditEntry
from tutela.figures.services import figure_create, indicator_get_or_create
from tutela.initiatives.models import Pillar
from tutela.partners import services as partners
from tutela.partners.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicate(db):
    return partners.organisation_create(actor=None, name="ACOPEA Centre (duplicate)", kind="civil_society", country="ET")


@pytest.fixture
def workshop(org_a, duplicate):
    """An activity that names both the organisation and its duplicate as organisers, and the duplicate as funder."""
    return activity_create(actor=None, title="Workshop in Addis Ababa", kind="workshop", starts_on=date(2013, 10, 22),
                           pillars=[Pillar.objects.get(number=4)],
                           partners=[(org_a, "organiser"), (duplicate, "organiser"), (duplicate, "funder")])


def test_every_app_repoints_its_own_rows_and_each_change_is_audited(secretariat, org_a, duplicate, workshop, focal_point):
    indicator = indicator_get_or_create(code="trained", name="People trained", unit="people")
    figure = figure_create(actor=None, indicator=indicator, value=5, kind="counted", source="x", as_of=date(2014, 1, 1),
                           owner_organisation=duplicate, subject=duplicate)
    focal_point.organisation = duplicate
    focal_point.save()

    dup_pk = duplicate.pk
    partners.organisation_merge(actor=secretariat, keep=org_a, duplicate=duplicate)

    assert not Organisation.objects.filter(pk=dup_pk).exists()
    roles = sorted(ActivityPartner.objects.filter(activity=workshop).values_list("organisation_id", "role"))
    assert roles == [(org_a.pk, "funder"), (org_a.pk, "organiser")]  # the doubled organiser role is not repeated
    figure.refresh_from_db()
    assert (figure.owner_organisation_id, figure.subject_id) == (org_a.pk, org_a.pk)
    focal_point.refresh_from_db()
    assert focal_point.organisation_id == org_a.pk
    moved = AuditEntry.objects.get(action="user.organisation_replaced", target_id=str(focal_point.pk))
    assert moved.changes == {"organisation_id": [dup_pk, org_a.pk]}
    assert moved.actor == secretariat
    assert AuditEntry.objects.filter(action="activity.partner_removed", target_id=str(workshop.pk)).exists()
    assert AuditEntry.objects.filter(action="figure.organisation_replaced", target_id=str(figure.pk)).exists()
    merged = AuditEntry.objects.get(action="organisation.merged")
    assert merged.changes["moved"][1]["activities.ActivityPartner.organisation"] == 1


def test_a_service_that_fails_undoes_the_whole_merge_and_deletes_nothing(monkeypatch, secretariat, org_a, duplicate,
                                                                         workshop, focal_point):
    focal_point.organisation = duplicate
    focal_point.save()

    def broken(*, actor, old, new):
        raise RuntimeError("this app cannot repoint its rows")

    services = (*partners.replaced_services(), broken)
    monkeypatch.setattr(partners, "replaced_services", lambda: services)
    audited = AuditEntry.objects.count()
    with pytest.raises(RuntimeError, match="cannot repoint"):
        partners.organisation_merge(actor=secretariat, keep=org_a, duplicate=duplicate)

    assert Organisation.objects.filter(pk__in=[org_a.pk, duplicate.pk]).count() == 2
    roles = sorted(ActivityPartner.objects.filter(activity=workshop).values_list("organisation_id", "role"))
    assert roles == sorted([(org_a.pk, "organiser"), (duplicate.pk, "organiser"), (duplicate.pk, "funder")])
    focal_point.refresh_from_db()
    assert focal_point.organisation_id == duplicate.pk
    assert AuditEntry.objects.count() == audited


def test_an_app_that_does_not_repoint_its_rows_stops_the_merge(monkeypatch, secretariat, org_a, duplicate, workshop):
    from tutela.activities.services import organisation_replaced

    others = tuple(s for s in partners.replaced_services() if s is not organisation_replaced)
    monkeypatch.setattr(partners, "replaced_services", lambda: others)
    with pytest.raises(RuntimeError, match="activity roles|activity partner"):
        partners.organisation_merge(actor=secretariat, keep=org_a, duplicate=duplicate)
    assert Organisation.objects.filter(pk=duplicate.pk).exists()
    assert ActivityPartner.objects.filter(organisation=duplicate).count() == 2


def test_every_app_that_points_at_organisations_names_its_service():
    apps = {service.__module__.split(".")[1] for service in partners.replaced_services()}
    assert apps == {"accounts", "initiatives", "activities", "figures", "outreach", "consultations", "coordination",
                    "strategies", "bulletins"}
