"""The web form for figures: it goes through the figures services and keeps the honest-number rules."""

from datetime import date

import pytest
from django.urls import reverse

from tutela.core.models import AuditEntry
from tutela.figures import services
from tutela.figures.models import Figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(db):
    return services.indicator_get_or_create(code="people-trained", name="People trained", unit="people")


def _post(**over):
    data = {"indicator": "people-trained", "value": "120", "kind": "estimated", "measure": "actual",
            "method": "Sign-in sheets of 3 of 4 sessions, scaled up", "source": "Pilot report, p. 4",
            "as_of": "2014-01-31", "group": "", "sex": "", "country": "ET"}
    data.update(over)
    return data


def test_a_focal_point_records_a_figure_about_their_activity(client, focal_point, org_a, trained, make_activity):
    activity = make_activity()
    client.force_login(focal_point)
    url = reverse("figures:figure_create") + f"?subject_type=activities.activity&subject_id={activity.pk}"
    page = client.get(url)
    assert page.status_code == 200 and activity.title in page.content.decode()
    response = client.post(reverse("figures:figure_create"), _post(
        owner_organisation=org_a.pk, subject_type="activities.activity", subject_id=activity.pk))
    assert response.status_code == 302
    figure = Figure.objects.get()
    assert response.url == reverse("figures:figure_detail", args=[figure.pk])
    assert (figure.kind, figure.value, figure.owner_organisation, figure.subject) == ("estimated", 120, org_a, activity)
    assert AuditEntry.objects.filter(action="figure.created").count() == 1
    detail = client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    assert "Record a figure about this activity" in detail


@pytest.mark.parametrize(("over", "field", "message"), [
    ({"kind": ""}, "kind", "counted, estimated or modelled"),
    ({"method": ""}, "method", "Say how the number was estimated"),
    ({"source": ""}, "source", "Say where the figure comes from"),
    ({"group": "children"}, "min_age", "age band"),
    ({"value": "-3"}, "value", "cannot be negative"),
    ({"low": "200"}, "low", "low end of the range"),
])
def test_bad_figures_are_refused_with_the_services_message(client, secretariat, trained, over, field, message):
    client.force_login(secretariat)
    response = client.post(reverse("figures:figure_create"), _post(**over))
    assert response.status_code == 422
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert "Nothing was saved" in response.content.decode()
    assert not Figure.objects.exists()


def test_a_figure_that_breaks_several_rules_shows_every_one_on_its_field(client, secretariat, trained):
    client.force_login(secretariat)
    response = client.post(reverse("figures:figure_create"), _post(
        method="", source="", low="200", group="children", period_start="2014-02-01", period_end="2014-01-01"))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert {name for name in errors if name != "__all__"} == {"method", "source", "low", "min_age", "period_end"}
    assert "Say how the number was estimated" in " ".join(errors["method"])
    assert "age band" in " ".join(errors["min_age"])
    assert not Figure.objects.exists()


def test_a_focal_point_cannot_report_for_another_organisation(client, focal_point, org_b, trained):
    client.force_login(focal_point)
    response = client.post(reverse("figures:figure_create"), _post(owner_organisation=org_b.pk))
    assert response.status_code == 422
    assert "owner_organisation" in response.context["form"].errors
    assert not Figure.objects.exists()


def test_edit_changes_the_figure_and_only_its_writers_may(client, ladder, org_a, trained):
    figure = services.figure_create(actor=None, indicator=trained, value=10, kind="counted", source="Register",
                                    as_of=date(2014, 1, 1), owner_organisation=org_a)
    url = reverse("figures:figure_edit", args=[figure.pk])
    ladder("get", url, {"anonymous": 302, "stakeholder": 403, "other_focal_point": 403, "focal_point": 200,
                        "secretariat": 200})
    responses = ladder("post", url, {"focal_point": 302}, data=_post(
        value="12", kind="counted", method="", measure="target", owner_organisation=org_a.pk))
    assert responses["focal_point"].url == reverse("figures:figure_detail", args=[figure.pk])
    figure.refresh_from_db()
    assert (figure.value, figure.measure, figure.source) == (12, "target", "Pilot report, p. 4")
    assert AuditEntry.objects.filter(action="figure.updated").count() == 1


def test_links_to_the_form_appear_only_for_writers(client, focal_point, stakeholder, org_a, trained):
    figure = services.figure_create(actor=None, indicator=trained, value=10, kind="counted", source="Register",
                                    as_of=date(2014, 1, 1), owner_organisation=org_a)
    edit = reverse("figures:figure_edit", args=[figure.pk])
    new = reverse("figures:figure_create")
    assert edit not in client.get(reverse("figures:figure_detail", args=[figure.pk])).content.decode()
    assert new not in client.get(reverse("figures:figure_list")).content.decode()
    client.force_login(stakeholder)
    assert new not in client.get(reverse("figures:figure_list")).content.decode()
    assert client.get(new).status_code == 403
    client.force_login(focal_point)
    assert edit in client.get(reverse("figures:figure_detail", args=[figure.pk])).content.decode()
    assert new in client.get(reverse("figures:figure_list")).content.decode()


def test_an_unreadable_subject_is_not_found(client, focal_point, trained):
    client.force_login(focal_point)
    url = reverse("figures:figure_create") + "?subject_type=activities.activity&subject_id=999999"
    assert client.get(url).status_code == 404
