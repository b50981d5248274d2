"""An activity's create and update are each one audit entry, with the fields and the related rows that changed."""

import pytest

from tutela.activities import services
from tutela.activities.services import Count
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_one_entry_holds_the_fields_and_the_related_rows_that_changed(make_activity, pillars, org_a, org_b, secretariat):
    activity = make_activity(title="Workshop on grooming", pillar_numbers=(4,),
                             participation=[Count(group="educators", count=20)])
    created = AuditEntry.objects.get(action="activity.created")
    assert created.changes["title"] == [None, "Workshop on grooming"]
    assert created.changes["pillars"] == [[], [pillars[4].pk]]
    assert created.changes["partners"] == [[], [[org_a.pk, "organiser"]]]

    services.activity_update(actor=secretariat, activity=activity, title="Workshop on online grooming",
                             pillars=[pillars[4], pillars[5]], partners=[(org_a, "organiser"), (org_b, "funder")],
                             participation=[Count(group="educators", count=25)])
    updated = AuditEntry.objects.get(action="activity.updated")
    assert updated.actor == secretariat
    assert updated.changes["title"] == ["Workshop on grooming", "Workshop on online grooming"]
    assert updated.changes["pillars"] == [[pillars[4].pk], sorted([pillars[4].pk, pillars[5].pk])]
    assert updated.changes["partners"][1] == sorted([[org_a.pk, "organiser"], [org_b.pk, "funder"]])
    assert "participation" in updated.changes

    # Nothing changed, nothing claimed: the same values again give an entry without changes.
    services.activity_update(actor=secretariat, activity=activity, title="Workshop on online grooming")
    assert AuditEntry.objects.filter(action="activity.updated").order_by("-id")[0].changes == {}
