"""A resource's title and summary in several languages (issue 18 item 4): written by the secretariat
through ``resource_translate``; pages show the page language's text or the English with the note."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tutela.accounts.services import api_token_create
from tutela.core.models import AuditEntry
from tutela.library import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaflet(secretariat):
    return services.resource_create(actor=secretariat, title="Tips for parents", kind="leaflet",
                                    audience="children", min_age=10, max_age=14,
                                    summary="What to ask your child.")


def test_the_spanish_page_shows_the_spanish_title_and_the_note_for_the_missing_summary(client, leaflet, secretariat):
    services.resource_translate(actor=secretariat, resource=leaflet, language="es", values={"title": "Consejos para padres"})
    client.force_login(secretariat)  # not published yet: the secretariat reads it
    page = client.get(f"/es/library/{leaflet.pk}/").content.decode()
    assert "<h1>Consejos para padres</h1>" in page
    assert '<p lang="en" dir="ltr">What to ask your child.</p>' in page
    assert "shown in English" in page or "Español" in page
    assert AuditEntry.objects.filter(action="resource.translated").latest("pk").changes == {
        "title[es]": [None, "Consejos para padres"]}


def test_bad_translations_and_other_roles_are_refused(leaflet, secretariat, focal_point):
    with pytest.raises(ValidationError, match="not one of them"):
        services.resource_translate(actor=secretariat, resource=leaflet, language="pt", values={"title": "Dicas"})
    with pytest.raises(ValidationError, match="Only title, summary"):
        services.resource_translate(actor=secretariat, resource=leaflet, language="fr", values={"licence": "x"})
    with pytest.raises(PermissionDenied):
        services.resource_translate(actor=focal_point, resource=leaflet, language="fr", values={"title": "Conseils"})


def test_the_form_and_the_api(client, leaflet, secretariat):
    client.force_login(secretariat)
    assert f'href="/library/{leaflet.pk}/translations/ar/"' in client.get(f"/library/{leaflet.pk}/").content.decode()
    assert client.post(f"/library/{leaflet.pk}/translations/ar/", {"title": "نصائح للآباء"}).status_code == 302
    _token, key = api_token_create(actor=secretariat, name="t")
    response = client.put(f"/api/v1/library/resources/{leaflet.pk}/translations/ru", {"summary": "О чём спросить."},
                          content_type="application/json", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.json()
    assert response.json()["translations"] == {"ar": {"title": "نصائح للآباء"}, "ru": {"summary": "О чём спросить."}}
