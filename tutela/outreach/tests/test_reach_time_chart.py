"""Issue 15 item 11: children reached over time (per quarter), counted and estimated drawn apart, small
counts withheld from the public in the chart and its table exactly as the page's reach tables withhold them."""

import re
from datetime import date

import pytest
from django.urls import reverse

from tutela.outreach import services

pytestmark = pytest.mark.django_db


def _table(html):
    start = html.index('id="reach-time-table"')
    body = html[start:html.index("</table>", start)]
    rows = re.findall(r'<th scope="row">(.*?)</th><td class="num">(.*?)</td><td class="num">(.*?)</td>', body)
    return {quarter: (counted, estimated) for quarter, counted, estimated in rows}


def _chart(html):
    start = html.index('class="chart reach-time-chart"')
    return html[start:html.index("</svg>", start)]


def _session(programme, ambassador, where, held_on, lo, hi, n):
    services.session_record(actor=None, programme=programme, ambassador=ambassador, institution=where,
                            held_on=held_on, min_age=lo, max_age=hi, count=n)


def _estimate(programme):
    for key, values in (("ambassadors", (10, 12, 14)), ("sessions_per_ambassador", (2, 3, 4)),
                        ("mean_class_size", (30, 40, 50)), ("share_delivering", ("0.5", "0.6", "0.7"))):
        services.parameter_set(actor=None, programme=programme, key=key, low=values[0], central=values[1],
                               high=values[2], is_assumption=True)


def _page(client, programme):
    return client.get(reverse("outreach:programme_detail", args=[programme.pk])).content.decode()


def test_nothing_reached_and_nothing_estimated_draws_no_chart(client, programme):
    html = _page(client, programme)
    assert "reach-time-chart" not in html and 'id="reach-time-table"' not in html


def test_one_quarter_counted(client, focal_point, programme, ambassador, school):
    _session(programme, ambassador, school, date(2013, 9, 10), 10, 14, 60)
    client.force_login(focal_point)
    html = _page(client, programme)
    # The programme runs July 2013 – January 2014: three quarters, one of them with sessions.
    assert _table(html) == {"2013 Q3": ("60", "—"), "2013 Q4": ("0", "—"), "2014 Q1": ("0", "—")}
    chart = _chart(html)
    assert 'viewBox="0 0 360 ' in chart and 'width="100%"' in chart and 'direction="ltr"' in chart
    assert "<title>Children reached over time, counted and estimated</title>" in chart
    assert chart.count('class="counted"') == 1 and 'class="estimated"' not in chart
    assert "2013 Q3: counted 60" in chart  # the text alternative in <desc> and aria-label


def test_many_quarters_with_counts_and_estimates_for_the_owner(client, focal_point, programme, ambassador, school,
                                                                other_school):
    _session(programme, ambassador, school, date(2013, 9, 10), 10, 14, 60)
    _session(programme, ambassador, school, date(2013, 10, 1), 7, 9, 3)
    _session(programme, ambassador, other_school, date(2013, 11, 5), 15, 17, 45)
    _estimate(programme)
    client.force_login(focal_point)
    html = _page(client, programme)
    # 10 × 2 × 30 × 0.5 = 300; 12 × 3 × 40 × 0.6 = 864; 14 × 4 × 50 × 0.7 = 1,960: the programme's whole run,
    # shown in each quarter it overlaps (the note says so) and never added across quarters.
    assert _table(html) == {"2013 Q3": ("60", "300 – 864 – 1,960"), "2013 Q4": ("48", "300 – 864 – 1,960"),
                            "2014 Q1": ("0", "300 – 864 – 1,960")}
    chart = _chart(html)
    assert chart.count('class="counted"') == 2 and chart.count('class="estimated"') == 3
    assert 'fill="url(#reach-hatch-time)"' in chart and 'stroke-dasharray="3 2"' in chart  # a shape, not a colour
    assert "Estimated (low to high, mark at central)" in chart  # said in the legend
    assert "not added up across quarters" in html


def test_the_public_sees_small_quarters_withheld_as_the_reach_tables_withhold_them(client, programme, ambassador,
                                                                                  school, other_school):
    _session(programme, ambassador, school, date(2013, 9, 10), 10, 14, 60)
    _session(programme, ambassador, school, date(2013, 12, 1), 7, 9, 3)  # alone in its quarter: fewer than 5
    html = _page(client, programme)
    table = _table(html)
    assert table["2013 Q3"][0] == "60" and table["2013 Q4"][0] == "&lt;5" and table["2014 Q1"][0] == "0"
    chart = _chart(html)
    assert chart.count('class="counted"') == 1 and chart.count('class="withheld"') == 1
    assert ">3<" not in chart and "counted 3" not in chart and "count withheld" in chart


def test_the_country_page_draws_the_quarters_of_its_sessions(client, programme, ambassador, school):
    _session(programme, ambassador, school, date(2013, 9, 10), 10, 14, 60)
    _session(programme, ambassador, school, date(2014, 1, 10), 10, 14, 70)
    html = client.get(reverse("outreach:country", args=["ET"])).content.decode()
    assert _table(html) == {"2013 Q3": ("60", "—"), "2013 Q4": ("0", "—"), "2014 Q1": ("70", "—")}
