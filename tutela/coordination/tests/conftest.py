"""Coordination fixtures: a small ITU-T tree with JCA-COP, its members and its chairs."""

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tutela.coordination import services
from tutela.coordination.models import Body
from tutela.initiatives.services import person_create


def pdf_bytes(text: str = "hello") -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def office_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            marker = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}[kind]
            archive.writestr(marker, "<x/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Argon2 costs a second per persona; these tests are not about password hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def itu_t(db):
    return services.body_create(actor=None, short_name="ITU-T", name="ITU Telecommunication Standardization Sector",
                                kind=Body.Kind.SECTOR, contact_email="itu-t@example.org")


@pytest.fixture
def sg17(itu_t):
    return services.body_create(actor=None, short_name="SG17", name="ITU-T Study Group 17 (Security)",
                                kind=Body.Kind.STUDY_GROUP, parent=itu_t, number_prefix="SG17-TD",
                                contact_email="sg17@example.org")


@pytest.fixture
def tsag(itu_t):
    return services.body_create(actor=None, short_name="TSAG", name="Telecommunication Standardization Advisory Group",
                                kind=Body.Kind.ADVISORY_GROUP, parent=itu_t, contact_email="tsag@example.org")


@pytest.fixture
def jca(sg17, org_a):
    body = services.body_create(
        actor=None, short_name="JCA-COP", name="Joint Coordination Activity on Child Online Protection",
        kind=Body.Kind.JOINT_COORDINATION_ACTIVITY, parent=sg17, established_on=date(2012, 4, 1),
        ends_on=date(2014, 1, 31), number_prefix="JCA-COP DOC", number_padding=3, contact_email="jca-cop@example.org",
    )
    services.membership_add(actor=None, body=body, organisation=org_a)
    return body


@pytest.fixture
def wgcp(db):
    return services.body_create(actor=None, short_name="WG-CP", name="Working group on COP", kind=Body.Kind.COUNCIL_WORKING_GROUP,
                                number_style=Body.NumberStyle.MEETING, number_prefix="WG-CP", number_padding=0,
                                meetings_before_registry=5)


@pytest.fixture
def chair_user(db, jca):
    """A user whose e-mail matches the person appointed co-chair of JCA-COP."""
    from tutela.accounts.services import user_create

    person = person_create(actor=None, full_name="Ashley Heineman", honorific="Ms", is_public_figure=True,
                           email="ashley.heineman@example.org")
    services.chair_appoint(actor=None, body=jca, person=person, role="co_chair", starts_on=date(2012, 4, 1))
    return user_create(actor=None, email="ashley.heineman@example.org", password="correct horse battery staple",
                       role="stakeholder", full_name="Ashley Heineman")
