"""A body's meetings and liaison deadlines on a timeline: an SVG with its table (issue 15, item 11)."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tutela.coordination import services

pytestmark = pytest.mark.django_db


def _page(client, body):
    return client.get(reverse("coordination:body_detail", args=[body.slug])).content.decode()


def _chart(html):
    start = html.index('class="chart timeline-chart"')
    return html[start:html.index("</svg>", start)]


def _table(html):
    start = html.index('id="body-timeline-table"')
    body = html[start:html.index("</table>", start)]
    return re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td>', body)


def test_no_meeting_and_no_deadline_draws_no_timeline(client, jca):
    html = _page(client, jca)
    assert "timeline-chart" not in html and 'id="body-timeline-table"' not in html


def test_one_meeting_is_one_mark_and_one_row(client, jca):
    services.meeting_create(actor=None, body=jca, starts_on=date(2014, 1, 15), status="held")
    html = _page(client, jca)
    chart = _chart(html)
    assert 'viewBox="0 0 360 ' in chart and 'width="100%"' in chart and 'role="img"' in chart
    assert 'direction="ltr"' in chart and "<desc>1 meetings and 0 liaison deadlines of JCA-COP" in chart
    assert chart.count('class="meeting"') == 1 and 'class="deadline' not in chart
    rows = _table(html)
    assert len(rows) == 1 and rows[0][0] == "15 Jan 2014" and rows[0][2] == "meeting"


def test_meetings_and_deadlines_both_ways_in_date_order(client, secretariat, jca, tsag, sg17):
    today = timezone.localdate()
    days = [today + timedelta(days=n) for n in (-60, -20, 30, 90, 50)]
    services.meeting_create(actor=None, body=jca, starts_on=days[0], status="held",
                            confirm_outside_lifetime=True)
    services.meeting_create(actor=None, body=jca, starts_on=days[1], status="held",
                            confirm_outside_lifetime=True)
    services.liaison_create(actor=None, from_body=jca, subject="Survey of national strategies",
                            contact_email="jca@example.org", send=True, deliver=False,
                            recipients=[{"body": tsag, "purpose": "action", "deadline": days[3]}])
    services.liaison_create(actor=None, from_body=sg17, subject="Continuation of JCA-COP",
                            contact_email="tsb@example.org", send=True, deliver=False,
                            recipients=[{"body": jca, "purpose": "comment", "deadline": days[2]}])
    services.liaison_create(actor=None, from_body=sg17, subject="A draft nobody sent", contact_email="tsb@example.org",
                            recipients=[{"body": jca, "purpose": "action", "deadline": days[4]}])
    html = _page(client, jca)  # the public: the draft's deadline is not theirs to see
    chart = _chart(html)
    assert chart.count('class="meeting"') == 2
    assert chart.count('class="deadline owed_by"') == 1 and chart.count('class="deadline owed_to"') == 1
    assert 'class="today"' in chart
    assert [(when, kind) for when, _what, kind in _table(html)] == [
        (_day(days[0]), "meeting"), (_day(days[1]), "meeting"), (_day(days[2]), "reply owed by this body"),
        (_day(days[3]), "reply owed to this body")]
    assert "A draft nobody sent" not in html
    assert f">{days[0].year}<" in chart or f">{days[3].year}<" in chart  # years ticked on the axis
    client.force_login(secretariat)
    staff = _page(client, jca)
    assert "A draft nobody sent" in staff and _chart(staff).count('class="deadline owed_by"') == 2


def _day(d):
    return date_format(d, "j M Y")
