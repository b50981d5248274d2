"""Atom feeds (RFC 4287): required elements and ids that survive a rename."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from lxml import etree

from tutela.activities import services as activities
from tutela.activities.models import Activity
from tutela.initiatives.models import Pillar

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert not response.cookies, "a public feed sets no cookie"
    root = etree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    # RFC 4287 4.1.1: a feed has exactly one id, title and updated, and a link.
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert root.find(f"{ATOM}link") is not None
    entries = root.findall(f"{ATOM}entry")
    for e in entries:  # 4.1.2: each entry has one id, title, updated, and a link (no content given)
        for name in ("id", "title", "updated"):
            assert len(e.findall(f"{ATOM}{name}")) == 1, name
        assert e.find(f"{ATOM}link").get("href", "").startswith("http")
    return root, entries


def _ids(entries) -> dict[str, str]:
    return {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}id") for e in entries}


def test_activity_feed_lists_public_activities_with_stable_ids(client, org_a):
    p = Pillar.objects.order_by("number").first()
    shown = activities.activity_create(actor=None, title="Parents evening", kind="workshop", starts_on=date(2030, 5, 1),
                                       pillars=[p], partners=[(org_a, "organiser")], summary="For parents.")
    activities.activity_create(actor=None, title="Unpublished pilot", kind="pilot", starts_on=date(2030, 5, 2),
                               pillars=[p], partners=[(org_a, "organiser")], is_published=False)
    _root, entries = _atom(client, "/hub/feeds/activities.atom")
    ids = _ids(entries)
    assert "Parents evening (2030-05-01)" in ids and not any("Unpublished" in t for t in ids)
    assert ids["Parents evening (2030-05-01)"] == f"tag:tutela,2026:activities/activity/{shown.pk}"
    Activity.objects.filter(pk=shown.pk).update(title="Parents evening, renamed")
    _root, entries = _atom(client, "/hub/feeds/activities.atom")
    assert _ids(entries)["Parents evening, renamed (2030-05-01)"] == f"tag:tutela,2026:activities/activity/{shown.pk}"


def test_document_feed_lists_only_public_documents(client, secretariat):
    from tutela.coordination.models import Body, Document

    body = Body.objects.create(name="Joint group", short_name="JG", slug="jg", is_published=True,
                               established_on=date(2030, 1, 1))
    public = Document.objects.create(body=body, sequence=1, number="JG-DOC001", title="Work plan", source="Chairs",
                                     document_date=date(2030, 2, 1))
    Document.objects.create(body=body, sequence=2, number="JG-DOC002", title="Members' notes", source="Chairs",
                            document_date=date(2030, 2, 2), access=Document.Access.MEMBERS)
    _root, entries = _atom(client, "/hub/feeds/documents.atom")
    ids = _ids(entries)
    assert ids == {"JG-DOC001: Work plan": f"tag:tutela,2026:coordination/document/{public.pk}"}
    Document.objects.filter(pk=public.pk).update(is_withdrawn=True, withdrawn_on=date(2030, 3, 1))
    _root, entries = _atom(client, "/hub/feeds/documents.atom")
    assert _ids(entries) == {"JG-DOC001: Work plan — withdrawn": f"tag:tutela,2026:coordination/document/{public.pk}"}


def test_consultation_feed(client, secretariat):
    from tutela.consultations.models import Consultation, GuidelineDocument, GuidelineVersion

    doc = GuidelineDocument.objects.create(title="Guidelines for industry", audience="industry", edition="2030")
    version = GuidelineVersion.objects.create(document=doc, number=1, label="Draft 1")
    now = timezone.now()
    shown = Consultation.objects.create(title="Industry guidelines 2030", code="IND-2030", version=version, opens_at=now,
                                        closes_at=now + timedelta(days=30))
    Consultation.objects.create(title="Hidden one", code="HID-2030", version=version, opens_at=now, closes_at=now + timedelta(days=3),
                                is_published=False)
    _root, entries = _atom(client, "/hub/feeds/consultations.atom")
    assert _ids(entries) == {"Industry guidelines 2030": f"tag:tutela,2026:consultations/consultation/{shown.pk}"}


def test_feeds_page_lists_every_feed(client, db):
    text = client.get("/hub/feeds/").content.decode()
    for url in ("/hub/feeds/activities.atom", "/hub/feeds/documents.atom", "/hub/feeds/consultations.atom",
                "/library/feed.atom", "/hub/calendar.ics"):
        assert url in text


def test_a_feed_answers_a_reader_that_has_it_with_304_and_says_how_long_to_keep_it(client, org_a):
    p = Pillar.objects.order_by("number").first()
    activities.activity_create(actor=None, title="Helpline launch", kind="workshop", starts_on=date(2031, 2, 3),
                               country="GH", pillars=[p], partners=[(org_a, "organiser")])
    first = client.get("/hub/feeds/activities.atom")
    assert first.status_code == 200 and first["ETag"]
    assert "max-age=900" in first["Cache-Control"] and "Cookie" in first["Vary"]
    again = client.get("/hub/feeds/activities.atom", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    activities.activity_create(actor=None, title="Parents' evening", kind="workshop", starts_on=date(2031, 2, 4),
                               country="GH", pillars=[p], partners=[(org_a, "organiser")])
    changed = client.get("/hub/feeds/activities.atom", headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"] and "Parents" in changed.content.decode()
    calendar = client.get("/hub/calendar.ics")
    assert "max-age=900" in calendar["Cache-Control"] and "Cookie" in calendar["Vary"]


def test_a_feed_under_a_language_prefix_speaks_it_and_marks_what_falls_back_to_english(client, org_a, secretariat):
    """/fr/hub/feeds/activities.atom: a translated activity in French; an untranslated one in English, its entry
    marked xml:lang="en"; a consultation's title and its window sentence in Arabic under /ar/."""
    p = Pillar.objects.order_by("number").first()
    translated = activities.activity_create(actor=None, title="Parents evening", kind="workshop",
                                            starts_on=date(2030, 5, 1), pillars=[p], partners=[(org_a, "organiser")],
                                            summary="For parents.")
    activities.activity_translate(actor=secretariat, activity=translated, language="fr",
                                  values={"title": "Soirée des parents", "summary": "Pour les parents."})
    activities.activity_create(actor=None, title="Teachers day", kind="workshop", starts_on=date(2030, 5, 2),
                               pillars=[p], partners=[(org_a, "organiser")])
    root, entries = _atom(client, "/fr/hub/feeds/activities.atom")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    by_title = {e.findtext(f"{ATOM}title"): e for e in entries}
    assert "Parents evening (2030-05-01)" not in by_title
    french = by_title["Soirée des parents (2030-05-01)"]
    assert french.get("{http://www.w3.org/XML/1998/namespace}lang") is None
    assert "Pour les parents." in french.findtext(f"{ATOM}summary")
    assert by_title["Teachers day (2030-05-02)"].get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    # English pages are as before: no language marks on the entries
    _root, entries = _atom(client, "/hub/feeds/activities.atom")
    assert {e.findtext(f"{ATOM}title") for e in entries} >= {"Parents evening (2030-05-01)", "Teachers day (2030-05-02)"}
    assert all(e.get("{http://www.w3.org/XML/1998/namespace}lang") is None for e in entries)

    from tutela.consultations.models import Consultation, GuidelineDocument, GuidelineVersion
    from tutela.consultations.services import consultation_translate

    doc = GuidelineDocument.objects.create(title="Guidelines for industry", audience="industry", edition="2030")
    version = GuidelineVersion.objects.create(document=doc, number=1, label="Draft 1")
    now = timezone.now()
    consultation = Consultation.objects.create(title="Industry guidelines 2030", code="IND-2030", version=version,
                                               opens_at=now, closes_at=now + timedelta(days=30))
    consultation_translate(actor=secretariat, consultation=consultation, language="ar",
                           values={"title": "مبادئ توجيهية للصناعة 2030"})
    root, entries = _atom(client, "/ar/hub/feeds/consultations.atom")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["مبادئ توجيهية للصناعة 2030"]
    assert "Open from" not in entries[0].findtext(f"{ATOM}summary")
