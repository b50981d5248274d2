"""A drafted report is public output: a small count of children reads "fewer than 5", never its value."""

import re
from datetime import date

import pytest
from django.test import override_settings

from tutela.activities.services import activity_create
from tutela.figures.services import figure_create, indicator_get_or_create
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.reports import rendering
from tutela.reports.services import report_create, report_draft

pytestmark = pytest.mark.django_db


def _drafted(secretariat, org, *values, **figure):
    initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="First phase",
                                   mandate="Resolution 7", lead_organisation=org, launched_on=date(2019, 6, 1))
    workshop = activity_create(actor=None, title="Safer internet workshop for pupils", kind="workshop", status="held",
                               starts_on=date(2021, 5, 10), ends_on=date(2021, 5, 11), city="Lusaka", country="ZM",
                               pillars=[Pillar.objects.first()], partners=[(org, "organiser")])
    reached = indicator_get_or_create(code="children-reached", name="Children reached", unit="children")
    for value, extra in values:
        figure_create(actor=None, indicator=reached, value=value, kind="counted", source="Attendance sheet",
                      as_of=date(2021, 5, 11), subject=workshop, group="children", min_age=9, max_age=12,
                      **extra, **figure)
    report = report_create(actor=secretariat, title="Update 2021", initiative=initiative,
                           period_start=date(2021, 1, 1), period_end=date(2021, 12, 31), opening_template="")
    report_draft(actor=secretariat, report=report)
    doc = rendering.document(report)
    text = " ".join(p["text"] for p in doc["paragraphs"])
    labels = " ".join(s["label"] for p in doc["paragraphs"] for s in p["sources"])
    return text, labels


def test_a_figure_of_three_children_is_drafted_as_fewer_than_five(secretariat, secretariat_org):
    text, labels = _drafted(secretariat, secretariat_org, (3, {}))
    assert "fewer than 5 children reached (counted)" in text
    assert not re.search(r"\b3\b", text) and not re.search(r"\b3\b", labels), (text, labels)
    assert "fewer than 5 children reached" in labels  # the source's label does not give it away either


@override_settings(DISCLOSURE_THRESHOLD=10)
def test_the_threshold_comes_from_the_setting(secretariat, secretariat_org):
    text, _labels = _drafted(secretariat, secretariat_org, (7, {}))
    assert "fewer than 10 children reached" in text and not re.search(r"\b7\b", text)


def test_a_complementary_cell_is_withheld_without_a_bound(secretariat, secretariat_org):
    # girls 3 (small), boys 40: the boys are withheld too, or the total would give the girls away
    text, labels = _drafted(secretariat, secretariat_org, (43, {}), (3, {"sex": "female"}), (40, {"sex": "male"}))
    assert "43 children reached" in text and "fewer than 5 children reached" in text
    assert "a withheld number of children reached" in text
    assert not re.search(r"\b(3|40)\b", text + labels)
