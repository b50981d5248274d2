"""The workspace: per role, counts and lists of what waits, each linked to where to act; counts
respect access and stay a fixed number of queries however many records wait."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tutela.activities.services import activity_create
from tutela.consultations import services as consultations
from tutela.exchange.models import ImportJob
from tutela.initiatives.models import Initiative, Pillar
from tutela.partners.services import agreement_create, commitment_add
from tutela.reports.services import report_create

pytestmark = pytest.mark.django_db

TEXT = "# Scope\n\nCompanies name a person responsible for child protection.\n\nThey review it yearly.\n"
DETAILS = {"stakeholder_type": "civil_society", "organisation_name": "Safe Kids", "country": "KE"}


@pytest.fixture
def consultation(secretariat, org_a):
    document = consultations.document_create(actor=secretariat, title="Guidelines for Parents", audience="parents_educators",
                                             edition="2026", owner_organisation=org_a)
    version = consultations.version_import(actor=secretariat, document=document, label="Draft 1", source=TEXT, publish=True)
    now = timezone.now()
    return consultations.consultation_create(actor=secretariat, version=version, title="Parents consultation",
                                             code="PAR26", opens_at=now - timedelta(days=1),
                                             closes_at=now + timedelta(days=10))


def _comment(consultation, actor, text):
    paragraph = consultation.version.paragraphs.filter(kind="paragraph").first()
    return consultations.comment_submit(consultation=consultation, actor=actor, text=text,
                                        paragraph_id=paragraph.pk, details=DETAILS)


def _waiting(secretariat, focal_point, org_a, org_b, consultation, stakeholder, n):
    """``n`` of each kind of work for the secretariat."""
    pillar = Pillar.objects.first()
    for i in range(n):
        _comment(consultation, stakeholder, f"Comment number {i} on the scope, with enough words to stand alone.")
        activity_create(actor=focal_point, title=f"Submitted workshop {i}", kind="workshop", starts_on=date(2026, 3, 1),
                        pillars=[pillar], partners=[(org_a, "organiser")])
        ImportJob.objects.create(kind="activities", file_format="csv", original_name=f"broken-{i}.csv",
                                 status=ImportJob.Status.FAILED, created_by=secretariat)
        agreement = agreement_create(actor=secretariat, title=f"MoU {i}", parties=[org_a, org_b])
        commitment_add(actor=secretariat, agreement=agreement, text=f"Quarterly report {i}", cadence="quarterly",
                       next_due_on=timezone.localdate() - timedelta(days=10 + i), responsible=[org_a])
        report_create(actor=secretariat, title=f"Progress report {i}", initiative=Initiative.objects.first(),
                      period_start=date(2026, 1, 1), period_end=date(2026, 6, 30))


@pytest.fixture
def initiative(db):
    return Initiative.objects.create(name="COP Global Initiative")


def _section(html, key):
    start = html.index(f'id="work-{key}"')
    return html[start:html.index("</section>", start)]


def test_the_secretariat_sees_each_kind_of_waiting_work_counted_and_linked(
        client, secretariat, focal_point, org_a, org_b, consultation, stakeholder, initiative):
    _waiting(secretariat, focal_point, org_a, org_b, consultation, stakeholder, 2)
    client.force_login(secretariat)
    html = client.get(reverse("home:workspace")).content.decode()
    moderate = _section(html, "moderate")
    assert ">2</span>" in moderate and reverse("consultations:moderation", args=[consultation.pk]) in moderate
    decide = _section(html, "decide")
    assert ">2</span>" in decide and reverse("consultations:dispositions", args=[consultation.pk]) in decide
    review = _section(html, "review")
    assert ">2</span>" in review and reverse("core:review_queue") in review
    imports = _section(html, "imports")
    assert ">2</span>" in imports and "broken-1.csv" in imports
    job = ImportJob.objects.filter(original_name="broken-0.csv").get()
    assert reverse("exchange:job", args=[job.pk]) in imports
    commitments = _section(html, "commitments")
    assert ">2</span>" in commitments and "Quarterly report 1" in commitments
    reports = _section(html, "reports")
    assert ">2</span>" in reports and "Progress report 0" in reports
    assert "No reply is owed." in _section(html, "replies")


def test_the_workspace_costs_the_same_number_of_queries_for_one_or_many_waiting(
        client, secretariat, focal_point, org_a, org_b, consultation, stakeholder, initiative,
        django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(secretariat)
    _waiting(secretariat, focal_point, org_a, org_b, consultation, stakeholder, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home:workspace"))
    _waiting(secretariat, focal_point, org_a, org_b, consultation, stakeholder, 7)  # more than a section lists
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("home:workspace")).content.decode()
    assert ">8</span>" in _section(html, "imports") and "The first 5 of 8." in _section(html, "imports")
    # Past five rows a section adds one COUNT; nothing grows with the number of records.
    assert len(many.captured_queries) <= len(one.captured_queries) + 6
    assert len(many.captured_queries) < 40


def test_a_focal_point_sees_their_organisations_records_drafts_and_due_commitments_only(
        client, secretariat, focal_point, other_focal_point, org_a, org_b):
    pillar = Pillar.objects.first()
    activity_create(actor=focal_point, title="Our submitted workshop", kind="workshop", starts_on=date(2026, 3, 1),
                    pillars=[pillar], partners=[(org_a, "organiser")])
    activity_create(actor=other_focal_point, title="Their submitted workshop", kind="workshop",
                    starts_on=date(2026, 3, 1), pillars=[pillar], partners=[(org_b, "organiser")])
    ours = agreement_create(actor=secretariat, title="MoU A–B", parties=[org_a, org_b])
    commitment_add(actor=secretariat, agreement=ours, text="Share the helpline data", cadence="yearly",
                   next_due_on=timezone.localdate() + timedelta(days=5), responsible=[org_a])
    commitment_add(actor=secretariat, agreement=ours, text="Due next year", cadence="yearly",
                   next_due_on=timezone.localdate() + timedelta(days=300), responsible=[org_a])
    client.force_login(focal_point)
    html = client.get(reverse("home:workspace")).content.decode()
    drafts = _section(html, "drafts")
    assert "Our submitted workshop" in drafts and "waiting for review" in drafts
    assert "Their submitted workshop" not in html
    due = _section(html, "commitments")
    assert "Share the helpline data" in due and "Due next year" not in due
    records = _section(html, "records")
    assert org_a.name in records and reverse("partners:my_records") in records
    assert 'id="work-moderate"' not in html  # nothing to moderate: the section is left out
    client.force_login(other_focal_point)
    other = client.get(reverse("home:workspace")).content.decode()
    assert "Our submitted workshop" not in other and "Their submitted workshop" in other


def test_a_stakeholder_sees_their_own_comments_with_their_receipts(client, stakeholder, secretariat, consultation):
    from tutela.accounts.services import user_create

    mine = _comment(consultation, stakeholder, "My comment on the scope paragraph, please name a deputy.")
    someone = user_create(actor=None, email="other@example.org", password="x-Long-enough-1", role="stakeholder",
                          full_name="Other")
    theirs = _comment(consultation, someone, "Another reader's comment on the same paragraph of the scope.")
    client.force_login(stakeholder)
    html = client.get(reverse("home:workspace")).content.decode()
    section = _section(html, "comments")
    assert mine.receipt in section and reverse("consultations:receipt", args=[mine.receipt]) in section
    assert theirs.receipt not in html
    assert "Parents consultation" in section


def test_workspace_for_anonymous_sends_to_sign_in(client):
    response = client.get(reverse("home:workspace"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
