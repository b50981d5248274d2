"""A report's details are editable until sign-off, and a reversed period is a sentence on the field."""

from datetime import date

import pytest

from tutela.core.models import AuditEntry
from tutela.initiatives.services import initiative_create
from tutela.reports import rendering
from tutela.reports.models import Report
from tutela.reports.services import report_create, report_draft, report_finalise

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(secretariat, secretariat_org):
    initiative = initiative_create(actor=None, name="Online Safety Initiative", phase="First phase",
                                   mandate="Resolution 7", lead_organisation=secretariat_org,
                                   launched_on=date(2018, 6, 1))
    return report_create(actor=secretariat, title="Update 2019", initiative=initiative,
                         period_start=date(2019, 1, 1), period_end=date(2019, 12, 31))


def _form(report, **changes):
    data = {"title": report.title, "presented_to": "", "meeting": "", "meeting_place": "", "meeting_date": "",
            "document_number": "", "document_date": "", "author": "", "period_start": "2019-01-01",
            "period_end": "2019-12-31", "structure": "chronological", "opening_template": report.opening_template}
    data.update(changes)
    return data


def test_a_reversed_period_is_a_sentence_on_the_field_not_a_constraint_name(client, secretariat, report):
    client.force_login(secretariat)
    response = client.post(f"/reports/{report.pk}/edit/", _form(report, period_start="2019-06-01",
                                                                period_end="2019-02-01"))
    page = response.content.decode()
    assert response.status_code == 422
    assert "before it starts" in page and "report_period_ordered" not in page and "Constraint" not in page
    new = client.post("/reports/new/", {**_form(report, period_start="2019-06-01", period_end="2019-02-01"),
                                        "initiative": report.initiative_id})
    assert new.status_code == 422 and "report_period_ordered" not in new.content.decode()
    report.refresh_from_db()
    assert report.period_end == date(2019, 12, 31)


def test_title_number_dates_period_opening_and_grouping_can_be_changed_until_sign_off(client, secretariat, report):
    client.force_login(secretariat)
    response = client.post(f"/reports/{report.pk}/edit/", _form(
        report, title="Update on the initiative, 2019", document_number="CWG-COP/11/4", document_date="2019-10-02",
        period_start="2019-02-01", period_end="2019-09-30", structure="by_pillar", opening_template="",
        meeting="11th meeting", meeting_place="Geneva", meeting_date="2019-10-14"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.title, report.document_number, report.document_date, report.period_start, report.period_end,
            report.structure, report.opening_template) == (
        "Update on the initiative, 2019", "CWG-COP/11/4", date(2019, 10, 2), date(2019, 2, 1), date(2019, 9, 30),
        "by_pillar", "")
    assert AuditEntry.objects.filter(action="report.updated").exists()
    doc = rendering.document(report)
    assert "2 October 2019" in rendering.to_markdown(doc) and "2 October 2019" in client.get(
        report.get_absolute_url()).content.decode()

    report_draft(actor=secretariat, report=report)
    report_finalise(actor=secretariat, report=report)
    frozen = client.post(f"/reports/{report.pk}/edit/", _form(report, title="Changed after sign-off",
                                                              period_start="2019-02-01", period_end="2019-09-30"))
    assert frozen.status_code == 422 and "signed off" in frozen.content.decode()
    assert Report.objects.get(pk=report.pk).title == "Update on the initiative, 2019"


def test_language_is_editable_and_every_refusal_is_a_sentence(client, secretariat, report):
    client.force_login(secretariat)
    assert client.post(f"/reports/{report.pk}/edit/", _form(report, language="fr")).status_code == 302
    report.refresh_from_db()
    assert report.language == "fr" and "Original: French" in client.get(report.get_absolute_url()).content.decode()
    response = client.post(f"/reports/{report.pk}/edit/", _form(report, title="", period_start="", period_end="1 May",
                                                                document_date="tomorrow", language="xx"))
    page = response.content.decode()
    assert response.status_code == 422
    for sentence in ("Give the report a title.", "Say the day the period starts.",
                     "Write the last day of the period as a date", "Write the document&#x27;s date as a date"):
        assert sentence in page, sentence
    assert "This field is required" not in page and "Enter a valid date" not in page
    from django.core.exceptions import ValidationError

    from tutela.reports.services import report_update

    with pytest.raises(ValidationError) as unknown:
        report_update(actor=secretariat, report=report, language="xx")
    assert "Choose the document's original language" in " ".join(unknown.value.messages)


def test_a_new_grouping_puts_the_drafted_paragraphs_in_its_order(client, secretariat, report):
    from tutela.activities.services import activity_create
    from tutela.initiatives.models import Pillar
    from tutela.reports.services import paragraph_add

    pillars = {p.number: p for p in Pillar.objects.all()}
    for title, month, pillar in [("Judges' seminar", 2, 1), ("Engineers' workshop", 3, 2), ("Lawyers' workshop", 4, 1),
                                 ("Teachers' workshop", 5, 4), ("Network operators' workshop", 6, 2)]:
        activity_create(actor=None, title=title, kind="workshop", status="held", starts_on=date(2019, month, 3),
                        ends_on=date(2019, month, 3), city="Quito", country="EC", pillars=[pillars[pillar]],
                        partners=[(report.initiative.lead_organisation, "organiser")])
    Report.objects.filter(pk=report.pk).update(opening_template="")
    report.refresh_from_db()
    report_draft(actor=secretariat, report=report)
    engineers = next(p for p in report.paragraphs.all() if "engineers" in p.text)
    paragraph_add(actor=secretariat, report=report, text="The engineers asked for a second round.",
                  after=engineers.order)

    def order():
        return [next(w for w in ("second round", "judges", "engineers", "lawyers", "teachers", "network operators",
                                 "awareness") if w in p.text.lower()) for p in report.paragraphs.order_by("order")]

    assert order() == ["awareness", "judges", "engineers", "second round", "lawyers", "teachers", "network operators"]
    client.force_login(secretariat)
    assert client.post(f"/reports/{report.pk}/edit/", _form(report, structure="by_pillar")).status_code == 302
    assert order() == ["awareness", "judges", "lawyers", "engineers", "second round", "network operators", "teachers"]
    numbers = [p.order for p in report.paragraphs.order_by("order")]
    assert numbers == list(range(1, 8))
    assert client.post(f"/reports/{report.pk}/edit/", _form(report, structure="chronological")).status_code == 302
    assert order() == ["awareness", "judges", "engineers", "second round", "lawyers", "teachers", "network operators"]
