"""IATI 2.03: the activity and organisation files validate against the bundled official XSD; activities
lacking what IATI requires are skipped with the reason; children's small figures are withheld."""

import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from tutela.activities import services as activities
from tutela.activities.models import Activity
from tutela.figures import services as figures
from tutela.hub import iati
from tutela.initiatives.models import Pillar

pytestmark = pytest.mark.django_db
SCHEMAS = Path(iati.__file__).parent / "iati_schema"


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def _activities_file(client) -> etree._Element:
    response = client.get("/hub/iati/activities.xml")
    assert response.status_code == 200 and response.streaming and not response.cookies
    content = b"".join(response.streaming_content)
    doc = etree.fromstring(content)
    schema = _schema("iati-activities-schema.xsd")
    assert schema.validate(doc), schema.error_log
    return doc


@pytest.fixture
def records(org_a, org_b):
    p = {x.number: x for x in Pillar.objects.all()}
    org_b.kind = "private_sector"
    org_b.save()
    make = activities.activity_create
    full = make(actor=None, title="Teacher training, Nairobi", kind="training", status="held", starts_on=date(2024, 3, 4),
                ends_on=date(2024, 3, 6), country="KE", pillars=[p[4], p[1], p[2]], summary="Three days for 40 teachers.",
                objective="Teachers can handle online abuse reports.",
                partners=[(org_a, "organiser"), (org_b, "funder")])
    planned = make(actor=None, title="Regional forum", kind="regional_forum", status="planned", starts_on=date(2031, 5, 1),
                   country="BR", pillars=[p[5]], objective="Agree a regional plan.", partners=[(org_a, "co_organiser")])
    no_text = make(actor=None, title="Bare workshop", kind="workshop", starts_on=date(2024, 1, 1), country="OM",
                   pillars=[p[4]], partners=[(org_a, "organiser")])
    online = make(actor=None, title="Webinar for parents", kind="session", starts_on=date(2024, 2, 1), online=True,
                  pillars=[p[4]], summary="An hour online.", partners=[(org_a, "organiser")])
    only_participant = make(actor=None, title="Summit attended", kind="summit", starts_on=date(2024, 2, 2), country="FR",
                            pillars=[p[5]], summary="We attended.", partners=[(org_b, "participant")])
    hidden = make(actor=None, title="Unpublished", kind="workshop", starts_on=date(2024, 1, 3), country="OM",
                  pillars=[p[4]], summary="x", partners=[(org_a, "organiser")], is_published=False)
    reached = figures.indicator_get_or_create(code="teachers-trained", name="Teachers trained", unit="people")
    kids = figures.indicator_get_or_create(code="children-reached", name="Children reached", unit="children")
    common = {"actor": None, "source": "Attendance sheets", "as_of": date(2024, 3, 6), "subject": full,
              "owner_organisation": org_a, "country": "KE"}
    figures.figure_create(indicator=reached, value=40, kind="counted", **common)
    figures.figure_create(indicator=reached, value=50, kind="estimated", measure="target", low=45, high=60,
                          method="Enrolment lists times the usual turnout.", **common)
    figures.figure_create(indicator=kids, value=3, kind="counted", group="children", min_age=6, max_age=8, **common)
    return {"full": full, "planned": planned, "no_text": no_text, "online": online, "only_participant": only_participant,
            "hidden": hidden}


def _by_id(doc) -> dict:
    return {a.findtext("iati-identifier"): a for a in doc.findall("iati-activity")}


def test_activity_file_validates_and_maps_the_fields(client, records, settings):
    settings.IATI_REPORTING_ORG_REF = "XM-DAC-41114"
    doc = _activities_file(client)
    assert doc.get("version") == "2.03"
    acts = _by_id(doc)
    assert set(acts) == {f"XM-DAC-41114-{records['full'].pk}", f"XM-DAC-41114-{records['planned'].pk}"}
    full = acts[f"XM-DAC-41114-{records['full'].pk}"]
    assert full.find("reporting-org").get("ref") == "XM-DAC-41114"
    assert [(o.get("role"), o.get("type"), o.findtext("narrative")) for o in full.findall("participating-org")] == [
        ("4", None, records["full"].partner_roles.get(role="organiser").organisation.name),
        ("1", "70", records["full"].partner_roles.get(role="funder").organisation.name)]
    assert full.find("activity-status").get("code") == "3"
    assert [(d.get("type"), d.get("iso-date")) for d in full.findall("activity-date")] == [("2", "2024-03-04"), ("4", "2024-03-06")]
    assert full.find("recipient-country").get("code") == "KE"
    sectors = {s.get("code"): s.get("percentage") for s in full.findall("sector")}
    assert set(sectors) == {"15130", "22040", "11430"} and sum(float(v) for v in sectors.values()) == 100
    assert all(s.get("vocabulary") == "1" for s in full.findall("sector"))
    planned = acts[f"XM-DAC-41114-{records['planned'].pk}"]
    assert planned.find("activity-status").get("code") == "1"
    assert [d.get("type") for d in planned.findall("activity-date")] == ["1", "3"]
    assert planned.find("description").get("type") == "2"  # objective only


