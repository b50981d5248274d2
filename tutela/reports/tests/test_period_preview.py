"""The period, chosen in the open: a preview lists every candidate with its reason, and the editor's
include/exclude choice is stored with the report and followed by every redraft."""

from datetime import date

import pytest

from tutela.activities.services import activity_create
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.partners.services import agreement_create, organisation_create
from tutela.reports import drafting, rendering
from tutela.reports.services import report_choose, report_create, report_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(secretariat, secretariat_org):
    ngo = organisation_create(actor=None, name="Safe Net Kenya", acronym="SNK", kind="civil_society", country="KE")
    initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="First phase",
                                   mandate="Resolution 7", lead_organisation=secretariat_org)
    pillar = [Pillar.objects.first()]
    made = {
        "old_mou": agreement_create(actor=None, kind="mou", title="MoU between ITU and SNK", parties=[secretariat_org, ngo],
                                    signed_on=date(2011, 3, 2), objectives="Cooperate on helplines."),
        "new_mou": agreement_create(actor=None, kind="mou", title="Helpline data MoU", parties=[secretariat_org, ngo],
                                    signed_on=date(2018, 6, 4), objectives="Share helpline statistics."),
        "in": activity_create(actor=None, title="Nairobi safer internet forum", kind="regional_forum", status="held",
                              starts_on=date(2018, 5, 8), ends_on=date(2018, 5, 8), city="Nairobi", country="KE",
                              pillars=pillar, partners=[(secretariat_org, "organiser")]),
        "before_into": activity_create(actor=None, title="Mombasa teacher training", kind="training", status="held",
                                       starts_on=date(2017, 12, 11), ends_on=date(2018, 1, 19), city="Mombasa",
                                       country="KE", pillars=pillar, partners=[(ngo, "organiser")]),
        "ended_before": activity_create(actor=None, title="Kisumu parents' evening", kind="educational_event",
                                        status="held", starts_on=date(2017, 12, 14), ends_on=date(2017, 12, 14),
                                        city="Kisumu", country="KE", pillars=pillar, partners=[(ngo, "organiser")]),
        "running": activity_create(actor=None, title="National helpline pilot", kind="pilot", status="held",
                                   starts_on=date(2016, 2, 1), ends_on=date(2020, 1, 31), country="KE",
                                   pillars=pillar, partners=[(ngo, "organiser")]),
    }
    return {"initiative": initiative, "sec": secretariat, **made}


def _report(world, **fields):
    return report_create(actor=world["sec"], title="Update 2018", initiative=world["initiative"],
                         period_start=date(2018, 1, 1), period_end=date(2018, 12, 31), opening_template="", **fields)


def _text(report) -> str:
    return " ".join(p["text"] for p in rendering.document(report)["paragraphs"])


def test_the_preview_lists_candidates_and_expected_exclusions_each_with_its_reason(world):
    report = _report(world, include_ongoing=False)
    preview = {c.key: c for c in drafting.preview(report)}
    key = lambda name: f"{'agreement' if 'mou' in name else 'activity'}:{world[name].pk}"  # noqa: E731
    assert preview[key("in")].included and preview[key("in")].reason == "dated in the period (8 May 2018)"
    assert preview[key("before_into")].included
    assert preview[key("before_into")].reason == "started 11 December 2017, before the period, and ended in it"
    assert not preview[key("ended_before")].included
    assert preview[key("ended_before")].reason == "ended 14 December 2017, before the period"
    assert not preview[key("running")].included and "ran on past the period's end" in preview[key("running")].reason
    assert not preview[key("old_mou")].included
    assert preview[key("old_mou")].reason == "signed 2011, nothing dated in the period"
    assert preview[key("new_mou")].included and preview[key("new_mou")].reason == "signed in the period (4 June 2018)"
    # what the preview says is in is exactly what the draft cites
    report_draft(actor=world["sec"], report=report)
    cited = {f"{s['model'].split('.')[1]}:{s['id']}" for p in rendering.document(report)["paragraphs"] for s in p["sources"]}
    assert {k for k, c in preview.items() if c.included} == cited & set(preview)


def test_a_choice_is_stored_with_the_report_and_every_redraft_follows_it(world):
    report = _report(world)
    report_draft(actor=world["sec"], report=report)
    assert "a Nairobi safer internet forum in Nairobi" in _text(report) and "Cooperate on helplines" not in _text(report)
    report_choose(actor=world["sec"], report=report, key=f"activity:{world['in'].pk}", choice="out")
    report_choose(actor=world["sec"], report=report, key=f"agreement:{world['old_mou'].pk}", choice="in")
    report.refresh_from_db()
    assert report.selection == {f"activity:{world['in'].pk}": "out", f"agreement:{world['old_mou'].pk}": "in"}
    for _ in range(2):  # the first redraft applies the choice, the second keeps it
        report_draft(actor=world["sec"], report=report)
        text = " ".join(p["text"] for p in rendering.document(report)["paragraphs"] if not p["stale"])
        assert "Nairobi safer internet forum" not in text and "Cooperate on helplines" in text, text
    report_choose(actor=world["sec"], report=report, key=f"activity:{world['in'].pk}", choice="")
    report.refresh_from_db()
    report_draft(actor=world["sec"], report=report)
    assert "Nairobi safer internet forum" in _text(report)


def test_the_period_page_includes_and_excludes_and_refuses_what_is_not_a_candidate(client, world):
    report = _report(world, include_ongoing=False)
    client.force_login(world["sec"])
    url = f"/reports/{report.pk}/period/"
    page = client.get(url).content.decode()
    assert "signed 2011, nothing dated in the period" in page and "Kisumu parents" in page
    response = client.post(url, {"key": f"activity:{world['running'].pk}", "choice": "in"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.selection == {f"activity:{world['running'].pk}": "in"}
    for key, choice in [("activity:99999999999999999999", "in"), ("activity:\x00", "in"), ("nonsense", "out"),
                        (f"activity:{world['in'].pk}", "maybe"), ("activity:1" * 50, "in")]:
        response = client.post(url, {"key": key, "choice": choice})
        assert response.status_code == 422, (key, response.status_code)
    report.refresh_from_db()
    assert report.selection == {f"activity:{world['running'].pk}": "in"}
