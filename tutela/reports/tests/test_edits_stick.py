"""A redraft keeps what the editor did: deleted paragraphs stay deleted, edited ones stay as edited."""

from datetime import date

import pytest

from tutela.activities.services import activity_create, activity_update
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.partners.services import organisation_create
from tutela.reports.services import (
    paragraph_delete,
    paragraph_edit,
    paragraph_split,
    report_create,
    report_draft,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafted(secretariat, secretariat_org):
    ngo = organisation_create(actor=None, name="Safe Kids Network", acronym="SKN", kind="civil_society", country="PE")
    initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="First phase",
                                   mandate="Resolution 7", lead_organisation=secretariat_org,
                                   launched_on=date(2016, 6, 1))
    pillar = Pillar.objects.first()
    made = [activity_create(actor=None, title=title, kind="workshop", status="held", starts_on=day, ends_on=day,
                            city=city, country="PE", pillars=[pillar], partners=[(ngo, "organiser")],
                            objective="Show how to keep children safe online")
            for title, day, city in [("Parents' workshop on online grooming", date(2017, 2, 8), "Lima"),
                                     ("Teachers' workshop on cyberbullying", date(2017, 4, 19), "Cusco"),
                                     ("Librarians' workshop on safe search", date(2017, 9, 27), "Arequipa")]]
    report = report_create(actor=secretariat, title="Update 2017", initiative=initiative,
                           period_start=date(2017, 1, 1), period_end=date(2017, 12, 31), opening_template="")
    report_draft(actor=secretariat, report=report)
    return report, made


def _texts(report):
    return [p.text for p in report.paragraphs.order_by("order")]


def _with(report, words):
    return next(p for p in report.paragraphs.order_by("order") if words in p.text)


def test_a_deleted_paragraph_stays_deleted_on_redraft_and_an_edit_stays(drafted, secretariat):
    report, (grooming, bullying, search) = drafted
    paragraph_delete(actor=secretariat, paragraph=_with(report, "online grooming"))
    edited = paragraph_edit(actor=secretariat, paragraph=_with(report, "cyberbullying"),
                            text="SKN ran a workshop for teachers in Cusco on cyberbullying.")
    activity_update(actor=None, activity=bullying, city="Puno")  # its records change after the edit
    before = len(_texts(report))

    summary = report_draft(actor=secretariat, report=report)
    texts = _texts(report)
    assert not any("grooming" in t for t in texts), texts
    assert summary["deleted"] == 1 and summary["added"] == 0
    assert len(texts) == before
    edited.refresh_from_db()
    assert edited.text == "SKN ran a workshop for teachers in Cusco on cyberbullying."
    assert edited.pending_sentences and "Puno" in " ".join(s["text"] for s in edited.pending_sentences)
    assert report_draft(actor=secretariat, report=report)["added"] == 0  # stable: a second redraft changes nothing
    assert _texts(report) == texts


def test_deleting_one_half_of_a_split_paragraph_keeps_the_other(drafted, secretariat):
    report, _made = drafted
    paragraph = _with(report, "safe search")
    assert len(paragraph.sentences) == 2
    second = paragraph_split(actor=secretariat, paragraph=paragraph, after_sentence=1)
    paragraph_delete(actor=secretariat, paragraph=second)
    report_draft(actor=secretariat, report=report)
    assert sum("safe search" in t for t in _texts(report)) == 1
