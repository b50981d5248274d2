"""The report editor in pages: a long report is shown 100 paragraphs at a time; editing lands on the right page."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tutela.initiatives.services import initiative_create
from tutela.reports import views
from tutela.reports.models import Report, ReportParagraph
from tutela.reports.services import report_create


def _long_report(secretariat, secretariat_org, n=250, structure=Report.Structure.CHRONOLOGICAL):
    initiative = initiative_create(actor=None, name="COP Global Initiative", lead_organisation=secretariat_org)
    report = report_create(actor=secretariat, title="Long report", initiative=initiative, structure=structure,
                           period_start=date(2012, 1, 1), period_end=date(2012, 12, 31))
    ReportParagraph.objects.bulk_create([
        ReportParagraph(report=report, order=i, section=f"Pillar {1 + (i - 1) // 90}",
                        sentences=[{"text": f"Sentence one of paragraph {i}.",
                                    "sources": [{"model": "activities.activity", "id": i, "label": f"Activity {i}"}]},
                                   {"text": f"Sentence two of paragraph {i}.", "sources": []}])
        for i in range(1, n + 1)])
    return report


def _numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li id="p\d+" value="(\d+)"', html)]


def _pk(report, number):
    return report.paragraphs.get(order=number).pk


@pytest.fixture
def long_report(secretariat, secretariat_org, client):
    client.force_login(secretariat)
    return _long_report(secretariat, secretariat_org)


def test_a_long_report_is_shown_a_page_at_a_time_with_navigation(long_report, client):
    first = client.get(f"/reports/{long_report.pk}/").content.decode()
    assert _numbers(first) == list(range(1, 101))
    assert "Paragraphs 1–100 of 250 · page 1 of 3" in first
    assert 'rel="next" href="?page=2"' in first and 'rel="prev"' not in first
    last = client.get(f"/reports/{long_report.pk}/?page=3").content.decode()
    assert _numbers(last) == list(range(201, 251))
    assert 'rel="prev" href="?page=2"' in last and 'rel="next"' not in last
    # the last paragraph of a page can merge with the next one; the report's last cannot
    assert f"/reports/paragraphs/{_pk(long_report, 100)}/merge/" in first
    assert f"/reports/paragraphs/{_pk(long_report, 250)}/merge/" not in last
    # nonsense and out-of-range pages show a real page, never an error
    assert _numbers(client.get(f"/reports/{long_report.pk}/?page=99").content.decode())[0] == 201
    assert _numbers(client.get(f"/reports/{long_report.pk}/?page=x").content.decode())[0] == 1


def test_jump_to_a_paragraph_number_or_a_section(long_report, client):
    response = client.get(f"/reports/{long_report.pk}/?p=150")
    assert response.status_code == 302 and response["Location"] == f"/reports/{long_report.pk}/?page=2#p{_pk(long_report, 150)}"
    assert client.get(f"/reports/{long_report.pk}/?p=9999")["Location"].endswith(f"?page=3#p{_pk(long_report, 250)}")
    Report.objects.filter(pk=long_report.pk).update(structure=Report.Structure.BY_PILLAR)
    html = client.get(f"/reports/{long_report.pk}/?page=2").content.decode()
    assert '<option value="91" selected>Pillar 2 (¶91)</option>' in html and '<option value="181">Pillar 3 (¶181)</option>' in html
    assert "<h2>Pillar 2</h2>" in html  # the page opens with the heading of the section it continues


def test_each_page_costs_the_same_few_queries(long_report, client):
    client.get(f"/reports/{long_report.pk}/")  # warm caches (session, content types)
    counts = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/reports/{long_report.pk}/?page={page}").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2]


@pytest.mark.parametrize(("action", "number", "lands_on", "anchor_number"), [
    ("up", 101, 1, 100),       # moved from page 2 to page 1
    ("down", 100, 2, 101),     # moved from page 1 to page 2
    ("merge", 150, 2, 150),
    ("split", 150, 2, 150),
    ("delete", 150, 2, 150),   # lands on the paragraph that took its place
])
def test_an_action_lands_on_the_page_holding_the_paragraph(long_report, client, action, number, lands_on, anchor_number):
    pk = _pk(long_report, number)
    response = client.post(f"/reports/paragraphs/{pk}/{action}/", {"after": "1"})
    target = pk if action != "delete" else _pk(long_report, anchor_number)
    assert response.status_code == 302
    page = f"?page={lands_on}" if lands_on > 1 else ""  # page 1 is the plain address
    assert response["Location"] == f"/reports/{long_report.pk}/{page}#p{target}"
    assert long_report.paragraphs.get(pk=target).order == anchor_number
    html = client.get(response["Location"]).content.decode()
    assert f'id="p{target}"' in html


def test_edit_add_and_accept_land_on_the_paragraphs_page(long_report, client):
    pk = _pk(long_report, 180)
    assert f'href="/reports/{long_report.pk}/?page=2#p{pk}"' in client.get(f"/reports/paragraphs/{pk}/edit/").content.decode()
    response = client.post(f"/reports/paragraphs/{pk}/edit/", {"text": "Rewritten by the editor."})
    assert response["Location"] == f"/reports/{long_report.pk}/?page=2#p{pk}"
    assert "Rewritten by the editor." in client.get(response["Location"]).content.decode()

    ReportParagraph.objects.filter(pk=pk).update(pending_sentences=[{"text": "New generated text.", "sources": []}],
                                                 pending_bullets=[])
    response = client.post(f"/reports/paragraphs/{pk}/accept/")
    assert response["Location"] == f"/reports/{long_report.pk}/?page=2#p{pk}"
    assert ReportParagraph.objects.get(pk=pk).text == "New generated text."

    response = client.post(f"/reports/{long_report.pk}/paragraphs/add/", {"text": "Added after 205.", "after": "205"})
    added = long_report.paragraphs.get(order=206)
    assert added.text == "Added after 205."
    assert response["Location"] == f"/reports/{long_report.pk}/?page=3#p{added.pk}"
    response = client.post(f"/reports/{long_report.pk}/paragraphs/add/", {"text": "At the end."})
    assert response["Location"] == f"/reports/{long_report.pk}/?page=3#p{long_report.paragraphs.get(order=252).pk}"


def test_a_small_report_is_one_page_without_a_pager(secretariat, secretariat_org, client):
    client.force_login(secretariat)
    report = _long_report(secretariat, secretariat_org, n=views.PAGE_SIZE)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert _numbers(html) == list(range(1, views.PAGE_SIZE + 1))
    assert "report-pager" not in html
    pk = _pk(report, 50)
    response = client.post(f"/reports/paragraphs/{pk}/up/")
    assert response["Location"] == f"/reports/{report.pk}/#p{pk}"
    assert report.paragraphs.get(pk=pk).order == 49


def test_a_paragraph_citing_thousands_of_records_shows_twenty_and_links_to_the_rest(long_report, client):
    many = [{"model": "activities.activity", "id": i, "label": f"Activity {i}"} for i in range(1000, 1500)]
    paragraph = long_report.paragraphs.get(order=2)
    ReportParagraph.objects.filter(pk=paragraph.pk).update(sentences=[{"text": "ITU held 500 workshops.", "sources": many}])
    html = client.get(f"/reports/{long_report.pk}/").content.decode()
    assert "Activity 1019" in html and "Activity 1020" not in html
    link = f'href="/reports/{long_report.pk}/sources/#p{paragraph.pk}"'
    assert f'{link}>and 480 more records</a>' in html and ">+480</a>" in html
    sources = client.get(f"/reports/{long_report.pk}/sources/").content.decode()
    assert f'<tr id="p{paragraph.pk}">' in sources and "Activity 1499" in sources


def test_a_signed_off_report_pages_its_frozen_text(long_report, secretariat, client):
    from tutela.reports.services import report_finalise

    report_finalise(actor=secretariat, report=long_report)
    long_report.paragraphs.filter(order=150).delete()  # later changes do not alter the frozen text
    html = client.get(f"/reports/{long_report.pk}/?page=2").content.decode()
    assert _numbers(html) == list(range(101, 201)) and "Paragraphs 101–200 of 250" in html
    assert "/merge/" not in html  # no tools on a signed-off report
    response = client.get(f"/reports/{long_report.pk}/?p=150")
    assert response["Location"].startswith(f"/reports/{long_report.pk}/?page=2#p")
