"""Issue 15 item 11: comments per paragraph and their decisions, as an SVG chart with its table."""

import re

import pytest
from django.urls import reverse

from tutela.consultations import charts, services

pytestmark = pytest.mark.django_db


def _table(html):
    start = html.index('id="paragraph-chart-table"')
    body = html[start : html.index("</table>", start)]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", body)
    return {
        label: [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', cells)] for label, cells in rows
    }


def test_the_report_page_draws_comments_per_paragraph_by_decision_with_the_same_numbers_as_a_table(
    client, secretariat, submit, consultation, paragraphs
):
    on_one = [submit(f"Comment {i} on the first paragraph.", submission_key=f"a{i}") for i in range(3)]
    on_two = submit("A comment on the second paragraph.", paragraph_id=paragraphs["2"].pk, submission_key="b")
    spam = submit("Buy cheap things here.", paragraph_id=paragraphs["2"].pk, submission_key="c")
    for comment in [*on_one, on_two]:
        services.comment_moderate(actor=secretariat, comment=comment, action="published")
    services.comment_moderate(actor=secretariat, comment=spam, action="spam")
    services.disposition_record(
        actor=secretariat,
        consultation=consultation,
        comment_ids=[on_one[0].pk, on_one[1].pk],
        decision="accepted",
        rationale="Done.",
    )
    services.disposition_record(
        actor=secretariat,
        consultation=consultation,
        comment_ids=[on_two.pk],
        decision="noted",
        rationale="Left to national law.",
    )
    client.force_login(secretariat)
    html = client.get(reverse("consultations:report", args=[consultation.pk])).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart paragraph-chart" viewBox="0 0 360 ' in html
    assert "<title>Comments per paragraph and their decisions</title>" in html
    assert "4 comments on 2 parts of the text; most on ¶ 1 (3)" in html  # the text alternative; spam left out
    # Columns: the decisions used (accepted, noted), then undecided, then the total.
    assert _table(html) == {"¶ 1": [2, 0, 1, 3], "¶ 2": [0, 1, 0, 1]}
    assert html.count('data-decision="accepted"') == 1 and html.count('data-decision="undecided"') == 1


def test_no_comment_no_chart_and_labels_are_escaped(secretariat, consultation, submit, paragraphs):
    assert charts.paragraph_decisions(consultation)["svg"] == ""
    paragraphs["1"].number = "<script>1"
    paragraphs["1"].save()
    submit("Hello")
    svg = charts.paragraph_decisions(consultation)["svg"]
    assert "<script>" not in svg and "&lt;script&gt;" in svg
