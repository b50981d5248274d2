"""Review before publishing, and children's identities in an activity's text (core.review, core.childtext)."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tutela.activities import services
from tutela.activities.models import Activity
from tutela.activities.services import Count
from tutela.core import access
from tutela.core.models import AuditEntry
from tutela.figures import selectors as figure_selectors

pytestmark = pytest.mark.django_db

NAMED = "Two girls spoke: Abebe, 11, and Marta (12 years old)."


@pytest.fixture
def api(as_user):
    """The API as a given user: the activities tests' one helper (conftest.py)."""
    return as_user


def _create(actor, org, pillars, **fields):
    return services.activity_create(
        actor=actor, title=fields.pop("title", "Safer Internet Day assembly"), kind="educational_event",
        starts_on=date(2014, 2, 11), pillars=[pillars[4]], partners=[(org, "organiser")], **fields)


def _visible_to(personas, activity):
    return {name: access.readable(user, Activity.objects.filter(pk=activity.pk)).exists()
            for name, user in personas.items()}


# --- Review before publishing ----------------------------------------------------------------------

def test_a_focal_points_activity_is_submitted_not_public(personas, focal_point, org_a, pillars):
    activity = _create(focal_point, org_a, pillars, is_published=True)  # asking to publish does not publish
    assert (activity.is_published, activity.awaiting_review) == (False, True)
    assert _visible_to(personas, activity) == {
        "secretariat": True, "focal_point": True, "other_focal_point": False, "stakeholder": False, "anonymous": False}


def test_submitted_activity_is_hidden_from_the_public_in_pages_api_exports_and_figures(
        client, ladder, api, focal_point, org_a, pillars):
    activity = _create(focal_point, org_a, pillars, title="Unreviewed assembly", country="ET")
    detail = reverse("activities:activity_detail", args=[activity.pk])
    ladder("get", detail, {"anonymous": 404, "stakeholder": 404, "other_focal_point": 404, "focal_point": 200,
                           "secretariat": 200})
    assert "Unreviewed assembly" not in client.get(reverse("activities:activity_list")).content.decode()
    assert "Unreviewed assembly" not in client.get(reverse("activities:timeline")).content.decode()
    assert api(None, "get", f"/activities/{activity.pk}").status_code == 404
    assert api(None, "get", "/activities").json()["items"] == []
    export = client.get(reverse("exchange:export", args=["activities", "csv"]))
    assert export.status_code == 200 and "Unreviewed assembly" not in b"".join(export.streaming_content
                                                                            if export.streaming else [export.content]).decode()
    assert figure_selectors.activities_by_pillar_and_year(None)["total"] == 0
    assert figure_selectors.countries_engaged(None) == []
    # Once published, the same doors show it.
    services.activity_publish(actor=None, activity=activity)
    assert api(None, "get", f"/activities/{activity.pk}").status_code == 200
    assert figure_selectors.activities_by_pillar_and_year(None)["total"] == 1


def test_only_the_secretariat_publishes_through_every_door(client, api, ladder, secretariat, focal_point, org_a,
                                                           pillars):
    activity = _create(focal_point, org_a, pillars)
    with pytest.raises(PermissionDenied):
        services.activity_publish(actor=focal_point, activity=activity)
    assert api(focal_point, "post", f"/activities/{activity.pk}/publish").status_code == 403
    url = reverse("activities:activity_publish", args=[activity.pk])
    ladder("post", url, {"anonymous": 302, "stakeholder": 404, "other_focal_point": 404, "focal_point": 403},
           data={"published": "1"})
    activity.refresh_from_db()
    assert not activity.is_published
    # The secretariat sees the button and publishes; the audit trail says who.
    client.force_login(secretariat)
    page = client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    assert "Waiting for review by the secretariat" in page and 'name="published" value="1"' in page
    client.post(url, {"published": "1"})
    activity.refresh_from_db()
    assert (activity.is_published, activity.awaiting_review) == (True, False)
    entry = AuditEntry.objects.get(action="activity.published")
    assert entry.actor == secretariat and entry.changes["is_published"] == [False, True]


