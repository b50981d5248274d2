"""Golden reports built from records entered through the services (not the demo), read as a secretariat
would sign them: verbs by recorded role, what is in and out of the period, one numbering in every format
under every grouping, and a redraft that changes nothing (after a deleted and an edited paragraph).

The reviewed texts are in ``golden/``; regenerate with ``UPDATE_GOLDEN=1`` and review the diff by eye.
"""

import os
import re
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document

from tutela.activities.services import Count, activity_create
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.partners.services import agreement_create, organisation_create
from tutela.reports import rendering
from tutela.reports.models import Report
from tutela.reports.services import paragraph_delete, paragraph_edit, report_create, report_draft

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str, produced: str) -> None:
    path = GOLDEN / f"{name}.md"
    produced = re.sub(r"\]\([^)]*\)", "]", produced)  # record ids differ from run to run: keep the labels
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(produced)
    assert produced == path.read_text(), "Regenerate with UPDATE_GOLDEN=1 and review the diff by eye."


def _numbers_everywhere(client, report: Report, tmp_path) -> dict[str, list[int]]:
    """The paragraph numbers each rendering shows, in order: web view, HTML, PDF, DOCX and Markdown."""
    web = client.get(f"/reports/{report.pk}/").content.decode()
    html = client.get(f"/reports/{report.pk}/export.html").content.decode()
    md = client.get(f"/reports/{report.pk}/export.md").content.decode()
    docx = Document(BytesIO(client.get(f"/reports/{report.pk}/export.docx").content))
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(client.get(f"/reports/{report.pk}/export.pdf").content)
    flat = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    texts = [p["text"] for p in rendering.document(report)["paragraphs"]]
    body = md.split("\n## Sources")[0]
    return {
        "web": [int(n) for n in re.findall(r'<li id="p\d+" value="(\d+)"', web)],
        "html": [int(n) for n in re.findall(r'<li value="(\d+)">', html)],
        "pdf": [int(m.group(1)) for t in texts for m in [re.search(
            rf"(\d+)\.\s+{re.escape(' '.join(t.split()[:3]))}", " ".join(flat.split()))] if m],
        "docx": [int(m.group(1)) for p in docx.paragraphs for m in [re.match(r"(\d+)\. ", p.text)] if m],
        "md": [int(n) for n in re.findall(r"^(\d+)\. ", body, re.M)],
    }


def _assert_one_numbering(client, report, tmp_path) -> None:
    expected = list(range(1, report.paragraphs.count() + 1))
    for grouping in Report.Structure.values:
        Report.objects.filter(pk=report.pk).update(structure=grouping)
        report.refresh_from_db()
        report_draft(actor=None, report=report)  # regrouping reorders the drafted paragraphs
        for fmt, numbers in _numbers_everywhere(client, report, tmp_path).items():
            assert numbers == expected, (grouping, fmt, numbers)


@pytest.fixture
def records(secretariat, secretariat_org):
    """East African helplines, 2018: an attended event, a partnership covering three countries, an old MoU
    with nothing since, a course that began the month before the period, speakers, auspices and outcomes."""
    pillars = {p.number: p for p in Pillar.objects.all()}
    o = {
        "itu": secretariat_org,
        "snk": organisation_create(actor=None, name="Safe Net Kenya", acronym="SNK", kind="civil_society", country="KE"),
        "eac": organisation_create(actor=None, name="East African Community", acronym="EAC", kind="intergovernmental"),
        "mict": organisation_create(actor=None, name="Ministry of ICT and Innovation", acronym="MINICT",
                                    kind="government", country="RW"),
        "fund": organisation_create(actor=None, name="Children's Online Fund", acronym="COF", kind="other"),
    }
    initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="Second phase",
                                   mandate="Resolution 7 (Nairobi, 2016)", lead_organisation=secretariat_org,
                                   launched_on=date(2016, 3, 1))
    agreement_create(actor=None, kind="mou", title="MoU between ITU and SNK", parties=[o["itu"], o["snk"]],
                     signed_on=date(2011, 3, 2), objectives="Cooperate on helplines.")
    agreement_create(actor=None, kind="partnership", title="East African helpline partnership",
                     parties=[o["itu"], o["eac"]], signed_on=date(2018, 7, 16), countries=["KE", "UG", "TZ"],
                     objectives="Connect national child helplines to one regional referral service.")
    a = {
        "course": activity_create(
            actor=None, title="Helpline counsellors' course", kind="training", status="held",
            starts_on=date(2017, 12, 4), ends_on=date(2018, 1, 26), city="Kigali", country="RW",
            pillars=[pillars[4]], partners=[(o["mict"], "organiser"), (o["itu"], "trainer"), (o["fund"], "funder")],
            participation=[Count(group="government", count=6, unit="countries")]),
        "attended": activity_create(
            actor=None, title="Regional Conference on Child Helplines", kind="regional_forum", status="held",
            starts_on=date(2018, 3, 20), ends_on=date(2018, 3, 21), city="Nairobi", country="KE",
            pillars=[pillars[2]], partners=[(o["snk"], "organiser"), (o["itu"], "participant")],
            focus="referral between helplines and the police"),
        "spoke": activity_create(
            actor=None, title="Panel on Reporting Abuse Online", kind="session", status="held",
            starts_on=date(2018, 5, 9), ends_on=date(2018, 5, 9), city="Kampala", country="UG",
            pillars=[pillars[1]], partners=[(o["eac"], "organiser"), (o["itu"], "speaker"), (o["eac"], "auspices")]),
        "organised": activity_create(
            actor=None, title="Helpline data workshop", kind="workshop", status="held",
            starts_on=date(2018, 10, 2), ends_on=date(2018, 10, 3), city="Arusha", country="TZ",
            pillars=[pillars[3]], partners=[(o["itu"], "organiser"), (o["snk"], "partner"), (o["eac"], "host")],
            participation=[Count(group="government", count=5, unit="member_states")],
            outcomes=[{"kind": "agreement", "text": "To publish one set of helpline indicators by 2019.",
                       "made_by_group": "the helpline administrations of the region"}]),
        "no_organiser": activity_create(
            actor=None, title="Helplines Day", kind="educational_event", status="held",
            starts_on=date(2018, 11, 15), ends_on=date(2018, 11, 15), city="Dodoma", country="TZ",
            pillars=[pillars[2]]),
        "before": activity_create(
            actor=None, title="Kisumu parents' evening", kind="educational_event", status="held",
            starts_on=date(2017, 11, 14), ends_on=date(2017, 11, 14), city="Kisumu", country="KE",
            pillars=[pillars[2]], partners=[(o["itu"], "organiser")]),
    }
    report = report_create(actor=secretariat, title="Update on the Online Safety Initiative",
                           initiative=initiative, presented_to="Council Working Group on Online Safety (CWG-OS)",
                           meeting="3rd meeting", meeting_place="Geneva", meeting_date=date(2019, 2, 4),
                           document_number="CWG-OS/3/4", document_date=date(2019, 1, 21), author="ITU Secretariat",
                           period_start=date(2018, 1, 1), period_end=date(2018, 12, 31))
    report_draft(actor=secretariat, report=report)
    return {"report": report, "sec": secretariat, **a}


