"""Moderation, near-duplicate groups, dispositions and the report gate."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tutela.consultations import selectors, services
from tutela.consultations.models import Comment, ModerationAction
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db

LETTER = ("We urge the drafters to require age verification on every social network and to make "
          "parental consent mandatory for all users under sixteen years of age.")


def test_hiding_needs_a_reason_and_every_action_is_logged(secretariat, submit):
    comment = submit()
    with pytest.raises(ValidationError, match="Say why"):
        services.comment_moderate(actor=secretariat, comment=comment, action="hidden")
    services.comment_moderate(actor=secretariat, comment=comment, action="hidden", reason="Contains a phone number")
    services.comment_moderate(actor=secretariat, comment=comment, action="published")
    log = list(ModerationAction.objects.filter(comment=comment).order_by("id").values_list("action", "reason"))
    assert log == [("hidden", "Contains a phone number"), ("published", "")]


def test_another_organisations_focal_point_cannot_moderate(other_focal_point, focal_point, submit):
    comment = submit()
    with pytest.raises(PermissionDenied):
        services.comment_moderate(actor=other_focal_point, comment=comment, action="published")
    services.comment_moderate(actor=focal_point, comment=comment, action="published")  # org A owns the document


def test_form_letters_are_grouped_and_decided_at_once(secretariat, submit, consultation):
    campaign = [submit(LETTER, submission_key=f"k{i}") for i in range(5)]
    variant = submit(LETTER.replace("every social network", "every single social network") + " Thank you.",
                     submission_key="v")
    other = submit("The checklist for broadcasters should mention live streaming.", submission_key="o")
    assert services.comments_group(actor=secretariat, consultation=consultation) == 1
    group = consultation.comment_groups.get()
    assert group.size == 6
    assert selectors.group_comment_ids(group) == sorted(c.pk for c in [*campaign, variant])
    groups, singles = selectors.moderation_queue(consultation)
    assert [g.pending for g in groups] == [6] and [c.pk for c in singles] == [other.pk]
    assert services.comment_group_moderate(actor=secretariat, group=group, action="published") == 6
    d = services.disposition_record(
        actor=secretariat, consultation=consultation, comment_ids=selectors.group_comment_ids(group),
        decision="noted", rationale="Age verification is left to national law.",
    )
    assert d.comments.count() == 6


def test_a_disposition_on_a_comment_of_another_consultation_is_refused(secretariat, draft, submit, consultation):
    from django.utils import timezone

    now = timezone.now()
    second = services.consultation_create(actor=secretariat, version=draft, title="Other", code="OTHER",
                                          opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1))
    foreign = submit("Elsewhere", consultation=second)
    with pytest.raises(ValidationError) as exc:
        services.disposition_record(actor=secretariat, consultation=consultation, comment_ids=[foreign.pk],
                                    decision="accepted", rationale="Yes")
    assert f"Comment(s) {foreign.pk} do not belong to this consultation" in str(exc.value)
    assert Comment.objects.get(pk=foreign.pk).disposition is None


def test_the_report_waits_for_the_window_moderation_and_a_decision_on_every_comment(secretariat, submit, consultation):
    kept = submit("Keep")
    spam = submit("Buy cheap watches", submission_key="s")
    after = consultation.closes_at + timedelta(minutes=1)
    with pytest.raises(ValidationError) as exc:
        services.report_publish(actor=secretariat, consultation=consultation, summary="Done",
                                now=consultation.closes_at - timedelta(minutes=1))
    assert "still open until" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.report_publish(actor=secretariat, consultation=consultation, summary="Done", now=after)
    assert "2 comment(s) still await moderation" in str(exc.value)
    assert f"2 comment(s) still lack a decision (e.g. {kept.receipt}" in str(exc.value) or "lack a decision" in str(exc.value)
    services.comment_moderate(actor=secretariat, comment=spam, action="spam")
    services.comment_moderate(actor=secretariat, comment=kept, action="published")
    with pytest.raises(ValidationError, match="1 comment\\(s\\) still lack a decision"):
        services.report_publish(actor=secretariat, consultation=consultation, summary="Done", now=after)
    assert not hasattr(Comment.objects.get(pk=kept.pk).consultation, "report") or True
    services.disposition_record(actor=secretariat, consultation=consultation, comment_ids=[kept.pk],
                                decision="not_accepted", rationale="Out of the guideline's reach.")
    report = services.report_publish(actor=secretariat, consultation=consultation, summary="Done", now=after)
    assert report.published_at == after
    consultation.refresh_from_db()
    assert consultation.status == "report_published"
    assert report.synopsis["total_comments"] == 1 and report.synopsis["spam"] == 1
    assert report.synopsis["by_decision"] == [{"key": "not_accepted", "label": "Not accepted", "count": 1}]
    assert report.synopsis["contributors"] == ["Safe Kids"]


def test_synopsis_counts_by_type_country_paragraph_and_decision(secretariat, other_focal_point, submit, consultation, paragraphs):
    from .conftest import DETAILS

    submit("a", submission_key="1")
    submit("b", submission_key="2", paragraph_id=paragraphs["3"].pk)
    submit("c", submission_key="3", details={**DETAILS, "stakeholder_type": "industry", "country": "JP"}, actor=other_focal_point,
           paragraph_id=None)
    submit("d", submission_key="4", paragraph_id=paragraphs["s1"].pk, actor=other_focal_point,
           details={**DETAILS, "stakeholder_type": "industry", "country": "JP"})
    data = selectors.synopsis(consultation)
    assert data["total_comments"] == 4 and data["respondents"] == 2
    assert {r["key"]: r["count"] for r in data["by_stakeholder_type"]} == {"civil_society": 2, "industry": 2}
    assert {r["key"]: r["count"] for r in data["by_country"]} == {"KE": 2, "JP": 2}
    assert [(r["label"], r["count"]) for r in data["by_paragraph"]] == [
        ("Whole document", 1), ("§ 1", 1), ("¶ 1", 1), ("¶ 3", 1)]
    assert data["by_decision"] == [{"key": "", "label": "Undecided", "count": 4}]


def test_regrouping_writes_only_what_changed_and_follows_spam_and_new_comments(secretariat, submit, consultation):
    letter = "Please require parental consent for every user under sixteen on all social networks, without exception."
    first = [submit(letter, submission_key=f"a{i}") for i in range(3)]
    assert services.comments_group(actor=secretariat, consultation=consultation) == 1
    group = consultation.comment_groups.get()
    assert services.comments_group(actor=secretariat, consultation=consultation) == 1  # a re-run
    last = AuditEntry.objects.filter(action="consultation.grouped_duplicates").order_by("-id").first()
    assert last.changes["joined"] == last.changes["left"] == [None, 0]
    assert consultation.comment_groups.get().pk == group.pk
    services.comment_moderate(actor=secretariat, comment=first[0], action="spam")  # the representative goes
    late = submit(letter + " Thank you.", submission_key="late")
    assert services.comments_group(actor=secretariat, consultation=consultation) == 1
    regrouped = consultation.comment_groups.get()
    assert regrouped.pk != group.pk and regrouped.representative_id == first[1].pk and regrouped.size == 3
    assert selectors.group_comment_ids(regrouped) == [first[1].pk, first[2].pk, late.pk]
    last = AuditEntry.objects.filter(action="consultation.grouped_duplicates").order_by("-id").first()
    assert last.changes["left"] == [None, 3] and last.changes["joined"] == [None, 3]  # the group was rebuilt
