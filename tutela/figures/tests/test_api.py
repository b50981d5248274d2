from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tutela.accounts.services import api_token_create
from tutela.figures import services
from tutela.figures.models import Figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client):
    def do(user, method, path, payload=None):
        headers = {}
        if user is not None:
            headers["Authorization"] = "Bearer " + api_token_create(actor=user, name="t")[1]
        kwargs = {"headers": headers}
        if payload is not None:
            kwargs.update(data=payload, content_type="application/json")
        return getattr(client, method)("/api/v1" + path, **kwargs)

    return do


@pytest.fixture
def trained(db):
    return services.indicator_get_or_create(code="people-trained", name="People trained", unit="people")


def test_a_focal_point_reports_a_figure_about_their_activity(call, focal_point, org_a, trained, make_activity):
    activity = make_activity()
    response = call(focal_point, "post", "/figures", {
        "indicator": "people-trained", "value": "100", "kind": "counted", "source": "Pilot report",
        "as_of": "2014-01-31", "owner_organisation_id": org_a.pk, "subject_type": "activities.activity",
        "subject_id": activity.pk})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "counted" and body["subject_id"] == activity.pk and body["unit"] == "people"
    # Submitted, not public, until the secretariat publishes it.
    assert body["awaiting_review"] is True and call(None, "get", "/figures").json()["items"] == []
    services.figure_publish(actor=None, figure=Figure.objects.get(pk=body["id"]))
    listed = call(None, "get", f"/figures?indicator=people-trained&subject_type=activities.activity&subject_id={activity.pk}")
    assert [f["id"] for f in listed.json()["items"]] == [body["id"]]
    assert call(None, "get", "/indicators").json()[0]["code"] == "people-trained"
    patched = call(focal_point, "patch", f"/figures/{body['id']}", {"value": "120"})
    assert patched.status_code == 200 and patched.json()["value"] == "120.00"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"kind": ""}, "kind"),
    ({"kind": "guessed"}, "kind"),
    ({"value": "-3"}, "value"),
    ({"kind": "estimated"}, "method"),
    ({"indicator": "nope"}, "indicator"),
    ({"group": "children"}, "min_age"),
    ({"subject_type": "accounts.user", "subject_id": 1}, "subject_type"),
])
def test_a_figure_without_what_it_needs_is_refused(call, secretariat, trained, overrides, field):
    payload = {"indicator": "people-trained", "value": "10", "kind": "counted", "source": "x", "as_of": "2014-01-01",
               **overrides}
    response = call(secretariat, "post", "/figures", payload)
    assert response.status_code == 422, response.json()
    assert field in response.json()["error"]["fields"]


def test_a_figure_without_a_kind_field_at_all_is_refused(call, secretariat, trained):
    response = call(secretariat, "post", "/figures", {"indicator": "people-trained", "value": 1, "source": "x",
                                                     "as_of": "2014-01-01"})
    assert response.status_code == 422
    assert "counted, estimated or modelled" in response.json()["error"]["message"]


def test_focal_points_change_only_their_organisations_figures(call, other_focal_point, org_a, trained):
    figure = services.figure_create(actor=None, indicator=trained, value=5, kind="counted", source="x",
                                    as_of=date(2014, 1, 1), owner_organisation=org_a)
    assert call(other_focal_point, "patch", f"/figures/{figure.pk}", {"value": "500"}).status_code == 403
    assert call(None, "patch", f"/figures/{figure.pk}", {"value": "500"}).status_code == 401
    figure.refresh_from_db()
    assert figure.value == 5


def test_an_unknown_subject_type_is_named_in_the_readers_language(call, secretariat, trained):
    from django.utils import translation

    from tutela.figures import selectors

    response = call(secretariat, "post", "/figures", {"indicator": "people-trained", "value": "10", "kind": "counted",
                                                     "source": "x", "as_of": "2014-01-01",
                                                     "subject_type": "accounts.user", "subject_id": 1})
    assert "Unknown subject type “accounts.user”; use one of activities.activity" in str(response.json())
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        selectors.subject_content_type("x" * 500)
    assert refused.value.message_dict["subject_type"] == [
        "Type de sujet inconnu «\u00a0" + "x" * 60 + "\u00a0»\u00a0; utilisez l'un de ceux-ci\u00a0: activities.activity, "
        "activities.occasion, activities.project, initiatives.deliverable, initiatives.initiative, partners.organisation."]
