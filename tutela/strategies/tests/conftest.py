"""Fixtures for strategies: a small framework, national focal points of two countries, rounds."""

from datetime import date

import pytest

from tutela.strategies import services


def criteria(n_per_pillar: int = 1, prefix: str = "X") -> list[dict]:
    return [
        {"code": f"{prefix}{p}{i}", "pillar": p, "title": f"Criterion {p}.{i}",
         "levels": ["none", "first", "in place", "working", "reviewed"], "evidence_kinds": ["law"]}
        for p in range(1, 6) for i in range(1, n_per_pillar + 1)
    ]


@pytest.fixture
def framework(secretariat):
    return services.framework_import(actor=secretariat, code="test", version=1, name="Test framework",
                                     criteria=criteria(2))


@pytest.fixture
def national_om(db):
    from tutela.accounts.services import user_create

    return user_create(actor=None, email="nfp.om@example.org", password="x" * 12, role="national_focal_point",
                       country="OM")


@pytest.fixture
def national_et(db):
    from tutela.accounts.services import user_create

    return user_create(actor=None, email="nfp.et@example.org", password="x" * 12, role="national_focal_point",
                       country="ET")


@pytest.fixture
def draft_om(framework, national_om):
    return services.assessment_create(actor=national_om, country="OM", framework=framework, held_on=date(2013, 10, 15))


def fill(assessment, actor, levels=None):
    from tutela.strategies.models import Rating

    for i, rating in enumerate(Rating.objects.filter(assessment=assessment).order_by("pk")):
        level = levels[i] if levels else 2
        services.rating_update(actor=actor, rating=rating, level=level)


@pytest.fixture
def published_om(draft_om, national_om, secretariat):
    fill(draft_om, national_om, [1, 3, 2, 4, 0, 3, 2, 2, 1, 4])
    services.assessment_submit(actor=national_om, assessment=draft_om)
    services.assessment_validate(actor=secretariat, assessment=draft_om)
    return services.assessment_publish(actor=secretariat, assessment=draft_om, summary="Oman has a legal basis.")