def test_the_api_publishes_for_the_secretariat(api, secretariat, focal_point, org_a, pillars):
    activity = _create(focal_point, org_a, pillars)
    body = api(secretariat, "post", f"/activities/{activity.pk}/publish").json()
    assert body["is_published"] is True and body["awaiting_review"] is False
    assert api(None, "get", f"/activities/{activity.pk}").status_code == 200
    body = api(secretariat, "post", f"/activities/{activity.pk}/unpublish").json()
    assert body["is_published"] is False and body["awaiting_review"] is False
    assert api(None, "get", f"/activities/{activity.pk}").status_code == 404
    # The organiser asks for a review again.
    body = api(focal_point, "post", f"/activities/{activity.pk}/submit").json()
    assert body["awaiting_review"] is True
    assert AuditEntry.objects.filter(action="activity.submitted", actor=focal_point).exists()


def test_the_secretariat_publishes_directly(secretariat, org_a, pillars, personas):
    activity = _create(secretariat, org_a, pillars)
    assert (activity.is_published, activity.awaiting_review) == (True, False)
    assert _visible_to(personas, activity)["anonymous"] is True


def test_a_focal_points_change_to_a_published_activity_waits_for_review(secretariat, focal_point, org_a, pillars):
    activity = _create(secretariat, org_a, pillars)
    services.activity_update(actor=focal_point, activity=activity, summary="Now with a quiz.")
    activity.refresh_from_db()
    assert (activity.is_published, activity.awaiting_review) == (False, True)
    assert not access.readable(None, Activity.objects.all()).exists()


def test_the_review_queue_lists_submissions_for_the_secretariat_only(client, ladder, secretariat, focal_point, org_a,
                                                                     pillars):
    activity = _create(focal_point, org_a, pillars, title="Please review me")
    url = reverse("core:review_queue")
    responses = ladder("get", url, {"anonymous": 302, "stakeholder": 403, "focal_point": 403, "secretariat": 200})
    page = responses["secretariat"].content.decode()
    assert "Please review me" in page
    publish = reverse("core:review_publish", args=["activities.activity", activity.pk])
    assert publish in page
    ladder("post", publish, {"anonymous": 302, "stakeholder": 403, "focal_point": 403})
    client.force_login(secretariat)
    assert client.post(publish).status_code == 302
    activity.refresh_from_db()
    assert activity.is_public
    assert publish not in client.get(url).content.decode()


def test_published_rows_stay_published_when_the_migration_runs(org_a, pillars):
    migration = importlib.import_module("tutela.activities.migrations.0003_review")
    plain = _create(None, org_a, pillars, title="Plain")
    named = _create(None, org_a, pillars, title="Named")
    # Rows written before the check existed: the text is put straight in, as the old code accepted it.
    named.participation.create(group="children", min_age=10, max_age=12, count=2, description=NAMED)
    migration.flag_existing(apps, None)
    plain.refresh_from_db()
    named.refresh_from_db()
    assert (plain.is_published, plain.awaiting_review) == (True, False)
    assert (named.is_published, named.awaiting_review) == (False, True)
    assert [f["excerpt"] for f in named.review_flags] == ["Abebe, 11", "Marta (12 years old)"]


# --- Children's identities in the text ----------------------------------------------------------

def test_names_with_ages_are_stored_flagged_and_not_publishable(api, secretariat, org_a, pillars, personas):
    # Even the secretariat's own record waits: the flag must be looked at before publication.
    activity = _create(secretariat, org_a, pillars, participation=[
        Count(group="children", count=2, min_age=10, max_age=12, description=NAMED)])
    assert (activity.is_published, activity.awaiting_review) == (False, True)
    assert [(f["field"], f["signal"], f["excerpt"]) for f in activity.active_flags] == [
        ("participation", "name_age", "Abebe, 11"), ("participation", "name_age", "Marta (12 years old)")]
    assert _visible_to(personas, activity)["anonymous"] is False
    with pytest.raises(ValidationError, match="Abebe, 11"):
        services.activity_publish(actor=secretariat, activity=activity)
    response = api(secretariat, "post", f"/activities/{activity.pk}/publish")
    assert response.status_code == 422 and "review_flags" in response.json()["error"]["fields"]
    # Cleared after checking: publishable, and the same text saved again stays cleared.
    services.activity_clear_flags(actor=secretariat, activity=activity)
    services.activity_update(actor=secretariat, activity=activity, summary="Edited")
    activity.refresh_from_db()
    assert activity.active_flags == [] and len(activity.review_flags) == 2
    services.activity_publish(actor=secretariat, activity=activity)
    assert _visible_to(personas, activity)["anonymous"] is True


