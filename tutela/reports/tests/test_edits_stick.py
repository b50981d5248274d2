"""A redraft keeps what the editor did: deleted paragraphs stay deleted, edited ones stay as edited."""

from datetime import date

import pytest

from tutela.activities.services import activity_create, activity_update
from tutela.initiatives.models import Pillar
from tutela.initiatives.services import initiative_create
from tutela.partners.models import Organisation
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
    ngo = organisation_create(
        actor=None, name="Safe Kids Network", acronym="SKN", kind="civil_society", country="PE"
    )
    initiative = initiative_create(
        actor=None,
        name="Online Safety Initiative",
        phase="First phase",
        mandate="Resolution 7",
        lead_organisation=secretariat_org,
        launched_on=date(2016, 6, 1),
    )
    pillar = Pillar.objects.first()
    made = [
        activity_create(
            actor=None,
            title=title,
            kind="workshop",
            status="held",
            starts_on=day,
            ends_on=day,
            city=city,
            country="PE",
            pillars=[pillar],
            partners=[(ngo, "organiser")],
            objective="Show how to keep children safe online",
        )
        for title, day, city in [
            ("Parents' workshop on online grooming", date(2017, 2, 8), "Lima"),
            ("Teachers' workshop on cyberbullying", date(2017, 4, 19), "Cusco"),
            ("Librarians' workshop on safe search", date(2017, 9, 27), "Arequipa"),
        ]
    ]
    report = report_create(
        actor=secretariat,
        title="Update 2017",
        initiative=initiative,
        period_start=date(2017, 1, 1),
        period_end=date(2017, 12, 31),
        opening_template="",
    )
    report_draft(actor=secretariat, report=report)
    return report, made


def _texts(report):
    return [p.text for p in report.paragraphs.order_by("order")]


def _with(report, words):
    return next(p for p in report.paragraphs.order_by("order") if words in p.text)


def test_a_deleted_paragraph_stays_deleted_on_redraft_and_an_edit_stays(drafted, secretariat):
    report, (grooming, bullying, search) = drafted
    paragraph_delete(actor=secretariat, paragraph=_with(report, "online grooming"))
    edited = paragraph_edit(
        actor=secretariat,
        paragraph=_with(report, "cyberbullying"),
        text="SKN ran a workshop for teachers in Cusco on cyberbullying.",
    )
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
    assert (
        report_draft(actor=secretariat, report=report)["added"] == 0
    )  # stable: a second redraft changes nothing
    assert _texts(report) == texts


def test_deleting_one_half_of_a_split_paragraph_keeps_the_other(drafted, secretariat):
    report, _made = drafted
    paragraph = _with(report, "safe search")
    assert len(paragraph.sentences) == 2
    second = paragraph_split(actor=secretariat, paragraph=paragraph, after_sentence=1)
    paragraph_delete(actor=secretariat, paragraph=second)
    report_draft(actor=secretariat, report=report)
    assert sum("safe search" in t for t in _texts(report)) == 1


def _workshop(title, day, city, pillar, ngo):
    return activity_create(
        actor=None,
        title=title,
        kind="workshop",
        status="held",
        starts_on=day,
        ends_on=day,
        city=city,
        country="PE",
        pillars=[pillar],
        partners=[(ngo, "organiser")],
    )


def test_an_edited_paragraph_whose_records_change_is_flagged_on_the_editor_page(drafted, secretariat, client):
    report, (_grooming, bullying, _search) = drafted
    paragraph_edit(
        actor=secretariat, paragraph=_with(report, "cyberbullying"), text="SKN ran a workshop in Cusco."
    )
    client.force_login(secretariat)
    assert (
        "The records changed since this paragraph was edited"
        not in client.get(f"/reports/{report.pk}/").content.decode()
    )
    activity_update(actor=None, activity=bullying, city="Puno")
    report_draft(actor=secretariat, report=report)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert (
        "The records changed since this paragraph was edited" in page
        and "SKN ran a workshop in Cusco." in page
    )
    assert "Puno" in page  # the new generated text is offered beside the edit


def test_a_new_record_becomes_a_paragraph_where_the_reports_order_puts_it(drafted, secretariat):
    report, (grooming, _bullying, _search) = drafted
    ngo, pillar = Organisation.objects.get(acronym="SKN"), Pillar.objects.first()
    # the editor moves nothing but writes a paragraph of their own after the April workshop
    from tutela.reports.services import paragraph_add

    april = _with(report, "cyberbullying").order
    paragraph_add(
        actor=secretariat, report=report, text="The April workshop was repeated on request.", after=april
    )
    _workshop("Nurses' workshop on sexting", date(2017, 6, 14), "Trujillo", pillar, ngo)
    _workshop("Coaches' workshop on gaming", date(2017, 12, 5), "Piura", pillar, ngo)
    _workshop("Judges' workshop on evidence", date(2017, 1, 10), "Tacna", pillar, ngo)

    summary = report_draft(actor=secretariat, report=report)
    assert summary["added"] == 3
    texts = _texts(report)
    order = [
        next(i for i, t in enumerate(texts) if words in t)
        for words in (
            "evidence",
            "grooming",
            "cyberbullying",
            "repeated on request",
            "sexting",
            "safe search",
            "gaming",
        )
    ]
    assert order == sorted(order), texts
    assert [p.order for p in report.paragraphs.order_by("order")] == list(range(1, len(texts) + 1))
    assert report_draft(actor=secretariat, report=report)["added"] == 0 and _texts(report) == texts


def test_grouped_by_pillar_a_new_record_joins_its_section(drafted, secretariat):
    from tutela.reports.models import Report

    report, (grooming, _bullying, _search) = drafted
    ngo = Organisation.objects.get(acronym="SKN")
    pillars = list(Pillar.objects.order_by("number"))
    Report.objects.filter(pk=report.pk).update(structure=Report.Structure.BY_PILLAR)
    report.refresh_from_db()
    _workshop("Engineers' workshop on filters", date(2017, 3, 1), "Ica", pillars[2], ngo)
    report_draft(actor=secretariat, report=report)
    _workshop("Police workshop on reporting", date(2017, 11, 2), "Cusco", pillars[2], ngo)
    _workshop("Mayors' workshop on policy", date(2017, 5, 2), "Lima", pillars[0], ngo)
    report_draft(actor=secretariat, report=report)
    sections = [p.section for p in report.paragraphs.order_by("order") if p.section]
    assert sections == sorted(sections, key=lambda s: next(p.number for p in pillars if p.name == s)), (
        sections
    )
    texts = _texts(report)
    assert texts.index(_with(report, "filters").text) + 1 == texts.index(_with(report, "reporting").text)
    assert texts.index(_with(report, "policy").text) < texts.index(_with(report, "filters").text)
