"""The disposition page: the paragraph beside each comment, no pre-selected decision, the
rationale kept after an error, and a near-duplicate group decided at once."""

import re

import pytest
from django.urls import reverse

from tutela.consultations import services
from tutela.consultations.models import Comment
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _published(submit, secretariat, text, key, **kwargs):
    comment = submit(text, submission_key=key, **kwargs)
    services.comment_moderate(actor=secretariat, comment=comment, action=Comment.Status.PUBLISHED)
    return comment


def test_the_page_shows_the_paragraph_beside_the_comment_and_preselects_no_decision(
    client, secretariat, submit, consultation, paragraphs,
):
    comment = _published(submit, secretariat, "Name a deputy.", "a")
    client.force_login(secretariat)
    page = client.get(reverse("consultations:dispositions", args=[consultation.pk])).content.decode()
    assert paragraphs["1"].text in page and "Name a deputy." in page
    select = re.search(rf'<select name="decision"[^>]*id="c{comment.pk}_decision"[^>]*>(.*?)</select>', page, re.S)
    assert select and re.findall(r'<option value="([^"]*)" selected', select.group(1)) == [""]


def test_no_decision_is_refused_clearly_and_the_rationale_is_kept(client, secretariat, submit, consultation):
    comment = _published(submit, secretariat, "Name a deputy.", "a")
    client.force_login(secretariat)
    url = reverse("consultations:dispositions", args=[consultation.pk])
    response = client.post(url, {"comments": comment.pk, "decision": "", "rationale": "Small firms need this."})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose a decision." in page and "Small firms need this." in page
    assert Comment.objects.get().disposition is None
    # an error from the service (a paragraph that does not exist) keeps it too
    response = client.post(url, {"comments": comment.pk, "decision": "accepted", "rationale": "Kept, this too.",
                                 "resulting": "99"})
    assert response.status_code == 422 and "Kept, this too." in response.content.decode()
    assert Comment.objects.get().disposition is None


def test_a_near_duplicate_group_is_decided_at_once_by_one_audited_call(
    client, secretariat, submit, consultation, stakeholder, focal_point,
):
    letter = "Please make age verification mandatory on every social network, and require parental consent."
    members = [_published(submit, secretariat, letter + extra, f"l{i}", actor=actor)
               for i, (extra, actor) in enumerate([("", stakeholder), (" Thank you.", focal_point)])]
    other = _published(submit, secretariat, "Something else entirely about deputies.", "o")
    services.comments_group(actor=secretariat, consultation=consultation)
    group = consultation.comment_groups.get()
    client.force_login(secretariat)
    url = reverse("consultations:dispositions", args=[consultation.pk])
    page = client.get(url).content.decode()
    assert "Decide the whole group" in page
    before = AuditEntry.objects.filter(action="disposition.recorded").count()
    response = client.post(url, {"group": group.pk, "decision": "not_accepted", "rationale": "Set by national law."})
    assert response.status_code == 302
    decided = {c.pk: c.disposition for c in Comment.objects.select_related("disposition")}
    assert decided[members[0].pk] == decided[members[1].pk] and decided[members[0].pk].decision == "not_accepted"
    assert decided[other.pk] is None
    entries = AuditEntry.objects.filter(action="disposition.recorded")
    assert entries.count() == before + 1
    assert sorted(entries.latest("pk").changes["comments"][1]) == sorted(m.pk for m in members)
