"""The demo tells the whole chain: draft, consultation, comments, decisions, report, final text."""

import pytest

from tutela.consultations import demo, selectors
from tutela.consultations.models import Comment

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_draft_a_final_version_and_a_published_report(secretariat, secretariat_org):
    context = {"actor": secretariat, "organisations": {"itu": secretariat_org}}
    demo.load(context)
    consultation = context["consultations"]["industry_guidelines_2014"]
    draft, final = context["guideline_versions"]["draft"], context["guideline_versions"]["final"]
    assert consultation.status == "report_published"
    assert not Comment.objects.exclude(status="spam").filter(disposition__isnull=True).exists()
    assert Comment.objects.filter(is_illustrative=False).count() == 0
    sections = draft.paragraphs.filter(kind="section").values_list("text", flat=True)
    assert "Mobile operators" in sections and len(sections) == 2 + 5 + 6
    group = consultation.comment_groups.get()
    assert group.size == 5
    rows = [r for r in selectors.version_diff(draft, final) if r.changes]
    kinds = {c for r in rows for c in r.changes}
    assert {"edited", "new", "deleted", "moved"} <= kinds
    assert all(r.comments for r in rows if "edited" in r.changes or "new" in r.changes)
    assert "comments:" in final.change_log and final.is_published
    assert len(consultation.report.synopsis["changes"]) >= 6


def test_an_extended_sentence_keeps_its_identity(secretariat, secretariat_org):
    context = {"actor": secretariat, "organisations": {"itu": secretariat_org}}
    demo.load(context)
    draft, final = context["guideline_versions"]["draft"], context["guideline_versions"]["final"]
    old = draft.paragraphs.get(text="Give customers optional filtering tools.")
    new = final.paragraphs.get(anchor=old.anchor)
    assert new.text.startswith("Give customers optional filtering tools and explain their limits")


def test_the_demo_has_one_consultation_open_for_comment_whenever_it_is_loaded(secretariat, secretariat_org, client):
    from django.urls import reverse

    from tutela.consultations.models import Consultation

    demo.load({"actor": secretariat, "organisations": {"itu": secretariat_org}})
    open_now = [c for c in Consultation.objects.all() if c.is_open()]
    assert len(open_now) == 1
    review = open_now[0]
    assert review.allow_public and review.is_published and review.is_illustrative
    # the 2014 story keeps its dates and its published report
    assert Consultation.objects.get(code="COPIG14").status == "report_published"
    page = client.get(reverse("consultations:read", args=[review.pk]))
    assert page.status_code == 200 and "confirm your e-mail address" in page.content.decode()
