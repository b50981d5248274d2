"""Events calendar: month and list views, iCalendar feeds (parsed back with ``icalendar``)."""

from datetime import date, timedelta

import pytest
from icalendar import Calendar

from tutela.activities import services as activities
from tutela.initiatives.models import Pillar

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(org_a):
    p = {x.number: x for x in Pillar.objects.all()}
    make = activities.activity_create
    fair = make(actor=None, title="Online safety fair", kind="workshop", status="held", starts_on=date(2031, 3, 30),
                ends_on=date(2031, 4, 2), country="KE", city="Nairobi", pillars=[p[4]], partners=[(org_a, "organiser")],
                summary="Stands for parents; schools visit.")
    talk = make(actor=None, title="Policy round table", kind="session", status="planned", starts_on=date(2031, 4, 15),
                country="BR", pillars=[p[1], p[5]], partners=[(org_a, "organiser")], date_is_approximate=True)
    dropped = make(actor=None, title="Cancelled clinic", kind="training", status="cancelled", starts_on=date(2031, 4, 20),
                   country="KE", pillars=[p[2]], partners=[(org_a, "organiser")])
    hidden = make(actor=None, title="Draft hackathon", kind="workshop", starts_on=date(2031, 4, 10), country="KE",
                  pillars=[p[4]], partners=[(org_a, "organiser")], is_published=False)
    summit = activities.occasion_create(actor=None, name="Child Safety Summit 2031", starts_on=date(2031, 4, 8),
                                        ends_on=date(2031, 4, 9), country="KE", city="Mombasa")
    return {"fair": fair, "talk": talk, "dropped": dropped, "hidden": hidden, "summit": summit, "pillars": p}


