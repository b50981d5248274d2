"""Indicators set up by the secretariat from the figures pages, through the services (audited)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tutela.core.models import AuditEntry
from tutela.figures import services
from tutela.figures.models import Indicator

pytestmark = pytest.mark.django_db

SECRETARIAT_ONLY = {
    "anonymous": 302,
    "stakeholder": 403,
    "focal_point": 403,
    "other_focal_point": 403,
    "secretariat": 200,
}


@pytest.fixture
def reached(db):
    return services.indicator_create(
        actor=None, code="children-reached", name="Children reached", unit="children"
    )


def test_indicator_pages_ladder(ladder, reached):
    everyone = dict.fromkeys(SECRETARIAT_ONLY, 200)
    responses = ladder("get", reverse("figures:indicator_list"), everyone)
    assert "Children reached" in responses["anonymous"].content.decode()
    assert reverse("figures:indicator_create") not in responses["focal_point"].content.decode()
    assert reverse("figures:indicator_create") in responses["secretariat"].content.decode()
    ladder("get", reverse("figures:indicator_create"), SECRETARIAT_ONLY)
    ladder("get", reverse("figures:indicator_edit", args=[reached.pk]), SECRETARIAT_ONLY)
    ladder(
        "post",
        reverse("figures:indicator_create"),
        {**SECRETARIAT_ONLY, "secretariat": 302},
        data={"name": "Schools engaged", "code": "schools-engaged", "unit": "schools"},
    )
    assert Indicator.objects.filter(code="schools-engaged").count() == 1


def test_the_secretariat_adds_an_indicator_reached_from_the_figures_list(client, secretariat):
    client.force_login(secretariat)
    assert reverse("figures:indicator_list") in client.get(reverse("figures:figure_list")).content.decode()
    assert reverse("figures:indicator_list") in client.get(reverse("home:workspace")).content.decode()
    response = client.post(
        reverse("figures:indicator_create"),
        {
            "name": "  Parents   trained ",
            "code": "parents-trained",
            "unit": "people",
            "definition": "Parents who completed a session of at least one hour.",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="parents-trained")
    assert indicator.name == "Parents trained"
    entry = AuditEntry.objects.get(action="indicator.created", target_id=str(indicator.pk))
    assert entry.actor == secretariat and entry.changes["code"] == [None, "parents-trained"]
    # and a figure can be recorded against it at once
    form = client.get(reverse("figures:figure_create")).content.decode()
    assert 'value="parents-trained"' in form


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"code": "Children Reached!"}, "code", "Use only lower-case letters"),
        ({"code": "children-reached"}, "code", "already used by the indicator “Children reached”"),
        ({"unit": ""}, "unit", "Say what it counts"),
        ({"name": "   "}, "name", "Give the indicator a name"),
    ],
)
def test_a_bad_indicator_is_refused_with_what_to_fix(client, secretariat, reached, data, field, says):
    client.force_login(secretariat)
    response = client.post(
        reverse("figures:indicator_create"),
        {"name": "Something", "code": "something", "unit": "people", **data},
    )
    assert response.status_code == 422
    assert says in " ".join(response.context["form"].errors[field])
    assert Indicator.objects.count() == 1


def test_a_used_indicator_keeps_its_code_but_may_be_renamed(client, secretariat, reached):
    services.figure_create(
        actor=None,
        indicator=reached,
        value=120,
        kind="counted",
        measure="actual",
        source="Attendance sheets",
        as_of=date(2014, 5, 1),
    )
    client.force_login(secretariat)
    url = reverse("figures:indicator_edit", args=[reached.pk])
    assert "children-reached" in client.get(url).content.decode()
    response = client.post(url, {"name": "Children reached", "code": "kids", "unit": "children"})
    assert response.status_code == 422 and "cannot change" in response.content.decode()
    assert (
        client.post(
            url, {"name": "Children reached in person", "code": "children-reached", "unit": "children"}
        ).status_code
        == 302
    )
    reached.refresh_from_db()
    assert reached.name == "Children reached in person" and reached.code == "children-reached"
    entry = AuditEntry.objects.get(action="indicator.updated", target_id=str(reached.pk))
    assert entry.changes == {"name": ["Children reached", "Children reached in person"]}
    assert "in use" in client.get(reverse("figures:indicator_list")).content.decode()


def test_an_unused_indicators_code_may_change(secretariat, reached):
    services.indicator_update(actor=secretariat, indicator=reached, code="children-reached-2014")
    assert Indicator.objects.get().code == "children-reached-2014"


def test_only_the_secretariat_may_set_up_indicators_through_the_service(focal_point, reached):
    with pytest.raises(PermissionDenied):
        services.indicator_create(actor=focal_point, code="x", name="X", unit="people")
    with pytest.raises(PermissionDenied):
        services.indicator_update(actor=focal_point, indicator=reached, name="Y")
    with pytest.raises(ValidationError):
        services.indicator_create(actor=None, code="children-reached", name="Again", unit="children")
