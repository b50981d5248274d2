"""A mandate has dated versions: each report cites the version in force on its meeting date, and a signed-off
report keeps the text it was signed with whatever is recorded later (issue 14 item 4)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tutela.core.models import AuditEntry
from tutela.initiatives.models import MandateVersion
from tutela.initiatives.services import initiative_create, initiative_update, mandate_version_add
from tutela.reports import rendering
from tutela.reports.services import report_create, report_draft, report_finalise

pytestmark = pytest.mark.django_db
OPENING = "In line with {mandate}, {lead} reports on the {initiative}."


@pytest.fixture
def initiative(secretariat, secretariat_org):
    initiative = initiative_create(
        actor=secretariat,
        name="Online Safety Initiative",
        lead_organisation=secretariat_org,
        mandate="Resolution 45 (Accra, 2012)",
    )
    mandate_version_add(
        actor=secretariat,
        initiative=initiative,
        citation="Resolution 45 (Rev. Lima, 2016)",
        in_force_from=date(2016, 11, 4),
        adopted_by="Regional Conference, Lima",
    )
    return initiative


def _report(secretariat, initiative, meeting_date, **fields):
    report = report_create(
        actor=secretariat,
        title=f"Update {meeting_date.year}",
        initiative=initiative,
        period_start=date(meeting_date.year - 1, 1, 1),
        period_end=date(meeting_date.year - 1, 12, 31),
        meeting_date=meeting_date,
        opening_template=OPENING,
        **fields,
    )
    report_draft(actor=secretariat, report=report)
    return report


def _opening(report):
    return rendering.document(report)["paragraphs"][0]["text"]


def test_reports_either_side_of_a_revision_cite_different_versions(secretariat, initiative):
    before = _report(secretariat, initiative, date(2016, 6, 20))
    on_the_day = _report(secretariat, initiative, date(2016, 11, 4))
    after = _report(secretariat, initiative, date(2017, 5, 2))
    assert (
        _opening(before)
        == "In line with Resolution 45 (Accra, 2012), ITU reports on the Online Safety Initiative."
    )
    assert "Resolution 45 (Rev. Lima, 2016)" in _opening(on_the_day)
    assert "Resolution 45 (Rev. Lima, 2016)" in _opening(after)
    # the sentence cites the version it quotes
    cited = {s["label"] for s in before.paragraphs.get(order=1).sentences[0]["sources"]}
    assert "Resolution 45 (Accra, 2012)" in cited and "Resolution 45 (Rev. Lima, 2016)" not in cited
    # without a meeting date, the document's date decides, then the period's end
    undated = _report(secretariat, initiative, date(2017, 1, 1))
    undated.meeting_date, undated.document_date = None, date(2016, 10, 1)
    undated.save()
    report_draft(actor=secretariat, report=undated)
    assert "Accra" in _opening(undated)


def test_a_revision_recorded_later_leaves_an_older_draft_and_a_signed_off_report_as_they_were(
    secretariat, initiative, client
):
    older_draft = _report(secretariat, initiative, date(2017, 5, 2))
    signed = _report(secretariat, initiative, date(2019, 3, 1))
    report_finalise(actor=secretariat, report=signed)
    client.force_login(secretariat)
    exports = {
        fmt: client.get(f"/reports/{signed.pk}/export.{fmt}").content for fmt in ("md", "html", "docx", "pdf")
    }
    assert b"Rev. Lima, 2016" in exports["md"]

    # a later conference revises it again, in force before the signed-off report's meeting
    mandate_version_add(
        actor=secretariat,
        initiative=initiative,
        citation="Resolution 45 (Rev. Kigali, 2018)",
        in_force_from=date(2018, 10, 25),
    )
    report_draft(actor=secretariat, report=older_draft)
    assert "Rev. Lima, 2016" in _opening(older_draft)  # its meeting came before the new revision
    assert "Rev. Lima, 2016" in _opening(signed)
    for fmt, content in exports.items():
        assert client.get(f"/reports/{signed.pk}/export.{fmt}").content == content, fmt
    fresh = _report(secretariat, initiative, date(2019, 3, 1))
    assert "Rev. Kigali, 2018" in _opening(fresh)


def test_versions_are_added_with_their_day_never_overwritten(secretariat, initiative, focal_point):
    with pytest.raises(ValidationError) as undated:
        mandate_version_add(
            actor=secretariat, initiative=initiative, citation="Resolution 45 (Rev.)", in_force_from=None
        )
    assert "Say from which day" in " ".join(undated.value.messages)
    with pytest.raises(ValidationError) as same_day:
        mandate_version_add(
            actor=secretariat,
            initiative=initiative,
            citation="Resolution 45 (Rev. bis)",
            in_force_from=date(2016, 11, 4),
        )
    assert "already in force from 4 November 2016" in " ".join(same_day.value.messages)
    with pytest.raises(ValidationError) as empty:
        mandate_version_add(
            actor=secretariat, initiative=initiative, citation="  ", in_force_from=date(2020, 1, 1)
        )
    assert "as a report cites it" in " ".join(empty.value.messages)
    with pytest.raises(PermissionDenied):
        mandate_version_add(
            actor=focal_point,
            initiative=initiative,
            citation="Resolution 45 (Rev. X)",
            in_force_from=date(2020, 1, 1),
        )
    with pytest.raises(ValidationError) as overwrite:
        initiative_update(actor=secretariat, initiative=initiative, mandate="Resolution 46")
    assert "add the new version" in " ".join(overwrite.value.messages)
    initiative_update(
        actor=secretariat, initiative=initiative, phase="Third phase", mandate=initiative.mandate
    )
    assert list(initiative.mandate_versions.values_list("citation", flat=True)) == [
        "Resolution 45 (Accra, 2012)",
        "Resolution 45 (Rev. Lima, 2016)",
    ]
    assert initiative.mandate == "Resolution 45 (Rev. Lima, 2016)"
    assert AuditEntry.objects.filter(action="initiative.mandate_version_added").count() == 1


def test_the_secretariat_adds_a_version_on_the_initiatives_page(secretariat, initiative, client):
    client.force_login(secretariat)
    page = client.get(f"/initiative/{initiative.pk}/").content.decode()
    assert "Resolution 45 (Accra, 2012)" in page and "in force from 4 November 2016" in page
    assert f"/initiative/{initiative.pk}/mandate/new/" in page
    refused = client.post(
        f"/initiative/{initiative.pk}/mandate/new/", {"citation": "Resolution 45 (Rev. Kigali, 2018)"}
    )
    assert (
        refused.status_code == 422
        and "Say from which day this version is in force" in refused.content.decode()
    )
    done = client.post(
        f"/initiative/{initiative.pk}/mandate/new/",
        {
            "citation": "Resolution 45 (Rev. Kigali, 2018)",
            "in_force_from": "2018-10-25",
            "adopted_by": "Regional Conference, Kigali",
        },
    )
    assert done.status_code == 302
    version = MandateVersion.objects.get(citation="Resolution 45 (Rev. Kigali, 2018)")
    assert (version.in_force_from, version.adopted_by) == (date(2018, 10, 25), "Regional Conference, Kigali")
    assert "in force from 25 October 2018" in client.get(f"/initiative/{initiative.pk}/").content.decode()