def _parse(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert not response.cookies
    cal = Calendar.from_ical(response.content)
    assert str(cal["version"]) == "2.0" and cal["prodid"]
    return list(cal.walk("VEVENT"))


def _by_summary(vevents) -> dict:
    return {str(v["summary"]): v for v in vevents}


def test_month_view_shows_published_events_on_each_day_they_cover(client, events):
    page = client.get("/hub/calendar/", {"month": "2031-04"})
    text = page.content.decode()
    assert page.status_code == 200 and not page.cookies
    for shown in ("Online safety fair", "Policy round table", "Child Safety Summit 2031", "Cancelled clinic"):
        assert shown in text
    assert "Draft hackathon" not in text
    weeks = page.context["weeks"]
    days = {day: [e.title for e in evs] for week in weeks for day, evs in week}
    assert "Online safety fair" in days[date(2031, 4, 2)] and "Online safety fair" not in days[date(2031, 4, 3)]
    assert days[date(2031, 4, 8)] == ["Child Safety Summit 2031"]
    # A month before: the fair started in March and shows there too.
    march = client.get("/hub/calendar/", {"month": "2031-03"}).content.decode()
    assert "Online safety fair" in march and "Policy round table" not in march


def test_filters_by_country_and_pillar(client, events):
    kenya = client.get("/hub/calendar/", {"month": "2031-04", "country": "ke"}).content.decode()
    assert "Online safety fair" in kenya and "Child Safety Summit 2031" in kenya and "Policy round table" not in kenya
    pillar5 = client.get("/hub/calendar/list/", {"year": "2031", "pillar": events["pillars"][5].slug}).content.decode()
    assert "Policy round table" in pillar5 and "Online safety fair" not in pillar5
    assert "Child Safety Summit" not in pillar5  # occasions have no pillar


@pytest.mark.parametrize("query", [{"month": "2031-13"}, {"month": "x"}, {"month": "99999-01"}, {"country": "ZZ"},
                                   {"pillar": "../../etc"}, {"year": "-1"}, {"year": "1" * 40}])
def test_hostile_filters_fall_back_to_the_defaults(client, events, query):
    assert client.get("/hub/calendar/", query).status_code == 200
    assert client.get("/hub/calendar/list/", query).status_code == 200


def test_list_view_groups_a_year_by_month_and_defaults_to_the_latest_year(client, events):
    page = client.get("/hub/calendar/list/")
    assert page.context["year"] in (date.today().year, 2031)
    page = client.get("/hub/calendar/list/", {"year": "2031"})
    months = [m for m, _ in page.context["months"]]
    assert months == [date(2031, 3, 1), date(2031, 4, 1)]
    text = page.content.decode()
    assert "approximate" in text and "cancelled" in text
    assert f'/hub/calendar/activity/{events["talk"].pk}.ics' in text


def test_everything_feed_round_trips_through_icalendar(client, events):
    vevents = _by_summary(_parse(client.get("/hub/calendar.ics")))
    assert "Draft hackathon" not in vevents
    fair = vevents["Online safety fair"]
    assert fair.decoded("dtstart") == date(2031, 3, 30)
    assert fair.decoded("dtend") == date(2031, 4, 3)  # exclusive end of an all-day event (RFC 5545 3.6.1)
    assert str(fair["uid"]) == f"activity-{events['fair'].pk}@tutela"
    assert "Nairobi" in str(fair["location"]) and "Kenya" in str(fair["location"])
    assert str(fair["url"]).endswith(f"/activities/{events['fair'].pk}/")
    assert str(vevents["Cancelled clinic"]["status"]) == "CANCELLED"
    assert str(vevents["Policy round table"]["status"]) == "TENTATIVE"
    assert str(vevents["Child Safety Summit 2031"]["uid"]) == f"occasion-{events['summit'].pk}@tutela"
    for v in vevents.values():
        assert v.get("dtstamp") is not None and v.get("uid")


def test_country_and_pillar_feeds_hold_only_their_events(client, events):
    kenya = _by_summary(_parse(client.get("/hub/calendar/countries/KE.ics")))
    assert set(kenya) >= {"Online safety fair", "Cancelled clinic", "Child Safety Summit 2031"}
    assert "Policy round table" not in kenya
    brazil = _by_summary(_parse(client.get("/hub/calendar/countries/br.ics")))
    assert set(brazil) == {"Policy round table"}
    one = _by_summary(_parse(client.get(f"/hub/calendar/pillars/{events['pillars'][1].slug}.ics")))
    assert set(one) == {"Policy round table"}
    assert client.get("/hub/calendar/countries/ZZ.ics").status_code == 404
    assert client.get("/hub/calendar/pillars/no-such-pillar.ics").status_code == 404


def test_each_event_has_its_own_ics_and_unpublished_ones_do_not(client, events):
    one = _parse(client.get(f"/hub/calendar/activity/{events['talk'].pk}.ics"))
    assert [str(v["summary"]) for v in one] == ["Policy round table"]
    summit = _parse(client.get(f"/hub/calendar/occasion/{events['summit'].pk}.ics"))
    assert summit[0].decoded("dtend") == date(2031, 4, 8) + timedelta(days=2)
    assert client.get(f"/hub/calendar/activity/{events['hidden'].pk}.ics").status_code == 404
    assert client.get(f"/hub/calendar/project/{events['talk'].pk}.ics").status_code == 404
    assert client.get("/hub/calendar/activity/99999999999999999999.ics").status_code == 404


def test_a_signed_in_writer_gets_the_public_calendar_too(client, events, secretariat):
    client.force_login(secretariat)
    vevents = _by_summary(_parse(client.get("/hub/calendar.ics")))
    assert "Draft hackathon" not in vevents


def test_month_grid_puts_long_and_overlapping_events_on_every_day_they_cover(client, org_a):
    p = Pillar.objects.order_by("number").first()
    make = activities.activity_create
    long = make(actor=None, title="Year-long campaign", kind="training", starts_on=date(2031, 1, 10),
                ends_on=date(2031, 12, 20), country="GH", pillars=[p], partners=[(org_a, "organiser")])
    edge = make(actor=None, title="Month-end camp", kind="workshop", starts_on=date(2031, 6, 29), ends_on=date(2031, 7, 3),
                country="GH", pillars=[p], partners=[(org_a, "organiser")])
    page = client.get("/hub/calendar/", {"month": "2031-06"})
    weeks = page.context["weeks"]
    days = {day: [e.title for e in evs] for week in weeks for day, evs in week}
    assert len(days) == sum(len(w) for w in weeks) and all(len(w) == 7 for w in weeks)
    assert weeks[0][0][0] == date(2031, 5, 26) and weeks[-1][-1][0] == date(2031, 7, 6)  # Monday to Sunday
    assert all(days[d] and days[d][0] == "Year-long campaign" for d in days)  # on every drawn day, first by start
    for d, titles in days.items():
        assert ("Month-end camp" in titles) == (date(2031, 6, 29) <= d <= date(2031, 7, 3))
    text = page.content.decode()
    assert text.count(f'href="/activities/{long.pk}/"') == len(days)
    assert f'href="/activities/{edge.pk}/"' in text


def test_a_month_holds_the_events_touching_its_first_or_last_day_and_none_beside(client, org_a):
    """``core.querysets.DaysOverlap`` on this database (two comparisons, or ranges on PostgreSQL): both ends inclusive."""
    p = Pillar.objects.order_by("number").first()
    spans = {"Ends on the 1st": (date(2031, 8, 25), date(2031, 9, 1)), "Starts on the 30th": (date(2031, 9, 30), date(2031, 10, 2)),
             "Ends the day before": (date(2031, 8, 20), date(2031, 8, 31)), "Starts the day after": (date(2031, 10, 1), date(2031, 10, 1)),
             "Covers the month": (date(2031, 1, 1), date(2031, 12, 31)), "One day inside": (date(2031, 9, 15), date(2031, 9, 15))}
    for title, (starts, ends) in spans.items():
        activities.activity_create(actor=None, title=title, kind="workshop", starts_on=starts, ends_on=ends, country="GH",
                                   pillars=[p], partners=[(org_a, "organiser")])
    activities.occasion_create(actor=None, name="Occasion ending on the 1st", starts_on=date(2031, 8, 30),
                               ends_on=date(2031, 9, 1), country="GH")
    activities.occasion_create(actor=None, name="Occasion ending the day before", starts_on=date(2031, 8, 30),
                               ends_on=date(2031, 8, 31), country="GH")
    entries = client.get("/hub/calendar/", {"month": "2031-09"}).context["entries"]
    assert [e.title for e in entries] == ["Covers the month", "Ends on the 1st", "Occasion ending on the 1st",
                                          "One day inside", "Starts on the 30th"]


@pytest.mark.skipif("not __import__('django.db').db.connection.vendor == 'postgresql'")
def test_postgresql_answers_the_month_from_the_days_range_index():
    """The overlap's PostgreSQL form is the expression the GiST indexes of activities 0011 are built on."""
    from django.db import connection

    from tutela.activities.models import Activity, Occasion
    from tutela.core.querysets import DaysOverlap

    with connection.cursor() as cursor:
        # On a near-empty table the planner may prefer another plan; with plain and B-tree scans off, only
        # an index on the range expression can answer the condition.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        plans = [m.objects.filter(DaysOverlap("starts_on", "ends_on", date(2031, 9, 1), date(2031, 9, 30))).order_by().explain()
                 for m in (Activity, Occasion)]
        cursor.execute("SET enable_seqscan = on")
        cursor.execute("SET enable_indexscan = on")
    assert "activity_days_gist" in plans[0] and "occasion_days_gist" in plans[1]