def test_results_come_from_figures_with_their_kind_and_children_withheld(client, records):
    full = _by_id(_activities_file(client))[f"XI-IATI-TUTELA-{records['full'].pk}"]
    results = {r.findtext("title/narrative"): r for r in full.findall("result")}
    teachers = results["Teachers trained"].find("indicator")
    assert "counted" in teachers.findtext("description/narrative") and "estimated" in teachers.findtext("description/narrative")
    period = teachers.find("period")
    target, actual = period.find("target"), period.find("actual")
    assert target.get("value") == "50" and "Estimated, range 45–60" in target.findtext("comment/narrative")
    assert actual.get("value") == "40" and actual.findtext("comment/narrative").startswith("Counted")
    children = results["Children reached"].find("indicator/period/actual")
    assert children.get("value") is None and "withheld" in children.findtext("comment/narrative")
    assert {(d.get("name"), d.get("value")) for d in children.findall("dimension")} >= {("group", "children"), ("age", "6-8")}


def test_activities_lacking_required_fields_are_skipped_with_the_reason(client, records):
    ids = set(_by_id(_activities_file(client)))
    for name in ("no_text", "online", "only_participant", "hidden"):
        assert f"XI-IATI-TUTELA-{records[name].pk}" not in ids
    report = iati.report()
    reasons = {pk: " ".join(r) for pk, _t, r in report.examples}
    assert report.written == 2 and report.skipped == 3  # the unpublished one is not the public's to report on
    assert "no description" in reasons[records["no_text"].pk]
    assert "no recipient country (held online)" in reasons[records["online"].pk]
    assert "no participating organisation" in reasons[records["only_participant"].pk]
    page = client.get("/hub/iati/").content.decode()
    assert "Bare workshop" in page and "no description" in page and "Unpublished" not in page


def test_with_nothing_to_export_no_invalid_file_is_written(client, db):
    response = client.get("/hub/iati/activities.xml")
    assert response.status_code == 404 and b"at least one" in response.content


def test_organisation_file_validates(client, db, settings):
    settings.IATI_REPORTING_ORG_NAME = "Child Online Protection Initiative"
    response = client.get("/hub/iati/organisation.xml")
    assert response.status_code == 200 and not response.cookies
    doc = etree.fromstring(response.content)
    schema = _schema("iati-organisations-schema.xsd")
    assert schema.validate(doc), schema.error_log
    org = doc.find("iati-organisation")
    assert org.findtext("organisation-identifier") == "XI-IATI-TUTELA"
    assert org.findtext("name/narrative") == "Child Online Protection Initiative"


def test_export_streams_in_chunks_with_flat_memory(org_a):
    p = Pillar.objects.get(number=4)
    rows = [Activity(title=f"Session {i}", kind="session", status="held", starts_on=date(2024, 1, 1) , ends_on=date(2024, 1, 1),
                     country="KE", summary="A school session.") for i in range(600)]
    created = Activity.objects.bulk_create(rows)
    Activity.pillars.through.objects.bulk_create([Activity.pillars.through(activity_id=a.pk, pillar_id=p.pk) for a in created])
    from tutela.activities.models import ActivityPartner
    ActivityPartner.objects.bulk_create([ActivityPartner(activity=a, organisation=org_a, role="organiser") for a in created])

    def peak(chunk: int) -> int:
        tracemalloc.start()
        pieces = 0
        for _piece in iati.activities_xml(chunk=chunk):
            pieces += 1
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(100), peak(600)
    assert small < large * 0.6, (small, large)  # memory follows the chunk, not the number of activities
    doc = etree.fromstring(b"".join(iati.activities_xml(chunk=100)))
    assert len(doc.findall("iati-activity")) == 600
