import pytest
from django.urls import reverse

from tutela.core.models import AuditEntry
from tutela.partners.services import organisation_update

pytestmark = pytest.mark.django_db


def test_a_service_write_records_actor_action_target_and_changed_fields(secretariat, org_a):
    organisation_update(actor=secretariat, organisation=org_a, acronym="ACOPEA-ET", website="https://acopea.example")
    entry = AuditEntry.objects.filter(action="organisation.updated").get()
    assert entry.actor == secretariat
    assert entry.actor_label == secretariat.email
    assert entry.target_id == str(org_a.pk)
    assert entry.changes == {
        "acronym": ["ACOPEA", "ACOPEA-ET"],
        "website": ["", "https://acopea.example"],
    }


def test_the_audit_trail_refuses_to_be_edited_or_deleted(secretariat, org_a):
    organisation_update(actor=secretariat, organisation=org_a, acronym="X")
    entry = AuditEntry.objects.latest("id")
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "organisation.updated"


def test_only_the_secretariat_browses_the_audit_trail(ladder):
    ladder("get", reverse("core:audit_log"), {
        "secretariat": 200, "focal_point": 403, "stakeholder": 403, "anonymous": 302,
    })


def test_the_audit_trail_filters_by_user_and_by_record(client, secretariat, focal_point, org_a, org_b):
    organisation_update(actor=secretariat, organisation=org_a, acronym="A1")
    organisation_update(actor=focal_point, organisation=org_a, acronym="A2")
    organisation_update(actor=secretariat, organisation=org_b, acronym="B1")
    client.force_login(secretariat)
    by_user = client.get(reverse("core:audit_log"), {"actor": focal_point.pk}).context["page"].items
    assert [e.changes["acronym"][1] for e in by_user] == ["A2"]
    entry = AuditEntry.objects.filter(target_id=str(org_b.pk), action="organisation.updated").get()
    by_record = client.get(
        reverse("core:audit_log"), {"target_type": entry.target_type_id, "target_id": org_b.pk}
    ).context["page"].items
    assert {e.target_id for e in by_record} == {str(org_b.pk)}


def test_the_audit_trail_paginates_with_a_cursor(client, secretariat, org_a):
    for i in range(55):
        organisation_update(actor=secretariat, organisation=org_a, acronym=f"A{i}")
    client.force_login(secretariat)
    first = client.get(reverse("core:audit_log"), {"action": "organisation.updated"}).context["page"]
    assert len(first.items) == 50 and first.next_cursor
    second = client.get(reverse("core:audit_log"), {"action": "organisation.updated", "after": first.next_cursor})
    items = second.context["page"].items
    assert len(items) == 5
    assert not {e.pk for e in items} & {e.pk for e in first.items}


def test_entries_for_a_bulk_insert_are_the_ones_record_writes(secretariat, org_a, org_b):
    from tutela.core import audit

    recorded = audit.record(actor=secretariat, action="organisation.checked", target=org_a, changes={"x": [1, 2]})
    built = [audit.entry(actor=secretariat, action="organisation.checked", target=o, changes={"x": [1, 2]})
             for o in (org_a, org_b)]
    AuditEntry.objects.bulk_create(built)
    fields = ["actor_id", "actor_label", "action", "target_type_id", "target_id", "target_label", "changes"]
    rows = list(AuditEntry.objects.filter(action="organisation.checked").order_by("id").values(*fields))
    assert rows[0] == rows[1] == {f: getattr(recorded, f) for f in fields}
    assert rows[2]["target_id"] == str(org_b.pk)
