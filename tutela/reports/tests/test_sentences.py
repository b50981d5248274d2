"""Sentences a secretariat would write: who did what (by recorded role), articles, titles, splitting.

A corpus of generated activity shapes (kinds × roles × dates × titles), none from the demo, each
drafted through the services and checked for its opening sentence.
"""

import itertools
import re
from datetime import date

import pytest

from tutela.activities.services import activity_create
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.partners.services import organisation_create
from tutela.reports import drafting, prose, rendering
from tutela.reports.services import report_create, report_draft

pytestmark = pytest.mark.django_db

KINDS = {  # kind: (title without the owner's name, verb when organised, neutral verb)
    "workshop": ("Regional Workshop on Safer Schools", "organized", "took place"),
    "summit": ("Summit on Children's Rights Online", "held", "took place"),
    "publication": ("Updated Guidelines for Parents", "published", "were published"),  # a plural title: the verb agrees
}
ROLES = ["owner organises", "co-organiser only", "owner attends, other organises", "owner attends, none organises",
         "no organiser", "owner speaks, another attends, other organises", "owner organises under auspices"]
DATES = {"one day": (date(2016, 3, 7), date(2016, 3, 7), "On 7 March 2016"),
         "two days": (date(2016, 10, 25), date(2016, 10, 26), "On 25–26 October 2016")}
PREFIXED = [False, True]
SHAPES = list(itertools.product(KINDS, ROLES, DATES, PREFIXED))
assert len(SHAPES) == 84


@pytest.fixture
def world(secretariat, secretariat_org):
    other = organisation_create(actor=None, name="Ministry of Education and Sport", acronym="MoES", kind="government",
                                country="UG")
    ngo = organisation_create(actor=None, name="Child Helpline Uganda", acronym="CHU", kind="civil_society",
                              country="UG")
    initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="First phase",
                                   mandate="Resolution 7", lead_organisation=secretariat_org,
                                   launched_on=date(2015, 6, 1))
    return {"itu": secretariat_org, "other": other, "ngo": ngo, "initiative": initiative, "sec": secretariat}


def _partners(role: str, w: dict) -> list:
    return {
        "owner organises": [(w["itu"], "organiser")],
        "co-organiser only": [(w["itu"], "co_organiser")],
        "owner attends, other organises": [(w["ngo"], "organiser"), (w["itu"], "participant")],
        "owner attends, none organises": [(w["itu"], "participant")],
        "no organiser": [],
        "owner speaks, another attends, other organises": [(w["ngo"], "organiser"), (w["itu"], "speaker"),
                                                           (w["other"], "participant")],
        "owner organises under auspices": [(w["itu"], "organiser"), (w["other"], "auspices"), (w["ngo"], "partner")],
    }[role]


def _first_sentence(w: dict, kind: str, role: str, dates: str, prefixed: bool) -> str:
    title, _verb, _neutral = KINDS[kind]
    starts, ends, _when = DATES[dates]
    activity = activity_create(actor=None, title=("ITU " if prefixed else "") + title, kind=kind, status="held",
                               starts_on=starts, ends_on=ends, city="Kampala", country="UG",
                               pillars=[Pillar.objects.first()], partners=_partners(role, w))
    report = report_create(actor=w["sec"], title="Update 2016", initiative=w["initiative"],
                           period_start=date(2016, 1, 1), period_end=date(2016, 12, 31), opening_template="")
    report_draft(actor=w["sec"], report=report)
    paragraph = next(p for p in report.paragraphs.all() if p.keys == [f"activity:{activity.pk}"])
    return paragraph.sentences[0]["text"]