def test_editing_the_name_out_removes_the_flag(secretariat, org_a, pillars):
    activity = _create(secretariat, org_a, pillars, summary="Marta (12 years old) presented the poster.")
    assert activity.active_flags and not activity.is_published
    services.activity_update(actor=secretariat, activity=activity, summary="A pupil presented the poster.",
                             is_published=True)
    activity.refresh_from_db()
    assert activity.review_flags == [] and activity.is_public


def test_a_focal_point_sees_why_their_activity_waits(client, focal_point, org_a, pillars):
    client.force_login(focal_point)
    activity = _create(focal_point, org_a, pillars, summary="Sara, 9 years old, won the drawing contest.")
    page = client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    assert "Sara, 9 years old" in page and "a name with an age" in page


@pytest.mark.parametrize(("participation", "summary", "field", "words"), [
    ([{"group": "children", "count": 30, "min_age": 10, "max_age": 12,
       "description": "Pupils of class 5B, write to class5b@gmail.com"}], "", "participation", "class5b@gmail.com"),
    ([{"group": "children", "count": 30, "min_age": 10, "max_age": 12,
       "description": "Pupils; class teacher +251 911 234 567"}], "", "participation", "+251 911 234 567"),
    ([], "The winner, born on 4 March 2011, read her poem.", "summary", "born on 4 March 2011"),
    ([], "Liste des élèves : date de naissance 12/04/2011", "summary", "date de naissance 12/04/2011"),
])
def test_contacts_and_birth_dates_are_refused_with_what_to_remove(api, focal_point, org_a, pillars, participation,
                                                                  summary, field, words):
    payload = {"title": "Assembly", "kind": "educational_event", "starts_on": "2014-02-11",
               "pillars": [pillars[4].pk], "partners": [{"organisation_id": org_a.pk, "role": "organiser"}],
               "participation": participation, "summary": summary}
    response = api(focal_point, "post", "/activities", payload)
    assert response.status_code == 422, response.json()
    message = " ".join(response.json()["error"]["fields"][field])
    assert words in message and "remove it" in message
    assert not Activity.objects.exists()


def test_the_form_shows_the_refusal_next_to_the_field(client, focal_point, org_a, pillars):
    client.force_login(focal_point)
    data = {
        "title": "Assembly", "kind": "educational_event", "status": "held", "starts_on": "2014-02-11",
        "ends_on": "2014-02-11", "pillars": [str(pillars[4].pk)], "summary": "The girl's DOB: 2012-05-17.",
        "partners-TOTAL_FORMS": "1", "partners-INITIAL_FORMS": "0",
        "partners-0-organisation": str(org_a.pk), "partners-0-role": "organiser",
        "participation-TOTAL_FORMS": "0", "participation-INITIAL_FORMS": "0",
        "outcomes-TOTAL_FORMS": "0", "outcomes-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("activities:activity_create"), data)
    assert response.status_code == 422
    assert "DOB: 2012-05-17" in " ".join(response.context["form"].errors["summary"])
    assert not Activity.objects.exists()


def test_ordinary_reporting_text_is_neither_refused_nor_flagged(secretariat, org_a, pillars):
    activity = _create(secretariat, org_a, pillars, summary="25 schools in Addis Ababa; H.E. Minister Abebe opened "
                       "the session on Safer Internet Day 2014.", participation=[
                           Count(group="children", count=120, min_age=10, max_age=12, description="children aged 10-12")])
    assert activity.review_flags == [] and activity.is_public
