"""Site search finds a record by its translation into the page's language (issue 18 item 4; docs/home.md):
activities, library resources, guideline documents, consultations and archived bulletins, on SQLite (substring)
and PostgreSQL (full text, the translations' GIN index for activities). English searches only the English text."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tutela.activities.models import Activity
from tutela.activities.services import activity_create, activity_translate
from tutela.bulletins.models import Bulletin
from tutela.bulletins.services import bulletin_create, bulletin_translate, list_create
from tutela.consultations import services as consultations
from tutela.home import search
from tutela.initiatives.models import Pillar
from tutela.library.services import resource_create, resource_translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def translated(secretariat, org_a):
    activity = activity_create(actor=secretariat, title="Helpline workshop in Kigali", kind="workshop",
                               starts_on=date(2026, 3, 1), pillars=[Pillar.objects.first()],
                               partners=[(org_a, "organiser")], summary="Volunteers trained.")
    activity_translate(actor=secretariat, activity=activity, language="fr",
                       values={"title": "Atelier sur les lignes d'assistance à Kigali", "summary": "Bénévoles formés."})
    resource = resource_create(actor=secretariat, title="Tips for parents", kind="leaflet", audience="children", min_age=10, max_age=14)
    resource_translate(actor=secretariat, resource=resource, language="fr", values={"title": "Conseils aux parents"})
    document = consultations.document_create(actor=secretariat, title="Helpline guidelines for operators",
                                             audience="industry", edition="2026")
    consultations.document_translate(actor=secretariat, document=document, language="fr",
                                     values={"title": "Lignes directrices pour les opérateurs"})
    version = consultations.version_import(actor=secretariat, document=document, label="Draft 1",
                                           source="# Scope\n\nOperators run a helpline.\n", publish=True)
    now = timezone.now()
    consultation = consultations.consultation_create(
        actor=secretariat, version=version, title="Consultation on helpline guidelines", code="HLP26",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9))
    consultations.consultation_translate(actor=secretariat, consultation=consultation, language="ar",
                                         values={"title": "مشاورة بشأن المبادئ التوجيهية لخطوط المساعدة"})
    mailing_list = list_create(actor=secretariat, name="News", slug="news")
    bulletin = bulletin_create(actor=secretariat, mailing_list=mailing_list, subject="Spring news", body="Hello.")
    bulletin_translate(actor=secretariat, bulletin=bulletin, language="es",
                       values={"subject": "Noticias de primavera", "body": "Hola."})
    Bulletin.objects.filter(pk=bulletin.pk).update(status=Bulletin.Status.SENT, sent_at=now)  # as the worker leaves it
    return activity


def page(client, language, query):
    prefix = "" if language == "en" else f"/{language}"
    response = client.get(f"{prefix}/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_a_record_is_found_by_its_translation_in_the_pages_language_and_listed_by_it(client, secretariat, translated):
    client.force_login(secretariat)
    french = page(client, "fr", "atelier kigali")  # one word of the French title, one in both
    assert "Atelier sur les lignes d&#x27;assistance à Kigali" in french
    assert "Atelier" not in page(client, "en", "atelier")  # English searches the English text only
    assert "Atelier" not in page(client, "es", "atelier")  # and Spanish the Spanish translation
    assert "Atelier sur les lignes" in page(client, "fr", "helpline workshop")  # the English still finds it
    assert "Conseils aux parents" in page(client, "fr", "conseils")
    assert "Lignes directrices pour les opérateurs" in page(client, "fr", "directrices")
    assert "مشاورة بشأن المبادئ التوجيهية لخطوط المساعدة" in page(client, "ar", "مشاورة")
    assert "Noticias de primavera" in page(client, "es", "primav")  # the last word as a prefix
    assert "Noticias" not in page(client, "fr", "noticias")


def test_the_words_of_one_translation_must_all_be_in_the_pages_language(client, secretariat, translated):
    activity_translate(actor=secretariat, activity=translated, language="es", values={"title": "Taller de Kigali"})
    client.force_login(secretariat)
    assert "Taller" not in page(client, "fr", "taller")  # Spanish words are not French hits
    assert "Taller de Kigali" in page(client, "es", "taller kigali")


def test_the_english_query_is_unchanged_and_uses_the_search_expression(translated, secretariat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as english:
        search.SOURCES[0].search(secretariat, "helpline")
    assert "translations" not in english.captured_queries[-1]["sql"].split(" WHERE ")[1]
    from django.utils import translation

    with translation.override("fr"), CaptureQueriesContext(connection) as french:
        rows, _more = search.SOURCES[0].search(secretariat, "atelier")
    assert [r.pk for r in rows] == [translated.pk]
    if connection.vendor == "postgresql":  # the expression of the GIN index of activities/0015
        assert "jsonb_to_tsvector('simple'::regconfig" in french.captured_queries[-1]["sql"]


def test_a_hit_is_isolated_its_english_fallback_marked_and_its_date_in_the_pages_style(client, secretariat, translated):
    """A title is user text inside the list: an override it holds cannot reorder the date after it; a title not yet
    translated is the English marked as such, as on the record's page; the date is the language's date style."""
    Activity.objects.filter(pk=translated.pk).update(title="Mallory\u202e helpline workshop")  # as an old import left it
    client.force_login(secretariat)
    english = page(client, "en", "mallory")
    assert "<bdi>Mallory\u202e helpline workshop\u202c</bdi></a> <span class=\"meta\">1 March 2026</span>" in english
    activity_translate(actor=secretariat, activity=translated, language="fr", values={"title": ""})
    french = page(client, "fr", "mallory")
    assert ' lang="en" dir="ltr"><bdi>Mallory\u202e helpline workshop\u202c</bdi></a> <span class="meta">1 mars 2026</span>' in french
    assert "2026-03-01" not in french