@pytest.mark.parametrize(("kind", "role", "dates", "prefixed"), SHAPES)
def test_the_opening_sentence_says_who_did_what(world, kind, role, dates, prefixed):
    title, verb, neutral = KINDS[kind]
    when = DATES[dates][2]
    text = _first_sentence(world, kind, role, dates, prefixed)
    # a proper title: quoted, no a/an, and not prefixed again with the name of an organisation the sentence names
    quoted = f"the “ITU {title}”" if prefixed and role == "no organiser" else f"the “{title}”"
    assert text.startswith(when + ", "), text
    assert quoted in text, text
    assert not re.search(r"\ban? ITU\b|ITU \w+ (?:an?|the) “ITU", text), text
    assert "in Kampala, Uganda" in text
    if role in ("owner organises", "co-organiser only"):
        assert text.startswith(f"{when}, ITU {verb} {quoted}"), text
        assert text.endswith("in Kampala, Uganda."), text
    elif role == "owner organises under auspices":
        assert text == (f"{when}, ITU {verb} {quoted} in Kampala, Uganda, under the auspices of the Ministry of "
                        "Education and Sport (MoES), in partnership with Child Helpline Uganda (CHU)."), text
    elif role == "owner speaks, another attends, other organises":
        assert text == (f"{when}, ITU spoke at and the Ministry of Education and Sport (MoES) took part in {quoted}, "
                        f"{verb} by Child Helpline Uganda (CHU) in Kampala, Uganda."), text
    elif role == "owner attends, other organises":
        assert f"ITU took part in {quoted}, {verb} by Child Helpline Uganda (CHU)" in text, text
    elif role == "owner attends, none organises":
        assert f"ITU took part in {quoted}" in text and verb not in text, text
    else:
        assert f"{when}, {quoted} {neutral}" in text and "ITU" not in text.replace(quoted, ""), text


def test_the_summary_counts_only_what_the_owner_organised(world):
    for i, (role, day) in enumerate([("owner organises", 3), ("owner attends, other organises", 10),
                                     ("no organiser", 17)]):
        activity_create(actor=None, title=f"Safer internet workshop {i}", kind="workshop", status="held",
                        starts_on=date(2016, 5, day), ends_on=date(2016, 5, day), city="Gulu", country="UG",
                        pillars=[Pillar.objects.first()], partners=_partners(role, world))
    report = report_create(actor=world["sec"], title="Update 2016", initiative=world["initiative"],
                           period_start=date(2016, 1, 1), period_end=date(2016, 12, 31), opening_template="")
    report_draft(actor=world["sec"], report=report)
    summary = report.paragraphs.get(keys=["awareness"]).text
    assert "through the organization of a workshop" in summary, summary
    assert "two workshops" not in summary and "three workshops" not in summary
    text = " ".join(p["text"] for p in rendering.document(report)["paragraphs"])
    assert "ITU organized" not in text.replace("ITU organized a safer internet workshop 0", ""), text


@pytest.mark.parametrize(("phrase", "expected"), [
    ("Updated Guidelines", "an"), ("updated guide", "an"), ("unified approach", "a"), ("useful toolkit", "a"),
    ("European forum", "a"), ("one-day workshop", "a"), ("hour-long session", "an"), ("ITU workshop", "an"),
    ("IGF session", "an"), ("UNICEF report", "a"), ("open forum", "an"), ("workshop", "a"), ("8-week course", "an"),
    ("MoU", "an"), ("SMS campaign", "an"), ("national strategy", "a"), ("ACOPEA pilot", "an"),
])
def test_the_article_is_computed_by_sound(phrase, expected):
    assert prose.article(phrase) == expected


@pytest.mark.parametrize(("text", "count"), [
    ("H.E. Ms Laura Chinchilla opened the forum. Delegates agreed.", 2),
    ("The Rev. John Smith spoke. Then Dr. A. B. Okafor closed it.", 2),
    ("It was chaired by J. K. Mensah of the U.S. delegation. A report followed.", 2),
    ("Prof. Ng presented. Mr. Diallo, St. Louis, replied! Was it agreed? Yes.", 4),
    ("Topics (e.g. sexting, i.e. sharing images) were covered. Next steps were set.", 2),
])
def test_sentences_split_at_sentence_ends_not_at_abbreviations_or_initials(text, count):
    assert len(drafting._split_sentences(text)) == count, drafting._split_sentences(text)


