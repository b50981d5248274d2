"""The demo holds every fact of the seed report's ten paragraphs."""

from datetime import date

import pytest
from django.core.management import call_command

from tutela.activities.models import Activity, Occasion, Project
from tutela.core.choices import FigureKind
from tutela.figures.models import Figure
from tutela.initiatives.models import Appointment, Initiative, Pillar
from tutela.partners.models import Agreement, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def activity(title_part: str) -> Activity:
    return Activity.objects.get(title__icontains=title_part)


def partners(a: Activity, role: str | None = None) -> set[str]:
    qs = a.partner_roles.select_related("organisation")
    if role:
        qs = qs.filter(role=role)
    return {p.organisation.acronym or p.organisation.name for p in qs}


def test_p1_initiative_mandate_phase_patron_and_five_pillars(demo):
    initiative = Initiative.objects.get(name="COP Global Initiative")
    assert initiative.launched_on == date(2010, 11, 17)
    assert "Resolution 179" in initiative.mandate and "Guadalajara, 2010" in initiative.mandate
    assert initiative.phase == "Second phase"
    patron = Appointment.objects.on(initiative).get(role="patron")
    assert patron.person.full_name == "Laura Chinchilla"
    assert "President of Costa Rica" in patron.person.position
    assert list(Pillar.objects.values_list("name", flat=True)) == [
        "Legal Measures", "Technical and Procedural Measures", "Organizational Structures",
        "Capacity Building", "International Cooperation",
    ]
    assert initiative.deliverables.count() >= 5


def test_p3_addis_ababa_pilot_ambassadors_schools_banner_estimate_and_follow_on(demo):
    pilot = Activity.objects.get(kind=Activity.Kind.PILOT)
    assert pilot.country == "ET" and pilot.city == "Addis Ababa"
    assert pilot.kind == Activity.Kind.PILOT
    assert partners(pilot, "organiser") == {"ITU"} and partners(pilot, "co_organiser") == {"ACOPEA"}
    assert partners(pilot, "funder") == {"Facebook"}
    assert "Click Safe, Click Clever" in pilot.summary
    assert pilot.ends_on == date(2014, 1, 31)
    figures = Figure.objects.about(pilot)
    hundred = figures.get(indicator__code="safety-ambassadors-trained", measure="actual")
    fifty = figures.get(indicator__code="safety-ambassadors-trained", measure="target")
    assert (hundred.value, fifty.value) == (100, 50)
    assert hundred.source != fifty.source
    assert figures.get(indicator__code="schools-engaged").value == 25
    children = figures.get(indicator__code="children-reached")
    assert children.value == 15000 and children.kind == FigureKind.ESTIMATED and children.method
    partnership = Agreement.objects.get(parties__acronym="ACOPEA")
    assert partnership.signed_on.year == 2013 and partnership.signed_on.month == 8
    project = Project.objects.get(name="African E-Safety Project")
    assert project.stage == Project.Stage.PLANNED and project.follows == pilot
    assert {o.short for o in project.partners.all()} == {"ITU", "Facebook", "ACOPEA"}


def test_p4_oman_strategy_framework_workshop(demo):
    workshop = activity("Strategy Framework workshop")
    assert workshop.country == "OM" and (workshop.starts_on.year, workshop.starts_on.month) == (2013, 10)
    assert partners(workshop) == {"ITU-IMPACT", "Oman"}
    assert Organisation.objects.get(acronym="ITU-IMPACT").parent.acronym == "ITU"
    assert "national stakeholders" in workshop.objective


def test_p5_igf_open_forum_and_open_consultation_on_industry_guidelines(demo):
    forum = activity("open forum on the draft")
    assert forum.occasion.short_name == "IGF 2013" and forum.occasion.city == "Bali"
    assert forum.starts_on == date(2013, 10, 24)
    assert partners(forum) == {"ITU", "UNICEF"}
    assert forum.outcomes.filter(kind="recommendation", text__icontains="updated").exists()
    consultation = activity("Open consultation")
    assert "consensus at the international level" in consultation.outcomes.get().text
    assert "mid-2014" in consultation.outcomes.get().text


def test_p6_telecom_world_session_champion_and_four_point_call(demo):
    session = activity("VISION BYND 2015")
    assert session.occasion.name == "ITU Telecom World 2013" and session.city == "Bangkok"
    assert session.starts_on == date(2013, 11, 21)
    assert "BYND 2015" in session.follows_up and "Costa Rica" in session.follows_up
    call = session.outcomes.get(kind="call_for_action")
    assert call.made_by.full_name == "Patience Jonathan"
    assert len(call.points) == 4
    assert any("freedom of speech, association and privacy" in p for p in call.points)
    assert Appointment.objects.get(role="champion").person.position == "First Lady of Nigeria"
    assert Occasion.objects.get(short_name="BYND 2015").starts_on == date(2013, 9, 9)


def test_p7_jca_cop_fourth_and_fifth_meetings_doc047_co_chairs_and_liaison(demo):
    assert activity("4th meeting of the Joint Coordination").starts_on == date(2013, 12, 3)
    fifth = activity("5th meeting of the Joint Coordination")
    assert fifth.starts_on == date(2014, 1, 15)
    texts = " ".join(fifth.outcomes.values_list("text", flat=True))
    for fact in ("September 2015", "DOC047", "Ashley Heineman", "Philip Ruston", "SG17", "TSAG"):
        assert fact in texts


def test_p8_trend_micro_mou_and_its_commitment(demo):
    mou = Agreement.objects.get(kind="mou")
    assert {o.short for o in mou.parties.all()} == {"ITU", "Trend Micro"}
    assert "Global Cybersecurity Agenda" in mou.framework
    assert "more secure and safer information society" in mou.objectives
    commitment = mou.commitments.get()
    assert "ITU membership on a regular basis" in commitment.text and commitment.cadence == "regular"


def test_p9_world_cafe_at_baku_conference(demo):
    cafe = activity("World Café")
    assert cafe.kind == Activity.Kind.WORLD_CAFE
    assert cafe.occasion.name == "Global Cybersecurity Cooperation: Challenges and Vision"
    assert (cafe.occasion.starts_on, cafe.occasion.ends_on) == (date(2013, 12, 2), date(2013, 12, 3))
    assert cafe.occasion.organiser.country == "AZ"


def test_p10_two_safer_internet_day_events_and_their_four_topics(demo):
    day = Activity.objects.get(occasion__short_name="SID 2014", parent__isnull=True)
    assert day.starts_on == date(2014, 2, 11) and "ICT Discovery" in day.venue
    assert partners(day) == {"ITU", "Action Innocence", "(ISC)²"}
    parts = {a.title: a for a in day.parts.all()}
    assert len(parts) == 2
    parents = next(a for a in parts.values() if "parents" in a.title)
    assert partners(parents, "trainer") == {"Action Innocence"}
    children = next(a for a in parts.values() if "Safe and Secure Online" in a.title)
    assert partners(children, "trainer") == {"(ISC)²"}
    band = children.participation.get()
    assert (band.group, band.min_age, band.max_age) == ("children", 10, 14)
    assert set(children.topics.values_list("name", flat=True)) == {"Cyberbullying", "Sexting", "Online reputation", "Social media"}


def test_the_demo_loads_once_and_is_skipped_when_data_exists(demo):
    count = Activity.objects.count()
    call_command("load_demo", "--if-empty", stdout=open("/dev/null", "w"))
    assert Activity.objects.count() == count