def test_helplines_2018_reads_as_signed_and_a_redraft_keeps_the_editors_work(records, client, tmp_path):
    report, sec = records["report"], records["sec"]
    text = " ".join(p["text"] for p in rendering.document(report)["paragraphs"])
    # verbs by recorded role
    assert "ITU took part in the “Regional Conference on Child Helplines”, organized by Safe Net Kenya (SNK)" in text
    assert "ITU spoke at the “Panel on Reporting Abuse Online”, organized by the East African Community (EAC)" in text
    assert "under the auspices of EAC" in text
    assert "ITU held" not in text and "ITU organized the “Regional Conference" not in text
    assert "ITU organized the “Helpline Data Workshop”" not in text and "ITU organized a helpline data workshop" in text
    assert "the “Helplines Day” took place in Dodoma" in text
    assert "5 Member States took part" in text and "Participants from 6 countries took part" in text
    assert "The helpline administrations of the region agreed to publish one set of helpline indicators" in text
    assert "signed a partnership agreement with EAC on 16 July 2018, covering Kenya, Tanzania and Uganda" in text
    # the period: the course that began the month before is in; the old MoU and the evening before are out
    assert "organized a helpline counsellors' course in Kigali, Rwanda" in text
    assert "Cooperate on helplines" not in text and "Kisumu" not in text
    # the summary counts only what ITU organised: one workshop, not the conference it attended
    summary = report.paragraphs.get(keys=["awareness"]).text
    assert "through the organization of a workshop" in summary and "forum" not in summary, summary
    client.force_login(sec)
    _golden("helplines_2018", client.get(f"/reports/{report.pk}/export.md").content.decode())

    # an editor deletes one paragraph and edits another; redrafting twice changes nothing
    paragraphs = {p.keys[0]: p for p in report.paragraphs.all()}
    paragraph_delete(actor=sec, paragraph=paragraphs[f"activity:{records['no_organiser'].pk}"])
    edited = paragraph_edit(actor=sec, paragraph=report.paragraphs.get(keys=[f"activity:{records['spoke'].pk}"]),
                            text="ITU's Deputy Secretary-General spoke at the EAC panel on reporting abuse online.")
    before = [(p["number"], p["text"]) for p in rendering.document(report)["paragraphs"]]
    for _ in range(2):
        summary = report_draft(actor=sec, report=report)
        assert summary["added"] == 0 and summary["updated"] == 0 and summary["deleted"] == 1, summary
        assert [(p["number"], p["text"]) for p in rendering.document(report)["paragraphs"]] == before
    edited.refresh_from_db()
    assert edited.is_edited and edited.pending_sentences is None
    _assert_one_numbering(client, report, tmp_path)


def test_an_unknown_format_is_a_404_and_only_the_internal_copy_says_who_signed_off(records, client):
    from tutela.reports.services import report_finalise

    report, sec = records["report"], records["sec"]
    client.force_login(sec)
    assert client.get(f"/reports/{report.pk}/export.txt").status_code == 404
    report_finalise(actor=sec, report=report)
    assert "Signed off by" in client.get(f"/reports/{report.pk}/").content.decode()
    for fmt in ("html", "md"):
        assert "Signed off by" not in client.get(f"/reports/{report.pk}/export.{fmt}").content.decode()
    client.logout()
    public = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Final, signed off on" in public and "Signed off by" not in public
