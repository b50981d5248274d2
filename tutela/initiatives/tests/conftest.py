"""The initiative tests share the partner tests' records."""

from tutela.partners.tests.conftest import (  # noqa: F401
    deliverable,
    initiative,
    itu,
    many_organisations,
    mou,
    patron,
    private_person,
)
