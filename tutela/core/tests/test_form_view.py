"""``core.views.form_view``: an empty POST is a submission with every field missing, answered 422 with the errors
(views build ``Form(request.POST or None)``, which an empty POST would leave unbound: 200 and no error)."""

import pytest

from tutela.activities.models import Project

pytestmark = pytest.mark.django_db


def test_an_empty_post_to_a_form_page_answers_422_with_the_required_fields_errors(client, secretariat):
    client.force_login(secretariat)
    response = client.post("/activities/projects/new/", {})
    assert response.status_code == 422
    form = response.context["form"]
    assert form.is_bound and "name" in form.errors
    assert "This field is required." in response.content.decode()
    assert not Project.objects.exists()


def test_a_get_still_shows_the_unbound_form_without_errors(client, secretariat):
    client.force_login(secretariat)
    response = client.get("/activities/projects/new/")
    assert response.status_code == 200 and not response.context["form"].is_bound
    assert "This field is required." not in response.content.decode()
