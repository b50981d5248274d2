from datetime import date

import pytest
from django.urls import reverse

from tutela.figures import services
from tutela.figures.models import Figure

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("figures:dashboard")


@pytest.fixture
def indicators(db):
    return {
        "trained": services.indicator_get_or_create(code="people-trained", name="People trained", unit="people"),
        "children": services.indicator_get_or_create(code="children-reached", name="Children reached", unit="children"),
    }


@pytest.fixture
def story(make_activity, pilot, indicators, org_b):
    make_activity(title="Oman workshop", country="OM", starts_on=date(2013, 10, 1), pillar_numbers=(3,))
    make_activity(title="Safer Internet Day 2014", country="CH", starts_on=date(2014, 2, 11), organiser=org_b)
    services.figure_create(actor=None, indicator=indicators["trained"], value=100, kind="counted", source="Report ¶3",
                           as_of=date(2014, 1, 31), subject=pilot)
    services.figure_create(actor=None, indicator=indicators["children"], value=15000, kind="estimated",
                           method="Audience of the spot messages", source="Report ¶3", as_of=date(2014, 1, 31),
                           subject=pilot)
    services.figure_create(actor=None, indicator=indicators["children"], value=420, kind="counted", source="Schools",
                           as_of=date(2014, 1, 31))
    services.figure_create(actor=None, indicator=indicators["children"], value=20000, kind="estimated",
                           measure="target", method="Plan", source="Project plan", as_of=date(2013, 8, 1))
    return pilot


def test_the_dashboard_is_public_and_keeps_kinds_and_targets_apart(client, story, worker):
    worker()
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    body = response.content.decode()
    # counted and estimated children reached are never added into one number
    assert "15,000" in body and "420" in body and "15,420" not in body
    assert "20,000" in body  # the target, in its own column
    indicators = {e["indicator"].code: e for e in response.context["indicators"]}
    children = indicators["children-reached"]
    assert [(c["kind"], c["total"]) for c in children["actual"]] == [("counted", 420), ("estimated", 15000)]
    assert [(c["kind"], c["total"]) for c in children["target"]] == [("estimated", 20000)]
    assert '<span class="kind estimated">estimated</span>' in body
    assert "/figures/all/?indicator=children-reached&amp;measure=actual&amp;kind=estimated" in body


def test_the_dashboard_counts_activities_by_pillar_and_year_with_links(client, story, worker):
    worker()
    response = client.get(DASHBOARD)
    grid = response.context["grid"]
    assert grid["years"] == [2013, 2014]
    rows = {r["pillar"].number: r for r in grid["rows"]}
    assert [n for n, _link in rows[4]["cells"]] == [1, 1]  # the pilot (2013) and Safer Internet Day (2014)
    assert [n for n, _link in rows[3]["cells"]] == [1, 0]
    assert [n for _y, n, _link in grid["year_totals"]] == [2, 1]  # the pilot counts once though under two pillars
    body = response.content.decode()
    assert "/activities/?pillar=capacity-building&amp;year=2013" in body
    assert body.count("<svg") >= 3


def test_the_dashboard_lists_countries_and_partners_by_kind(client, story, worker):
    worker()
    response = client.get(DASHBOARD)
    countries = {c["code"]: c["n"] for c in response.context["countries"]}
    assert countries == {"ET": 1, "OM": 1, "CH": 1}
    kinds = {p["kind"]: p["n"] for p in response.context["partners"]}
    assert kinds == {"civil_society": 1, "private_sector": 1}
    assert "/activities/?country=OM" in response.content.decode()


def test_public_children_totals_under_5_are_suppressed(client, make_activity, worker):
    from tutela.activities.services import Count

    make_activity(participation=[Count(group="children", count=3, min_age=8, max_age=12)])
    worker()
    response = client.get(DASHBOARD)
    body = response.content.decode()
    # the small count is neither shown nor added to the public total (issue 12); the page says so
    row = response.context["children"][0]
    assert row["total"] == 0 and row["withheld"] == 1 and ">3<" not in body
    assert "not counting 1 withheld age band" in body


def test_unpublished_records_stay_off_the_public_dashboard(client, make_activity, secretariat, worker):
    make_activity(title="Hidden", country="KP", is_published=False)
    worker()
    assert "KP" not in {c["code"] for c in client.get(DASHBOARD).context["countries"]}
    client.force_login(secretariat)
    assert "KP" in {c["code"] for c in client.get(DASHBOARD).context["countries"]}


def test_the_dashboard_query_count_does_not_grow_with_records(client, story, make_activity, django_assert_max_num_queries,
                                                              worker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker()
    with CaptureQueriesContext(connection) as before:
        client.get(DASHBOARD)
    for i in range(10):
        make_activity(country=["FR", "DE", "BR"][i % 3], starts_on=date(2012 + i % 3, 5, 1))
    worker()
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert "BR" in {c["code"] for c in client.get(DASHBOARD).context["countries"]}
    assert len(before.captured_queries) <= 8  # the summary row, pillars, indicators, and the page's own


def test_the_figure_list_filters_and_the_detail_shows_method_and_source(client, story):
    body = client.get(reverse("figures:figure_list"), {"indicator": "children-reached", "kind": "estimated",
                                                       "measure": "actual"}).content.decode()
    assert "15,000" in body and "20,000" not in body and "420" not in body
    assert story.title in body  # linked subject
    figure = Figure.objects.get(value=15000)
    detail = client.get(reverse("figures:figure_detail", args=[figure.pk])).content.decode()
    assert "Audience of the spot messages" in detail and "Report ¶3" in detail
    assert reverse("activities:activity_detail", args=[story.pk]) in detail
    bad = client.get(reverse("figures:figure_list"), {"country": "XX"}).content.decode()
    assert "not a known ISO 3166 country code" in bad


def test_a_figure_about_an_unpublished_activity_does_not_reveal_it(client, make_activity, indicators):
    hidden = make_activity(title="Secret pilot", is_published=False)
    services.figure_create(actor=None, indicator=indicators["trained"], value=5, kind="counted", source="x",
                           as_of=date(2014, 1, 1), subject=hidden)
    body = client.get(reverse("figures:figure_list")).content.decode()
    assert "Secret pilot" not in body
