"""The resource library through its public doors: services, pages, downloads, and the consultation hook."""

import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tutela.consultations import services as consultations
from tutela.core.models import AuditEntry
from tutela.library import services
from tutela.library.models import LanguageVersion, Resource, ResourceVersion

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def office(marker: str, *, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        content_type = "application/vnd.ms-word.document.macroEnabled.main+xml" if macro else "application/xml"
        archive.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types a="{content_type}"/>')
        archive.writestr(marker, '<?xml version="1.0"?><document/>')
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


def upload(content: bytes, name: str = "leaflet.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def resource(secretariat):
    return services.resource_create(actor=secretariat, title="Tips for 10–14 year olds", kind="leaflet",
                                    audience="children", min_age=10, max_age=14, countries=["CH", "FR"])


@pytest.fixture
def version(secretariat, resource):
    return services.resource_version_create(actor=secretariat, resource=resource, label="First edition")


def test_the_secretariat_publishes_a_resource_in_two_languages_and_anyone_downloads_it(client, secretariat, resource,
                                                                                       version):
    english = services.language_version_add(actor=secretariat, version=version, language="en", upload=upload(PDF))
    services.language_version_add(actor=secretariat, version=version, language="fr",
                                  upload=upload(office("word/document.xml"), "fiche.docx"))
    services.resource_publish(actor=secretariat, resource=resource)

    page = client.get(reverse("library:resource_list"))
    assert "Tips for 10–14 year olds" in page.content.decode()
    detail = client.get(reverse("library:resource_detail", args=[resource.pk])).content.decode()
    assert 'id="languages">en, fr<' in detail

    response = client.get(reverse("library:download", args=[english.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"] and "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert not response.cookies
    client.get(reverse("library:download", args=[english.pk]))
    english.refresh_from_db()
    assert english.downloads == 2
    assert 'id="downloads">2<' in client.get(reverse("library:resource_detail", args=[resource.pk])).content.decode()
    assert AuditEntry.objects.filter(action="resource.published", target_id=str(resource.pk)).exists()


def test_an_unpublished_resource_is_hidden_from_the_public(client, secretariat, resource, version):
    row = services.language_version_add(actor=secretariat, version=version, language="en", upload=upload(PDF))
    assert client.get(reverse("library:resource_detail", args=[resource.pk])).status_code == 404
    assert client.get(reverse("library:download", args=[row.pk])).status_code == 404
    assert "Tips for 10" not in client.get(reverse("library:resource_list")).content.decode()


def test_a_resource_with_no_language_version_is_not_published(secretariat, resource, version):
    with pytest.raises(ValidationError, match="at least one language version"):
        services.resource_publish(actor=secretariat, resource=resource)
    resource.refresh_from_db()
    assert not resource.is_published


@pytest.mark.parametrize(("content", "name", "message"), [
    (office("word/document.xml", macro=True), "fiche.docx", "macros"),
    (office("word/document.xml", macro=True), "fiche.docm", "macros"),
    (b"MZ\x90\x00 an executable", "leaflet.pdf", "not a PDF"),
    (b"<html><script>alert(1)</script></html>", "leaflet.html", "not a PDF"),
    (b"", "empty.pdf", "empty"),
])
def test_a_bad_file_is_refused_and_nothing_is_kept(secretariat, version, content, name, message):
    with pytest.raises(ValidationError, match=message):
        services.language_version_add(actor=secretariat, version=version, language="en", upload=upload(content, name))
    assert not LanguageVersion.objects.exists()


def test_a_file_above_the_limit_is_refused(settings, secretariat, version):
    settings.TUTELA_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError, match="the limit is"):
        services.language_version_add(actor=secretariat, version=version, language="en", upload=upload(PDF + b" " * 200))
    assert not LanguageVersion.objects.exists()


@pytest.mark.parametrize("link", ["not a link", "javascript:alert(1)", "ftp://example.org/x", "https://"])
def test_a_broken_link_is_refused(secretariat, version, link):
    with pytest.raises(ValidationError, match="not a working web address"):
        services.language_version_add(actor=secretariat, version=version, language="en", link=link)
    assert not LanguageVersion.objects.exists()


def test_children_resources_need_an_age_band_under_18(secretariat):
    with pytest.raises(ValidationError, match="age band"):
        services.resource_create(actor=secretariat, title="x", kind="kit", audience="children")
    with pytest.raises(ValidationError, match="ends at 17"):
        services.resource_create(actor=secretariat, title="x", kind="kit", audience="children", min_age=12, max_age=19)


def test_another_partners_focal_point_cannot_add_to_a_resource(client, secretariat, focal_point, other_focal_point, org_a):
    resource = services.resource_create(actor=focal_point, title="Kit", kind="kit", audience="industry",
                                        owner_organisation=org_a)
    version = services.resource_version_create(actor=focal_point, resource=resource, label="v1")
    with pytest.raises(PermissionDenied):
        services.language_version_add(actor=other_focal_point, version=version, language="en", upload=upload(PDF))
    client.force_login(other_focal_point)
    assert client.get(reverse("library:language_version_add", args=[resource.pk])).status_code == 404
    client.force_login(focal_point)
    response = client.post(reverse("library:language_version_add", args=[resource.pk]),
                           {"language": "en", "file": upload(office("word/document.xml", macro=True), "k.docx")})
    assert response.status_code == 422 and "macros" in response.content.decode()
    response = client.post(reverse("library:language_version_add", args=[resource.pk]),
                           {"language": "en", "file": upload(PDF)})
    assert response.status_code == 302
    assert client.post(reverse("library:resource_publish", args=[resource.pk])).status_code == 302
    resource.refresh_from_db()
    assert resource.is_published


def test_a_final_guideline_published_by_a_consultation_becomes_a_resource_version(secretariat, org_a):
    document = consultations.document_create(actor=secretariat, title="Guidelines for Industry", audience="industry",
                                             edition="2014", owner_organisation=org_a)
    draft = consultations.version_import(actor=secretariat, document=document, label="Draft 1",
                                         source="# Policy\n\nName a person responsible.\n", publish=True)
    assert not Resource.objects.filter(guideline_document=document).exists()  # drafts are not resources
    final = consultations.version_import(actor=secretariat, document=document, label="Final (2014)", stage="final",
                                         source="# Policy\n\nName a team responsible.\n", based_on=draft)
    consultations.version_publish(actor=secretariat, version=final)
    resource = Resource.objects.get(guideline_document=document)
    assert (resource.kind, resource.audience, resource.owner_organisation_id) == ("guideline", "industry", org_a.pk)
    row = ResourceVersion.objects.get(resource=resource)
    assert (row.guideline_version_id, row.label, row.number) == (final.pk, "Final (2014)", 1)
    consultations.version_publish(actor=secretariat, version=final)  # again: no second resource version
    assert ResourceVersion.objects.filter(resource=resource).count() == 1


def test_the_create_form_records_audience_partners_and_countries(client, secretariat, org_a, org_b):
    client.force_login(secretariat)
    response = client.post(reverse("library:resource_create"), {
        "title": "Guide for parents", "kind": "guideline", "audience": "parents_educators", "format": "document",
        "licence": "cc-by-4.0", "countries": ["ET", "KE"], "producers": [org_a.pk], "translators": [org_b.pk]})
    assert response.status_code == 302
    resource = Resource.objects.get(title="Guide for parents")
    assert [c.code for c in resource.countries] == ["ET", "KE"]
    assert sorted(resource.partner_roles.values_list("role", flat=True)) == ["producer", "translator"]
    response = client.post(reverse("library:resource_create"), {"title": "Kids", "kind": "kit", "audience": "children",
                                                                "format": "document", "licence": "cc-by-4.0"})
    assert response.status_code == 422 and "age band" in response.content.decode()


def test_education_kit_on_an_educational_session_with_feedback_suppressed_in_public(client, secretariat, resource):
    from tutela.activities.services import activity_create
    from tutela.initiatives.models import Pillar

    activity = activity_create(actor=secretariat, title="Safer Internet Day session", kind="educational_event",
                               starts_on=date(2014, 2, 11), pillars=[Pillar.objects.first()])
    plan = services.plan_create(actor=secretariat, title="Safe and Secure Online", min_age=10, max_age=14,
                                topics="cyberbullying, sexting", materials=[resource])
    use = services.session_use_record(actor=secretariat, activity=activity, plan=plan)
    services.feedback_record(actor=secretariat, use=use, min_age=10, max_age=12, ratings=[0, 1, 3, 9, 14])
    services.feedback_record(actor=secretariat, use=use, min_age=13, max_age=14, ratings=[0, 0, 1, 1, 1])
    with pytest.raises(ValidationError):
        services.feedback_record(actor=secretariat, use=use, min_age=13, max_age=14, ratings=[1, 2])

    public = client.get(reverse("library:plan_detail", args=[plan.pk])).content.decode()
    assert "<td>27</td>" not in public  # the 10–12 band is withheld too: its complement would give the 3 away
    assert "fewer than" in public
    assert "<td>3</td>" not in public
    client.force_login(secretariat)
    staff = client.get(reverse("library:plan_detail", args=[plan.pk])).content.decode()
    assert "<td>27</td>" in staff and "<td>3</td>" in staff and "<td>30</td>" in staff
    page = client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    assert 'id="session-plans"' in page and "Safe and Secure Online" in page


def test_the_atom_feed_lists_published_resources_with_stable_ids(client, secretariat, resource, version):
    from xml.etree import ElementTree

    services.language_version_add(actor=secretariat, version=version, language="en", link="https://example.org/x")
    hidden = services.resource_create(actor=secretariat, title="Unpublished kit", kind="kit", audience="industry")
    assert hidden.pk
    services.resource_publish(actor=secretariat, resource=resource)
    response = client.get(reverse("library:resource_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ElementTree.fromstring(response.content)
    for required in ("a:id", "a:title", "a:updated"):
        assert root.find(required, ns) is not None
    entries = root.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["Tips for 10–14 year olds"]
    assert entries[0].find("a:id", ns).text == f"tag:tutela,2026:library/resource/{resource.pk}"
    assert entries[0].find("a:updated", ns) is not None
    assert not response.cookies
