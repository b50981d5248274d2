"""Guideline documents and versions move through their transition tables (core.lifecycle): buttons for
the allowed moves only, a confirmation before an irreversible one, a forbidden jump refused with why."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tutela.consultations import services
from tutela.consultations.models import DOCUMENT_LIFECYCLE, VERSION_LIFECYCLE, GuidelineVersion
from tutela.core.models import AuditEntry

from .conftest import DRAFT

pytestmark = pytest.mark.django_db

WRITERS = {"anonymous": 302, "stakeholder": 403, "other_focal_point": 403}


@pytest.fixture
def unpublished(secretariat, document):
    return services.version_import(actor=secretariat, document=document, label="Draft 2", source=DRAFT)


def test_move_pages_ladder(ladder, unpublished, document):
    ladder(
        "post",
        reverse("consultations:version_move", args=[unpublished.pk]),
        {"anonymous": 302, "stakeholder": 404, "other_focal_point": 404},
        data={"state": "published"},
    )
    ladder(
        "post",
        reverse("consultations:document_move", args=[document.pk]),
        WRITERS,
        data={"state": "withdrawn"},
    )
    unpublished.refresh_from_db()
    assert not unpublished.is_published and document.versions.count() == 1


def test_a_version_page_shows_only_the_allowed_moves(client, focal_point, unpublished, draft):
    client.force_login(focal_point)
    page = client.get(reverse("consultations:version", args=[unpublished.pk])).content.decode()
    assert "Not published" in page and "Publish as a draft" in page and "Publish as the final text…" in page
    page = client.get(reverse("consultations:version", args=[draft.pk])).content.decode()
    assert "Adopt as the final text…" in page and "Publish as a draft" not in page
    client.logout()
    public = client.get(reverse("consultations:version", args=[draft.pk])).content.decode()
    assert "Adopt as the final text" not in public


def test_an_allowed_move_publishes_a_draft_at_once_and_is_audited(client, focal_point, unpublished):
    client.force_login(focal_point)
    url = reverse("consultations:version_move", args=[unpublished.pk])
    response = client.post(url, {"state": "published"})
    assert response.status_code == 302
    unpublished.refresh_from_db()
    assert unpublished.state == "published" and unpublished.is_published and unpublished.stage == "draft"
    entry = AuditEntry.objects.get(action="guideline_version.moved", target_id=str(unpublished.pk))
    assert entry.changes["is_published"] == [False, True] and entry.actor == focal_point
    assert "It is now Published draft." in client.get(response["Location"]).content.decode()


def test_a_forbidden_jump_is_refused_with_a_sentence_saying_why(client, secretariat, draft):
    client.force_login(secretariat)
    response = client.post(
        reverse("consultations:version_move", args=[draft.pk]), {"state": "unpublished"}, follow=True
    )
    page = response.content.decode()
    assert (
        "This guideline version is Published draft: it cannot become Not published directly; "
        "from Published draft it can only become Final."
    ) in page
    draft.refresh_from_db()
    assert draft.is_published
    with pytest.raises(ValidationError) as caught:
        services.version_move(actor=secretariat, version=draft, state="draft")
    assert "is not a stage of this guideline version" in caught.value.message_dict["state"][0]
    assert not AuditEntry.objects.filter(action="guideline_version.moved").exists()


def test_adopting_the_final_text_asks_for_confirmation_then_cannot_be_undone(client, secretariat, draft):
    client.force_login(secretariat)
    url = reverse("consultations:version_move", args=[draft.pk])
    confirm = client.post(url, {"state": "final"})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert (
        "This cannot be undone" in page
        and 'name="confirm" value="1"' in page
        and "Yes: Adopt as the final text" in page
    )
    draft.refresh_from_db()
    assert draft.stage == GuidelineVersion.Stage.DRAFT  # nothing happened yet
    assert client.post(url, {"state": "final", "confirm": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == "final" and draft.stage == "final"
    assert VERSION_LIFECYCLE.moves("final") == []
    refused = client.post(url, {"state": "published", "confirm": "1"}, follow=True).content.decode()
    assert "This guideline version is Final, which is final: it cannot become Published draft." in refused


def test_the_old_publish_button_still_publishes_by_the_stage(secretariat, unpublished):
    services.version_publish(actor=secretariat, version=unpublished)
    unpublished.refresh_from_db()
    assert unpublished.state == "published"


def test_a_document_is_published_then_withdrawn_after_confirmation(client, secretariat, org_a):
    document = services.document_create(
        actor=secretariat,
        title="Guidelines for Parents",
        audience="parents_educators",
        edition="2016",
        owner_organisation=org_a,
        is_published=False,
    )
    version = services.version_import(
        actor=secretariat, document=document, label="Draft 1", source=DRAFT, publish=True
    )
    client.force_login(secretariat)
    page = client.get(reverse("consultations:document", args=[document.pk])).content.decode()
    assert "Draft (not public)" in page and ">Publish<" in page and "Withdraw" not in page
    url = reverse("consultations:document_move", args=[document.pk])
    refused = client.post(url, {"state": "withdrawn", "confirm": "1"}, follow=True).content.decode()
    assert (
        "it cannot become Withdrawn directly; from Draft (not public) it can only become Published."
        in refused
    )
    assert client.post(url, {"state": "published"}).status_code == 302
    document.refresh_from_db()
    assert document.state == "published" and document.is_published
    confirm = client.post(url, {"state": "withdrawn"})
    assert (
        confirm.status_code == 200 and "no consultation can be opened on it again" in confirm.content.decode()
    )
    assert client.post(url, {"state": "withdrawn", "confirm": "1"}).status_code == 302
    document.refresh_from_db()
    assert document.state == "withdrawn" and document.is_published  # still readable, marked
    client.logout()
    public = client.get(reverse("consultations:document", args=[document.pk])).content.decode()
    assert "This document was withdrawn on" in public
    assert [
        e.action
        for e in AuditEntry.objects.filter(
            target_id=str(document.pk), action__startswith="guideline_document."
        ).order_by("pk")
    ] == ["guideline_document.created", "guideline_document.moved", "guideline_document.moved"]
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        services.consultation_create(
            actor=secretariat,
            version=version,
            title="Too late",
            code="GP16",
            opens_at=now,
            closes_at=now + timedelta(days=5),
        )
    assert "is withdrawn" in caught.value.message_dict["version"][0]
    assert DOCUMENT_LIFECYCLE.moves("withdrawn") == []


def test_a_document_with_an_open_consultation_is_not_withdrawn(secretariat, document, consultation):
    with pytest.raises(ValidationError) as caught:
        services.document_move(actor=secretariat, document=document, state="withdrawn")
    assert "close it before withdrawing" in caught.value.message_dict["state"][0]
    document.refresh_from_db()
    assert document.withdrawn_at is None