def test_a_ministry_is_named_in_full_with_its_acronym_at_first_mention(world):
    activity_create(actor=None, title="Safer internet workshop for head teachers", kind="workshop", status="held",
                    starts_on=date(2016, 8, 2), ends_on=date(2016, 8, 2), city="Mbale", country="UG",
                    pillars=[Pillar.objects.first()], partners=[(world["other"], "organiser")])
    activity_create(actor=None, title="Safer internet workshop for district officers", kind="workshop",
                    status="held", starts_on=date(2016, 9, 6), ends_on=date(2016, 9, 6), city="Jinja", country="UG",
                    pillars=[Pillar.objects.first()], partners=[(world["other"], "organiser")])
    report = report_create(actor=world["sec"], title="Update 2016", initiative=world["initiative"],
                           period_start=date(2016, 1, 1), period_end=date(2016, 12, 31), opening_template="")
    report_draft(actor=world["sec"], report=report)
    text = " ".join(p["text"] for p in rendering.document(report)["paragraphs"])
    first = text.index("MoES")
    assert text[:first + 4].endswith("the Ministry of Education and Sport (MoES"), text
    assert text.count("Ministry of Education and Sport") == 1, text  # the acronym afterwards


def _paragraph_text(w: dict, activity) -> str:
    report = report_create(actor=w["sec"], title="Update 2016", initiative=w["initiative"],
                           period_start=date(2016, 1, 1), period_end=date(2016, 12, 31), opening_template="")
    report_draft(actor=w["sec"], report=report)
    return report.paragraphs.get(keys=[f"activity:{activity.pk}"]).text


def test_hosts_funders_counted_states_and_outcomes_by_an_organisation_or_a_group(world):
    from tutela.activities.services import Count

    regional = organisation_create(actor=None, name="Arab Regional Office", acronym="ARO", kind="other")
    activity = activity_create(
        actor=None, title="consultation meeting on national frameworks", kind="meeting", status="held",
        starts_on=date(2016, 4, 12), ends_on=date(2016, 4, 13), city="Cairo", country="EG",
        pillars=[Pillar.objects.first()], topics=["Legal measures"],
        partners=[(world["itu"], "organiser"), (world["ngo"], "host"), (world["other"], "funder")],
        participation=[Count(group="government", count=14, unit="member_states"),
                       Count(group="government", count=3, unit="countries")],
        outcomes=[{"kind": "agreement", "text": "To draft a regional framework by 2017.",
                   "made_by_group": "the administrations of the Arab region"},
                  {"kind": "recommendation", "text": "National strategies name a lead agency.",
                   "made_by_organisation": regional}],
    )
    text = _paragraph_text(world, activity)
    assert text.startswith("On 12–13 April 2016, ITU held a consultation meeting on national frameworks in Cairo, "
                           "Egypt, hosted by Child Helpline Uganda (CHU), with funding from the Ministry of Education "
                           "and Sport (MoES)."), text
    assert "14 Member States took part. Participants from 3 countries took part." in text, text
    assert "The administrations of the Arab region agreed to draft a regional framework by 2017." in text, text
    assert "Arab Regional Office (ARO) recommended that national strategies name a lead agency." in text, text
    assert "It focused on" not in text, text  # a topic is not a recorded focus: no filler


def test_a_recorded_focus_is_said_and_children_are_never_counted_as_countries(world):
    from django.core.exceptions import ValidationError

    from tutela.activities.services import Count

    activity = activity_create(actor=None, title="Panel on Cyberbullying", kind="session", status="held",
                               starts_on=date(2016, 6, 1), ends_on=date(2016, 6, 1), country="UG",
                               pillars=[Pillar.objects.first()], partners=[(world["itu"], "speaker")],
                               focus="Bystander reporting in secondary schools")
    text = _paragraph_text(world, activity)
    assert text.startswith("On 1 June 2016, ITU spoke at the “Panel on Cyberbullying” in Uganda."), text
    assert "It focused on bystander reporting in secondary schools." in text, text
    with pytest.raises(ValidationError, match="counted as people"):
        activity_create(actor=None, title="x", kind="session", starts_on=date(2016, 6, 1),
                        pillars=[Pillar.objects.first()],
                        participation=[Count(group="children", count=9, min_age=8, max_age=12, unit="countries")])
