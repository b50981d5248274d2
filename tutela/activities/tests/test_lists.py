from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tutela.activities import services

pytestmark = pytest.mark.django_db

LIST = reverse("activities:activity_list")


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_filters_combine_and_stay_in_the_url(client, make_activity, org_b):
    make_activity(title="Oman strategy workshop", country="OM", kind="workshop", starts_on=date(2013, 10, 1))
    make_activity(title="Oman training", country="OM", kind="training", starts_on=date(2013, 10, 2))
    make_activity(title="Ethiopia workshop", country="ET", kind="workshop", starts_on=date(2013, 10, 3))
    make_activity(title="Oman workshop 2014", country="OM", kind="workshop", starts_on=date(2014, 3, 3),
                  organiser=org_b)

    body = client.get(LIST, {"country": "OM", "kind": "workshop", "year": 2013}).content.decode()
    assert "Oman strategy workshop" in body
    assert "Oman training" not in body and "Ethiopia workshop" not in body and "Oman workshop 2014" not in body

    body = client.get(LIST, {"organisation": org_b.pk, "pillar": "capacity-building"}).content.decode()
    assert "Oman workshop 2014" in body and "Oman strategy workshop" not in body
    body = client.get(LIST, {"pillar": "legal"}).content.decode()
    assert "No activities match." in body


def test_the_next_page_keeps_the_filters_and_continues_after_the_last_row(client, make_activity):
    for i in range(30):
        make_activity(title=f"Session {i:02d}", country="OM", starts_on=date(2013, 1, 1) + timedelta(days=i))
    make_activity(title="Elsewhere", country="ET")
    first = client.get(LIST, {"country": "OM"})
    page = first.context["page"]
    assert len(page.items) == 25 and page.items[0].title == "Session 29"
    assert "country=OM" in first.content.decode().split('rel="next" href="')[1].split('"')[0]
    second = client.get(LIST, {"country": "OM", "after": page.next_cursor})
    titles = [a.title for a in second.context["page"].items]
    assert titles == [f"Session {i:02d}" for i in range(4, -1, -1)]
    assert second.context["page"].next_cursor is None


def test_the_list_costs_the_same_number_of_queries_for_2_or_25_rows(client, make_activity, org_b,
                                                                      django_assert_num_queries):
    from django.core.cache import cache

    for _ in range(2):
        make_activity(country="OM")
    cache.clear()
    few = _queries(client, LIST)
    for _ in range(28):
        a = make_activity(country="OM", pillar_numbers=(1, 4, 5))
        services.activity_update(actor=None, activity=a, partners=[(a.partner_roles.get().organisation, "organiser"),
                                                                   (org_b, "co_organiser")])
    cache.clear()
    many = _queries(client, LIST)
    assert few == many
    # page + pillars + organisers, and the filter form's pillar and occasion lists and the first
    # names of its organisation picker (read on every request: access is never cached)
    with django_assert_num_queries(6):
        client.get(LIST)
    # + looking up the pillar and the organisation the filters name, and the picker's chosen option
    with django_assert_num_queries(9):
        response = client.get(LIST, {"country": "OM", "pillar": "capacity-building", "organisation": org_b.pk})
    assert len(response.context["page"].items) == 25


def test_the_filtered_list_as_a_signed_in_focal_point_has_no_n_plus_1(client, make_activity, focal_point):
    client.force_login(focal_point)
    make_activity(country="OM")
    _queries(client, LIST + "?country=OM")  # warms the cached organisation menu
    few = _queries(client, LIST + "?country=OM")
    for _ in range(20):
        make_activity(country="OM", is_published=False)
    assert _queries(client, LIST + "?country=OM") == few


def test_an_unknown_country_code_is_reported_and_ignored(client, make_activity):
    make_activity(title="Kept")
    response = client.get(LIST, {"country": "XX"})
    body = response.content.decode()
    assert "is not a known ISO 3166 country code" in body
    assert "Kept" in body


def test_unpublished_activities_are_shown_only_to_their_organisers_and_the_secretariat(
        client, make_activity, focal_point, other_focal_point, secretariat):
    make_activity(title="Draft pilot", is_published=False)
    assert "Draft pilot" not in client.get(LIST).content.decode()
    for user, seen in [(other_focal_point, False), (focal_point, True), (secretariat, True)]:
        client.force_login(user)
        assert ("Draft pilot" in client.get(LIST).content.decode()) is seen


def test_htmx_filtering_returns_only_the_results(client, make_activity):
    make_activity(title="Oman strategy workshop", country="OM")
    response = client.get(LIST, {"country": "OM"}, headers={"HX-Request": "true", "HX-Target": "results"})
    body = response.content.decode()
    assert "Oman strategy workshop" in body and "<html" not in body and 'id="results"' in body


def test_the_editable_list_holds_only_the_focal_points_organisations_activities(
        client, make_activity, org_b, focal_point, ladder):
    make_activity(title="Ours")
    make_activity(title="Theirs", organiser=org_b)
    make_activity(title="We only fund it", organiser=org_b)
    url = reverse("activities:activity_editable")
    responses = ladder("get", url, {"anonymous": 302, "stakeholder": 403, "focal_point": 200, "secretariat": 200})
    mine = responses["focal_point"].content.decode()
    assert "Ours" in mine and "Theirs" not in mine and "We only fund it" not in mine
    assert "Theirs" in responses["secretariat"].content.decode()


def test_the_timeline_groups_activities_by_month_with_the_same_filters(client, make_activity):
    make_activity(title="IGF open forum", starts_on=date(2013, 10, 24), country="ID")
    make_activity(title="Oman workshop", starts_on=date(2013, 10, 1), country="OM")
    make_activity(title="Telecom World session", starts_on=date(2013, 11, 20), country="TH")
    body = client.get(reverse("activities:timeline")).content.decode()
    assert body.index("November 2013") < body.index("Telecom World session") < body.index("October 2013")
    assert body.index("October 2013") < body.index("IGF open forum")
    filtered = client.get(reverse("activities:timeline"), {"country": "OM"}).content.decode()
    assert "Oman workshop" in filtered and "IGF open forum" not in filtered


def test_occasions_and_projects_list_with_their_activities(client, make_activity, org_a):
    igf = services.occasion_create(actor=None, name="Internet Governance Forum 2013", short_name="IGF 2013",
                                   kind="forum", starts_on=date(2013, 10, 22), ends_on=date(2013, 10, 25),
                                   city="Nusa Dua, Bali", country="ID")
    project = services.project_create(actor=None, name="African E-Safety Project", stage="planned", partners=[org_a])
    a = make_activity(title="Open forum on the guidelines", occasion=igf, project=project)
    assert "Internet Governance Forum 2013" in client.get(reverse("activities:occasion_list")).content.decode()
    detail = client.get(reverse("activities:occasion_detail", args=[igf.pk])).content.decode()
    assert a.title in detail and "Bali" in detail
    assert "African E-Safety Project" in client.get(reverse("activities:project_list")).content.decode()
    detail = client.get(reverse("activities:project_detail", args=[project.pk])).content.decode()
    assert a.title in detail and 'aria-current="step"' in detail
    body = client.get(LIST, {"occasion": igf.pk}).content.decode()
    assert a.title in body
