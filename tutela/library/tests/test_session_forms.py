"""Issue 19 item 2: an educational session links to the plan and materials it used, and feedback is
recorded per age band as counts, through pages; the plan page withholds small bands in public."""

from datetime import date

import pytest

from tutela.activities import services as activities
from tutela.initiatives.models import Pillar
from tutela.library import services
from tutela.library.models import SessionFeedback, SessionUse

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(org_a, focal_point):
    activity = activities.activity_create(
        actor=None, title="Assembly on sexting", kind="educational_event", status="held", starts_on=date(2025, 2, 11),
        country="KE", pillars=[Pillar.objects.get(number=4)], partners=[(org_a, "organiser")])
    resource = services.resource_create(actor=focal_point, title="Sexting leaflet", kind="leaflet", audience="children",
                                        min_age=12, max_age=14, owner_organisation=org_a)
    other = services.resource_create(actor=focal_point, title="Reputation video", kind="video", audience="children",
                                     min_age=12, max_age=14, owner_organisation=org_a)
    plan = services.plan_create(actor=focal_point, title="Sexting (12–14)", min_age=12, max_age=14, topics="sexting",
                                duration_minutes=45, materials=[resource], owner_organisation=org_a)
    return {"activity": activity, "plan": plan, "resource": resource, "other": other}


def test_a_writer_records_the_plan_and_materials_from_the_activity_page(client, session, focal_point):
    client.force_login(focal_point)
    page = client.get(f"/activities/{session['activity'].pk}/").content.decode()
    assert f"/library/sessions/{session['activity'].pk}/plan/" in page
    response = client.post(f"/library/sessions/{session['activity'].pk}/plan/",
                           {"plan": session["plan"].pk, "materials": [session["other"].pk]})
    assert response.status_code == 302
    use = SessionUse.objects.get(activity=session["activity"])
    assert use.plan == session["plan"] and list(use.materials.all()) == [session["other"]]
    page = client.get(f"/activities/{session['activity'].pk}/").content.decode()
    assert "Sexting (12–14)" in page and "Reputation video" in page
    # Empty materials: the plan's own.
    client.post(f"/library/sessions/{session['activity'].pk}/plan/", {"plan": session["plan"].pk})
    assert list(SessionUse.objects.get(activity=session["activity"]).materials.all()) == [session["resource"]]


def test_feedback_is_counts_per_age_band_and_bad_input_is_refused(client, session, focal_point):
    use = services.session_use_record(actor=focal_point, activity=session["activity"], plan=session["plan"])
    client.force_login(focal_point)
    url = f"/library/session-uses/{use.pk}/feedback/"
    ok = {"min_age": 12, "max_age": 13, "rating_1": 0, "rating_2": 1, "rating_3": 4, "rating_4": 10, "rating_5": 7}
    assert client.post(url, ok).status_code == 302
    row = SessionFeedback.objects.get(use=use)
    assert [row.rating_1, row.rating_2, row.rating_3, row.rating_4, row.rating_5] == [0, 1, 4, 10, 7]
    for bad in ({**ok, "rating_3": -1}, {**ok, "max_age": 19}, {**ok, "min_age": 14, "max_age": 12}, {**ok, "rating_5": "x"}):
        assert client.post(url, bad).status_code == 422
    assert SessionFeedback.objects.filter(use=use).count() == 1


def test_others_may_not_record(client, session, focal_point, other_focal_point, stakeholder):
    use = services.session_use_record(actor=focal_point, activity=session["activity"], plan=session["plan"])
    for user in (other_focal_point, stakeholder):
        client.force_login(user)
        assert client.get(f"/library/sessions/{session['activity'].pk}/plan/").status_code == 403
        assert client.post(f"/library/session-uses/{use.pk}/feedback/", {"min_age": 12}).status_code == 403
    client.logout()
    assert client.get(f"/library/session-uses/{use.pk}/feedback/").status_code == 302
    client.force_login(stakeholder)
    assert client.get("/library/session-uses/99999999999999999999/feedback/").status_code == 404
