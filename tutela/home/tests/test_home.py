"""The home page: open consultations with deadlines, coming events, latest documents, headline
figures with their kinds, each as the visitor may see it; the initiative's configured name and logo."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tutela.activities.services import activity_create
from tutela.consultations import services as consultations
from tutela.figures.models import Indicator
from tutela.figures.services import dashboard_refresh, figure_create
from tutela.initiatives.models import Pillar

pytestmark = pytest.mark.django_db

TEXT = "# Scope\n\nCompanies name a person responsible for child protection.\n"


@pytest.fixture
def version(secretariat, org_a):
    document = consultations.document_create(actor=secretariat, title="Guidelines for Parents", audience="parents_educators",
                                             edition="2026", owner_organisation=org_a)
    return consultations.version_import(actor=secretariat, document=document, label="Draft 1", source=TEXT, publish=True)


def _consultation(actor, version, code, *, opens, closes, **extra):
    now = timezone.now()
    return consultations.consultation_create(actor=actor, version=version, title=f"Consultation {code}", code=code,
                                             opens_at=now + opens, closes_at=now + closes, time_zone="UTC", **extra)


def test_open_consultations_show_with_their_deadline_and_closed_or_unpublished_ones_do_not(client, secretariat, version):
    soon = _consultation(secretariat, version, "OPEN1", opens=timedelta(days=-2), closes=timedelta(days=3))
    later = _consultation(secretariat, version, "OPEN2", opens=timedelta(days=-1), closes=timedelta(days=40))
    _consultation(secretariat, version, "SHUT", opens=timedelta(days=-30), closes=timedelta(days=-1))
    _consultation(secretariat, version, "FUTURE", opens=timedelta(days=2), closes=timedelta(days=9))
    _consultation(secretariat, version, "HIDDEN", opens=timedelta(days=-1), closes=timedelta(days=5), is_published=False)
    html = client.get(reverse("home:index")).content.decode()
    assert "Consultation OPEN1" in html and "Consultation OPEN2" in html
    assert "Consultation SHUT" not in html and "Consultation FUTURE" not in html and "Consultation HIDDEN" not in html
    # Nearest deadline first, each with its closing date.
    assert html.index("Consultation OPEN1") < html.index("Consultation OPEN2")
    assert f"Comments close {soon.closes_at:%-d %B %Y}" in html.replace("\xa0", " ")
    assert f"{later.closes_at:%-d %B %Y}" in html
    client.force_login(secretariat)
    assert "Consultation HIDDEN" in client.get(reverse("home:index")).content.decode()


def test_next_events_are_future_readable_activities_soonest_first(client, secretariat, focal_point, org_a):
    pillar = Pillar.objects.first()
    today = timezone.localdate()

    def make(title, days, **extra):
        return activity_create(actor=extra.pop("actor", secretariat), title=title, kind="workshop",
                               starts_on=today + timedelta(days=days), ends_on=today + timedelta(days=days),
                               pillars=[pillar], partners=[(org_a, "organiser")], **extra)

    make("Workshop far ahead", 60)
    make("Workshop next week", 7)
    make("Workshop last year", -400)
    make("Draft workshop of A", 3, actor=focal_point)  # submitted: waits for review, not public
    html = client.get(reverse("home:index")).content.decode()
    assert html.index("Workshop next week") < html.index("Workshop far ahead")
    assert "Workshop last year" not in html
    assert "Draft workshop of A" not in html
    client.force_login(focal_point)
    assert "Draft workshop of A" in client.get(reverse("home:index")).content.decode()


def test_headline_figures_say_their_kind_link_to_their_records_and_never_add_kinds(client, secretariat):
    indicator = Indicator.objects.create(code="people-trained", name="People trained", unit="people")
    for value, kind in ((120, "counted"), (30, "counted"), (5000, "estimated")):
        figure_create(actor=secretariat, indicator=indicator, value=Decimal(value), kind=kind, source="Register",
                      as_of=date(2026, 6, 1), method="" if kind == "counted" else "Attendance times the cascade ratio")
    dashboard_refresh()
    html = client.get(reverse("home:index")).content.decode()
    assert "People trained" in html
    assert ">150<" in html and ">5,000<" in html and "5,150" not in html
    assert '<span class="kind counted">counted</span>' in html and '<span class="kind estimated">estimated</span>' in html
    assert "indicator=people-trained&amp;kind=counted&amp;measure=actual&amp;level=top" in html
    # The link leads to exactly the figures behind the total.
    listed = client.get(reverse("figures:figure_list"), {"indicator": "people-trained", "kind": "counted",
                                                         "measure": "actual", "level": "top"})
    assert listed.status_code == 200 and listed.content.decode().count("Register") >= 2


def test_children_figures_on_the_home_page_are_disclosure_controlled(client, secretariat, settings):
    indicator = Indicator.objects.create(code="children-reached", name="Children reached", unit="children")
    figure_create(actor=secretariat, indicator=indicator, value=Decimal(3), kind="counted", source="Pilot",
                  as_of=date(2026, 6, 1), group="children", min_age=9, max_age=12)
    figure_create(actor=secretariat, indicator=indicator, value=Decimal(1234), kind="counted", source="Pilot",
                  as_of=date(2026, 6, 1), group="children", min_age=13, max_age=17)
    dashboard_refresh()
    public = client.get(reverse("home:index")).content.decode()
    assert "1,237" not in public and ">3<" not in public  # the small cell is withheld, the total rounded
    assert "withheld" in public
    client.force_login(secretariat)
    assert ">1,237<" in client.get(reverse("home:index")).content.decode()


def test_the_initiatives_name_and_logo_are_configurable_and_never_from_another_site(client, settings):
    settings.INITIATIVE_NAME = "Safer Internet Initiative of Ruritania"
    settings.INITIATIVE_LOGO = "favicon.svg"
    html = client.get(reverse("home:index")).content.decode()
    assert "<h1>Safer Internet Initiative of Ruritania</h1>" in html
    assert '<img class="home-logo" src="/static/favicon.svg"' in html
    settings.INITIATIVE_LOGO = "https://cdn.example.com/logo.png"
    client.cookies["x"] = "1"  # past the anonymous page cache
    assert "cdn.example.com" not in client.get(reverse("home:index")).content.decode()


def test_the_name_falls_back_to_the_recorded_initiative(client, secretariat):
    from tutela.initiatives.services import initiative_create

    initiative_create(actor=secretariat, name="Child Online Protection Global Initiative")
    assert "<h1>Child Online Protection Global Initiative</h1>" in client.get(reverse("home:index")).content.decode()


def test_an_empty_site_says_so_in_each_panel(client):
    html = client.get(reverse("home:index")).content.decode()
    for sentence in ("No consultation is open for comment now.", "No event is planned yet.",
                     "No document is published yet.", "No figure is published yet."):
        assert sentence in html


def test_headline_figures_name_their_kind_in_the_pages_language(client, secretariat):
    indicator = Indicator.objects.create(code="people-trained", name="People trained", unit="people")
    figure_create(actor=secretariat, indicator=indicator, value=Decimal(5000), kind="estimated", source="Register",
                  as_of=date(2026, 6, 1), method="Attendance times the cascade ratio")
    dashboard_refresh()
    html = client.get("/fr/").content.decode()
    assert '<span class="kind estimated">estimé</span>' in html
    assert ">estimated<" not in html and "chiffres estimated" not in html
