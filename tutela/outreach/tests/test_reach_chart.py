"""Issue 15 item 11: children reached by age band, counted and estimated drawn apart, small cells withheld
from the public in the chart and in its table alike."""

import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from tutela.outreach import services

pytestmark = pytest.mark.django_db


def _table(html):
    start = html.index('id="reach-age-table"')
    body = html[start : html.index("</table>", start)]
    rows = re.findall(
        r'<th scope="row">(.*?)</th>\s*<td class="num">(.*?)</td>\s*<td class="num">(.*?)</td>', body
    )
    return {band: (counted, estimated) for band, counted, estimated in rows}


@pytest.fixture
def reached(programme, ambassador, school, other_school):
    for lo, hi, n, where in ((7, 9, 3, school), (10, 14, 60, school), (15, 17, 45, other_school)):
        services.session_record(
            actor=None,
            programme=programme,
            ambassador=ambassador,
            institution=where,
            held_on=date(2013, 10, 1),
            min_age=lo,
            max_age=hi,
            count=n,
        )
    for key, values in (
        ("ambassadors", (10, 12, 14)),
        ("sessions_per_ambassador", (2, 3, 4)),
        ("mean_class_size", (30, 40, 50)),
        ("share_delivering", ("0.5", "0.6", "0.7")),
    ):
        services.parameter_set(
            actor=None,
            programme=programme,
            key=key,
            low=values[0],
            central=values[1],
            high=values[2],
            is_assumption=True,
        )
    return programme


def test_the_owner_sees_every_count_and_the_estimate_drawn_as_a_range(client, focal_point, reached):
    client.force_login(focal_point)
    html = client.get(reverse("outreach:programme_detail", args=[reached.pk])).content.decode()
    assert 'class="chart reach-age-chart" viewBox="0 0 360 ' in html
    assert "<title>Children reached by age band, counted and estimated</title>" in html
    table = _table(html)
    assert table["7–9"][0] == "3" and table["10–14"][0] == "60" and table["15–17"][0] == "45"
    # 10 × 2 × 30 × 0.5 = 300; 12 × 3 × 40 × 0.6 = 864; 14 × 4 × 50 × 0.7 = 1,960 (the programme's band 7–17).
    assert table["7–17"] == ("—", "300 – 864 – 1,960")
    chart = html[
        html.index('class="chart reach-age-chart"') : html.index(
            "</svg>", html.index('class="chart reach-age-chart"')
        )
    ]
    assert chart.count('class="counted"') == 3 and chart.count('class="estimated"') == 1
    assert (
        'fill="url(#reach-hatch)"' in chart and 'stroke-dasharray="3 2"' in chart
    )  # a different shape, not a colour
    assert "7–9: counted 3" in chart  # the text alternative


def test_the_public_chart_and_table_withhold_small_counts(client, reached):
    html = client.get(reverse("outreach:programme_detail", args=[reached.pk])).content.decode()
    table = _table(html)
    assert table["7–9"][0] == "&lt;5"  # primary suppression
    assert table["15–17"][0] == "withheld"  # complementary: 3 alone could be read from the total
    assert table["10–14"][0] == "60"
    chart = html[
        html.index('class="chart reach-age-chart"') : html.index(
            "</svg>", html.index('class="chart reach-age-chart"')
        )
    ]
    assert chart.count('class="counted"') == 1 and chart.count('class="withheld"') == 2
    assert ">3<" not in chart and "counted 3" not in chart and "counted 45" not in chart


def test_the_chart_and_its_table_write_numbers_as_the_pages_language_does(client, focal_point, reached):
    # "1,960" reads as one point nine six in French: a French page writes 1 960, as its other tables do.
    client.force_login(focal_point)
    html = client.get("/fr" + reverse("outreach:programme_detail", args=[reached.pk])).content.decode()
    table = _table(html)
    assert table["7–17"] == ("—", "300 – 864 – 1\xa0960")
    start = html.index('class="chart reach-age-chart"')
    chart = html[start : html.index("</svg>", start)]
    assert "1,960" not in chart and "~864" in chart and "1\xa0960" in chart


def test_when_the_reach_was_computed_is_written_as_the_pages_language_writes_dates(client, focal_point, reached):
    client.force_login(focal_point)
    html = client.get("/fr" + reverse("outreach:programme_detail", args=[reached.pk])).content.decode()
    computed = re.search(r'Calculé <time datetime="([^"]+)">([^<]+)</time>', html)
    assert computed, "no computed time"
    assert not re.match(r"\d{4}-\d{2}-\d{2}", computed.group(2))  # it said 2026-12-07 07:34 UTC
    with translation.override("fr"):
        today = date_format(datetime.fromisoformat(computed.group(1)).astimezone(UTC), "j F Y")
    assert computed.group(2).startswith(today) and computed.group(2).endswith("(UTC)")


def test_the_rules_and_methods_of_reach_are_shown_in_the_pages_language(client, focal_point, reached, monkeypatch):
    from tutela.outreach.templatetags import outreach_tags

    # The catalogues' translations, as they will read once the messages are translated.
    monkeypatch.setattr(outreach_tags, "gettext", lambda message: f"[fr] {message}", raising=False)
    client.force_login(focal_point)
    html = client.get("/fr" + reverse("outreach:programme_detail", args=[reached.pk])).content.decode()
    assert "[fr] Counted reach adds up sessions" in html
    assert "[fr] Cascade model:" in html


def test_a_long_legend_entry_wraps_inside_the_phone_wide_chart(client, focal_point, reached):
    # French: "Estimé (de la valeur basse à la haute, repère à la valeur centrale)" ran past the
    # chart's right edge at 360 px and was cut. At 12 px a character takes about 6.6 units.
    client.force_login(focal_point)
    html = client.get("/fr" + reverse("outreach:programme_detail", args=[reached.pk])).content.decode()
    start = html.index('class="chart reach-age-chart"')
    chart = html[start : html.index("</svg>", start)]
    width = int(re.search(r'viewBox="0 0 (\d+) ', html[start - 200 :]).group(1))
    lines = re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="12" fill="#1b1f24">([^<]+)</text>', chart)
    legend = [(float(x), t) for x, t in lines if float(x) > 70]
    assert any(t.startswith("Estimé") for _x, t in legend)
    assert all(x + 6.6 * len(t) <= width for x, t in legend), legend
