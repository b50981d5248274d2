"""Issue 15 item 5: a focal point's activity or figure is submitted until the secretariat publishes it or
returns it with a reason; a published record shows who validated it. Through the pages a user uses."""

from datetime import date

import pytest
from django.urls import reverse

from tutela.activities.models import Activity
from tutela.activities.services import activity_create, activity_update
from tutela.core.models import AuditEntry, ReviewDecision
from tutela.figures import services as figures
from tutela.initiatives.models import Pillar

pytestmark = pytest.mark.django_db


def _submitted(focal_point, org_a, title="Helpline training in Addis"):
    return activity_create(
        actor=focal_point,
        title=title,
        kind="workshop",
        starts_on=date(2026, 3, 1),
        pillars=[Pillar.objects.first()],
        partners=[(org_a, "organiser")],
    )


def _return(client, obj, reason):
    return client.post(
        reverse("core:review_return", args=[obj._meta.label_lower, obj.pk]), {"reason": reason}, follow=True
    )


def test_a_return_without_a_reason_is_refused_with_a_sentence_and_changes_nothing(
    client, secretariat, focal_point, org_a
):
    activity = _submitted(focal_point, org_a)
    client.force_login(secretariat)
    page = _return(client, activity, "   ").content.decode()
    assert "Say why the record is returned" in page
    activity.refresh_from_db()
    assert activity.awaiting_review and not activity.is_published
    assert not ReviewDecision.objects.exists()
    assert not AuditEntry.objects.filter(action="activity.returned").exists()


def test_a_returned_activity_shows_its_reason_to_its_organisation_and_is_submitted_again_when_changed(
    client, secretariat, focal_point, other_focal_point, org_a
):
    activity = _submitted(focal_point, org_a)
    queue = reverse("core:review_queue")
    client.force_login(secretariat)
    assert (
        reverse("core:review_return", args=["activities.activity", activity.pk])
        in client.get(queue).content.decode()
    )
    page = _return(client, activity, "Give the city and the number of participants.").content.decode()
    assert "Returned to its organisation" in page
    activity.refresh_from_db()
    assert not activity.awaiting_review and not activity.is_published
    assert activity.title not in client.get(queue).content.decode()  # it left the queue
    entry = AuditEntry.objects.get(action="activity.returned")
    assert (
        entry.actor == secretariat
        and entry.changes["reason"] == "Give the city and the number of participants."
    )
    detail = reverse("activities:activity_detail", args=[activity.pk])
    # Its organisation reads why, on the record and in the workspace.
    client.force_login(focal_point)
    html = client.get(detail).content.decode()
    assert "Returned by the secretariat" in html and "Give the city and the number of participants." in html
    work = client.get(reverse("home:workspace")).content.decode()
    assert "returned: Give the city and the number of participants." in work
    # Nobody else can read it at all.
    client.force_login(other_focal_point)
    assert client.get(detail).status_code == 404
    # Changed: submitted again; the old reason no longer shows.
    activity_update(actor=focal_point, activity=activity, city="Addis Ababa")
    activity.refresh_from_db()
    assert activity.awaiting_review
    client.force_login(focal_point)
    html = client.get(detail).content.decode()
    assert "Give the city" not in html
    assert "submitted: waiting for review" in client.get(reverse("home:workspace")).content.decode()


def test_only_a_waiting_record_can_be_returned(client, secretariat, focal_point, org_a):
    activity = _submitted(focal_point, org_a)
    client.force_login(secretariat)
    client.post(reverse("core:review_publish", args=["activities.activity", activity.pk]))
    page = _return(client, activity, "Too late").content.decode()
    assert "Only a record waiting for review can be returned" in page
    activity.refresh_from_db()
    assert activity.is_published


def test_a_published_activity_shows_who_validated_it_to_the_public(client, secretariat, focal_point, org_a):
    activity = _submitted(focal_point, org_a)
    client.force_login(secretariat)
    _return(client, activity, "Add the city.")
    activity_update(actor=focal_point, activity=activity, city="Addis Ababa")
    client.post(reverse("core:review_publish", args=["activities.activity", activity.pk]))
    client.logout()
    html = client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    assert f"Validated by {secretariat.full_name} (secretariat)" in html
    assert "Add the city." not in html and secretariat.email not in html
    # Unpublished again: the validation no longer holds and is not claimed.
    Activity.objects.filter(pk=activity.pk).update(is_published=False)
    client.force_login(focal_point)
    assert (
        "Validated by"
        not in client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    )


def test_a_figure_is_returned_and_validated_the_same_way(client, secretariat, focal_point, org_a):
    indicator = figures.indicator_get_or_create(code="sessions-held", name="Sessions held", unit="sessions")
    figure = figures.figure_create(
        actor=focal_point,
        indicator=indicator,
        value=12,
        kind="counted",
        source="Log book",
        as_of=date(2026, 1, 31),
        owner_organisation=org_a,
    )
    assert figure.awaiting_review
    detail = reverse("figures:figure_detail", args=[figure.pk])
    client.force_login(secretariat)
    assert (
        reverse("core:review_return", args=["figures.figure", figure.pk])
        in client.get(detail).content.decode()
    )
    _return(client, figure, "Which year does the log book cover?")
    client.force_login(focal_point)
    assert "Which year does the log book cover?" in client.get(detail).content.decode()
    figures.figure_update(actor=focal_point, figure=figure, source="Log book 2025")
    client.force_login(secretariat)
    client.post(reverse("core:review_publish", args=["figures.figure", figure.pk]))
    client.logout()
    html = client.get(detail).content.decode()
    assert "Validated by" in html and secretariat.full_name in html
