"""Near-duplicate groups through the pages and the API: found on request, moderated and decided
as a whole campaign, shown once with their size."""

import pytest
from django.urls import reverse

from tutela.accounts.services import api_token_create
from tutela.consultations import selectors, services
from tutela.consultations.models import Comment, ModerationAction

pytestmark = pytest.mark.django_db

LETTER = ("Internet service providers must block all harmful content by default and let adults opt out "
          "after proving their age.")


@pytest.fixture
def campaign(submit, consultation, stakeholder, other_focal_point):
    letters = [submit(LETTER, submission_key=f"k{i}") for i in range(4)]
    letters.append(submit(LETTER + " Thank you.", submission_key="v", actor=other_focal_point))
    single = submit("The checklist for broadcasters should mention live streaming.", submission_key="o")
    return letters, single


def test_moderators_find_groups_and_publish_a_whole_campaign_from_the_queue(client, focal_point, consultation,
                                                                            campaign):
    letters, single = campaign
    client.force_login(focal_point)
    url = reverse("consultations:moderation", args=[consultation.pk])
    found = client.post(url, {"regroup": "1"}, follow=True)
    assert "Found 1 group(s) of near-identical comments." in found.content.decode()
    page = client.get(url).content.decode()
    assert "5 comments awaiting moderation in this group" in page and "(5 in all)" in page
    assert single.receipt in page and letters[1].receipt not in page  # members are not listed one by one
    group = consultation.comment_groups.get()
    decided = client.post(url, {"group": group.pk, "action": "published"}, follow=True)
    assert "5 comments in the group decided." in decided.content.decode()
    assert set(Comment.objects.filter(pk__in=[c.pk for c in letters]).values_list("status", flat=True)) == {"published"}
    assert Comment.objects.get(pk=single.pk).status == "pending"
    assert ModerationAction.objects.filter(comment__in=letters, action="published").count() == 5
    assert "in this group" not in client.get(url).content.decode()


def test_the_disposition_workspace_decides_a_whole_group_at_once(client, focal_point, secretariat, consultation,
                                                                campaign):
    letters, single = campaign
    services.comments_group(actor=secretariat, consultation=consultation)
    group = consultation.comment_groups.get()
    client.force_login(focal_point)
    url = reverse("consultations:dispositions", args=[consultation.pk])
    page = client.get(url).content.decode()
    assert "Group of 5 near-identical comments" in page and "in a group of 5" in page
    response = client.post(url, {"group": group.pk, "decision": "not_accepted",
                                 "rationale": "Blocking by default is outside the guideline's reach."}, follow=True)
    assert "Decision recorded for 5 comment(s)." in response.content.decode()
    decisions = set(Comment.objects.filter(pk__in=[c.pk for c in letters]).values_list("disposition__decision",
                                                                                         flat=True))
    assert decisions == {"not_accepted"}
    assert Comment.objects.get(pk=single.pk).disposition is None
    assert selectors.undecided_groups(consultation) == []
    assert "Undecided groups" not in client.get(url).content.decode()


def test_the_api_shows_each_comments_group_and_decides_a_group(client, secretariat, other_focal_point, draft,
                                                              consultation, campaign):
    from datetime import timedelta

    from django.utils import timezone

    letters, single = campaign
    services.comments_group(actor=secretariat, consultation=consultation)
    group = consultation.comment_groups.get()
    services.comment_group_moderate(actor=secretariat, group=group, action="published")
    services.comment_moderate(actor=secretariat, comment=single, action="published")
    items = client.get(f"/api/v1/consultations/{consultation.pk}/comments").json()["items"]
    assert {i["id"]: i["group_id"] for i in items} == {**{c.pk: group.pk for c in letters}, single.pk: None}
    _token, key = api_token_create(actor=secretariat, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    url = f"/api/v1/consultations/{consultation.pk}/dispositions"
    made = client.post(url, {"group_id": group.pk, "decision": "noted", "rationale": "Left to national law."},
                       content_type="application/json", **auth)
    assert made.status_code == 201, made.content
    assert sorted(made.json()["comment_receipts"]) == sorted(c.receipt for c in letters)
    now = timezone.now()
    other = services.consultation_create(actor=secretariat, version=draft, title="Other", code="OTHER",
                                         opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
    foreign = client.post(f"/api/v1/consultations/{other.pk}/dispositions",
                          {"group_id": group.pk, "decision": "noted", "rationale": "No."},
                          content_type="application/json", **auth)
    assert foreign.status_code == 404  # a group of another consultation


def test_a_comment_marked_spam_leaves_its_group_and_a_new_copy_joins_it(secretariat, submit, consultation, campaign):
    letters, _single = campaign
    services.comments_group(actor=secretariat, consultation=consultation)
    group = consultation.comment_groups.get()
    services.comment_moderate(actor=secretariat, comment=letters[2], action="spam")
    late = submit(LETTER, submission_key="late")
    assert services.comments_group(actor=secretariat, consultation=consultation) == 1
    group.refresh_from_db()  # the earliest comment is unchanged: same group
    assert group.size == 5
    assert selectors.group_comment_ids(group) == sorted([*(c.pk for c in letters if c != letters[2]), late.pk])


def _membership_constraints() -> dict[str, str]:
    from django.db import connection

    from tutela.consultations.models import CommentGroupMember

    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, CommentGroupMember._meta.db_table)
    return {c["columns"][0]: c["foreign_key"][0] for c in found.values() if c["foreign_key"]}


def test_the_group_membership_table_has_its_foreign_keys():
    assert _membership_constraints() == {"comment_id": "consultations_comment", "group_id": "consultations_commentgroup"}


@pytest.mark.django_db(transaction=True)
def test_a_membership_of_a_comment_or_group_that_does_not_exist_is_refused_at_commit(secretariat, submit, consultation,
                                                                                  campaign):
    from django.db import IntegrityError, transaction

    from tutela.consultations.models import CommentGroup, CommentGroupMember

    letters, single = campaign
    services.comments_group(actor=secretariat, consultation=consultation)
    group = consultation.comment_groups.get()
    missing_comment = Comment.objects.order_by("-pk").first().pk + 1000
    missing_group = CommentGroup.objects.order_by("-pk").first().pk + 1000
    for comment_id, group_id in ((missing_comment, group.pk), (single.pk, missing_group)):
        with pytest.raises(IntegrityError), transaction.atomic():
            CommentGroupMember.objects.create(comment_id=comment_id, group_id=group_id)  # checked at commit
    assert CommentGroupMember.objects.filter(group=group).count() == 5
    assert not CommentGroupMember.objects.filter(comment_id=single.pk).exists()
