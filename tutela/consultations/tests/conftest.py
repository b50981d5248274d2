"""Fixtures: a small guideline text, its document and a consultation open right now."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tutela.consultations import services

DRAFT = """# Child rights in corporate policy

Companies name a person or team responsible for child protection.

Child-rights risks are assessed when new services are designed.

# Handling child sexual abuse material

Companies set up notice and takedown with referral to law enforcement.

## Reporting

Users can report suspected abuse material from every page.
"""


@pytest.fixture
def document(secretariat, org_a):
    return services.document_create(actor=secretariat, title="Guidelines for Industry", audience="industry",
                                    edition="2014", owner_organisation=org_a)


@pytest.fixture
def draft(secretariat, document):
    return services.version_import(actor=secretariat, document=document, label="Draft 1", source=DRAFT, publish=True)


@pytest.fixture
def consultation(secretariat, draft):
    now = timezone.now()
    return services.consultation_create(
        actor=secretariat, version=draft, title="Consultation on the draft", code="IG14",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30), time_zone="Europe/Zurich",
    )


@pytest.fixture
def paragraphs(draft):
    return {p.number if p.kind == "paragraph" else "s" + p.number: p for p in draft.paragraphs.all()}


DETAILS = {"stakeholder_type": "civil_society", "organisation_name": "Safe Kids", "country": "KE",
           "consent_to_list": True}


@pytest.fixture
def submit(consultation, stakeholder, paragraphs):
    def _submit(text="Please name a deputy as well.", actor=None, **kwargs):
        kwargs.setdefault("paragraph_id", paragraphs["1"].pk)
        kwargs.setdefault("details", DETAILS)
        return services.comment_submit(consultation=kwargs.pop("consultation", consultation),
                                       actor=actor or stakeholder, text=text, **kwargs)

    return _submit
