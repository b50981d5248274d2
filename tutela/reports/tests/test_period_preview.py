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
    assert response["Location"] == f"{url}#c-activity-{world['running'].pk}"  # one page: back to the record
    report.refresh_from_db()
    assert report.selection == {f"activity:{world['running'].pk}": "in"}
    for key, choice in [("activity:99999999999999999999", "in"), ("activity:\x00", "in"), ("nonsense", "out"),
                        (f"activity:{world['in'].pk}", "maybe"), ("activity:1" * 50, "in")]:
        response = client.post(url, {"key": key, "choice": choice})
        assert response.status_code == 422, (key, response.status_code)
    report.refresh_from_db()
    assert report.selection == {f"activity:{world['running'].pk}": "in"}


def test_a_large_period_page_counts_by_kind_and_reason_and_pages_each_group(client, world, monkeypatch):
    from tutela.reports import selectors

    # the thresholds of a large preview (300 candidates, 50 a page), made small so that a few records page
    monkeypatch.setattr(selectors, "PREVIEW_ALL", 5)
    monkeypatch.setattr(selectors, "PREVIEW_PAGE", 2)
    more = [activity_create(actor=None, title=f"School visit no. {n}", kind="educational_event", status="held",
                            starts_on=date(2018, 2, n), ends_on=date(2018, 2, n), country="KE",
                            partners=[(world["in"].partner_roles.first().organisation, "organiser")], pillars=[Pillar.objects.first()])
            for n in range(1, 5)]
    report = _report(world, include_ongoing=False)
    client.force_login(world["sec"])
    url = f"/reports/{report.pk}/period/"
    page = client.get(url).content.decode()
    summary = page.split('class="period-summary"')[1].split("</table>")[0]
    # counts per kind and reason, each with how many are in and left out (in the period: 4 visits + the forum + the
    # training that ended in it)
    assert '<tr data-group="activity:in_period">' in summary
    in_period = summary.split('data-group="activity:in_period"')[1].split("</tr>")[0]
    assert "<td>5</td><td>5</td><td>0</td><td>0</td>" in in_period
    ended = summary.split('data-group="activity:ended_before"')[1].split("</tr>")[0]
    assert "<td>1</td><td>0</td><td>1</td>" in ended
    # folded groups, one page of each: the first two visits of the period, not the others
    assert page.count('<tr id="c-activity-') == 2 + 1 + 1 + 1  # in period (page 1), ended in, ended before, running
    assert f'id="c-activity-{more[0].pk}"' in page and f'id="c-activity-{more[3].pk}"' not in page
    assert "Page 1 of 3 of this group." in page and 'details class="period-group" id="g-activityin_period">' in page
    # left-out records stay listed with their reason
    assert "ended 14 December 2017, before the period" in page and "signed 2011, nothing dated in the period" in page
    # a group's later page, opened
    page3 = client.get(url, {"group": "activity:in_period", "page": 3}).content.decode()
    assert 'id="g-activityin_period" open' in page3 and "Page 3 of 3 of this group." in page3
    assert f'id="c-activity-{world["in"].pk}"' in page3 and f'id="c-activity-{more[0].pk}"' not in page3
    # a choice brings the editor back to the record's group and page
    response = client.post(url, {"key": f"activity:{world['in'].pk}", "choice": "out"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?group=activity:in_period&page=3#c-activity-{world['in'].pk}"
    again = client.get(response["Location"].split("#")[0]).content.decode()
    assert "your choice" in again.split(f'id="c-activity-{world["in"].pk}"')[1].split("</tr>")[0]


def test_the_period_page_gives_its_reasons_in_the_readers_language(client, world):
    """The reasons are interface text: under /fr/ in French with French dates (in English they read as the reports
    write dates); a record's title is isolated from the words around it."""
    report = _report(world, include_ongoing=False)
    client.force_login(world["sec"])
    page = client.get(f"/fr/reports/{report.pk}/period/").content.decode()
    assert "Proposé\u00a0: daté dans la période (8 mai 2018)" in page
    assert "Écarté\u00a0: signé en 2011, rien de daté dans la période" in page
    assert "commencé le 11 décembre 2017, avant la période, et terminé pendant celle-ci" in page
    assert "terminé le 14 décembre 2017, avant la période" in page
    assert "signé en 2011, rien de daté dans la période" in page
    assert "dated in the period" not in page and "nothing dated" not in page
    assert "<bdi>Nairobi safer internet forum</bdi>" in page
    english = client.get(f"/reports/{report.pk}/period/").content.decode()
    assert "dated in the period (8 May 2018)" in english and "signed 2011, nothing dated in the period" in english
