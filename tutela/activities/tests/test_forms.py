
import pytest
from django.urls import reverse

from tutela.activities import services
from tutela.activities.models import Activity
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db

CREATE = reverse("activities:activity_create")


def _management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def _post_data(org, pillar_map, **overrides):
    data = {
        "title": "Safety ambassadors training", "kind": "training", "status": "held",
        "starts_on": "2013-09-10", "ends_on": "2013-09-12", "city": "Addis Ababa", "country": "ET",
        "pillars": [pillar_map[4].pk], "topics": "cyberbullying, sexting",
        **_management("partners", 1), "partners-0-organisation": str(org.pk), "partners-0-role": "organiser",
        **_management("participation", 2),
        "participation-0-group": "educators", "participation-0-count": "100", "participation-0-kind": "counted",
        "participation-1-group": "children", "participation-1-min_age": "10", "participation-1-max_age": "14",
        "participation-1-count": "3", "participation-1-kind": "counted",
        **_management("outcomes", 1), "outcomes-0-kind": "call_for_action", "outcomes-0-text": "A call for action",
        "outcomes-0-points": "Improve educational resources\nTalk with content creators\n",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_focal_point_records_an_activity_with_participation_and_outcomes(client, focal_point, org_a, pillars):
    client.force_login(focal_point)
    form = client.get(CREATE).content.decode()
    assert "Never write a child" in form
    response = client.post(CREATE, _post_data(org_a, pillars))
    activity = Activity.objects.get()
    assert response.status_code == 302 and response.url == reverse("activities:activity_detail", args=[activity.pk])
    assert [(p.group, p.count, p.age_band) for p in activity.participation.all()] == [
        ("children", 3, "10–14"), ("educators", 100, "")]
    assert activity.outcomes.get().points == ["Improve educational resources", "Talk with content creators"]
    assert sorted(t.name for t in activity.topics.all()) == ["cyberbullying", "sexting"]
    assert AuditEntry.objects.filter(action="activity.created", actor=focal_point).exists()
    # The organiser sees the exact small child count; the public sees "fewer than 5".
    detail_url = reverse("activities:activity_detail", args=[activity.pk])
    own = client.get(detail_url).content.decode()
    assert "<ol><li>Improve educational resources</li><li>Talk with content creators</li></ol>" in own
    client.logout()
    # Submitted, not public, until the secretariat publishes it.
    assert client.get(detail_url).status_code == 404
    services.activity_publish(actor=None, activity=activity)
    public = client.get(detail_url).content.decode()
    assert "fewer than 5" in public and ">3<" not in public and "100" in public


def test_htmx_submission_redirects_the_browser(client, focal_point, org_a, pillars):
    client.force_login(focal_point)
    response = client.post(CREATE, _post_data(org_a, pillars), headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"].startswith("/activities/")


def test_add_rows_shows_more_rows_and_saves_nothing(client, focal_point, org_a, pillars):
    client.force_login(focal_point)
    response = client.post(CREATE, _post_data(org_a, pillars, add="participation"))
    assert response.status_code == 200 and not Activity.objects.exists()
    assert response.context["count_rows"].total_form_count() == 4
    assert 'value="Safety ambassadors training"' in response.content.decode()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"ends_on": "2013-09-01"}, "The end date is before the start date."),
    ({"country": "XX"}, "“XX” is not a known ISO 3166 country code"),
    ({"participation-0-count": "-5"}, "A count cannot be negative."),
    ({"participation-0-count": "ten"}, "Enter a whole number (0, 1, 2…), not text or decimals."),
    ({"participation-0-count": "2.5"}, "Enter a whole number (0, 1, 2…), not text or decimals."),
    ({"participation-1-min_age": "", "participation-1-max_age": ""}, "Children are counted by age band"),
    ({"participation-1-max_age": "19"}, "A child age band must lie within 0–17"),
    ({"pillars": ["999"]}, "Pillar 999 does not exist"),
    ({"pillars": None}, "Choose at least one of the five pillars."),
    ({"participation-0-group": ""}, "Say which group these people belong to."),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_saved(client, focal_point, org_a, pillars,
                                                                       overrides, message):
    client.force_login(focal_point)
    response = client.post(CREATE, _post_data(org_a, pillars, **overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_focal_point_must_list_their_own_organisation_as_organiser(client, focal_point, org_b, pillars):
    client.force_login(focal_point)
    response = client.post(CREATE, _post_data(org_b, pillars))
    assert response.status_code == 422
    assert "List your own organisation as organiser or co-organiser." in response.content.decode()
    assert not Activity.objects.exists()


def test_only_staff_may_open_the_form(ladder):
    ladder("get", CREATE, {"anonymous": 302, "stakeholder": 403, "focal_point": 200, "other_focal_point": 200,
                           "secretariat": 200})


def test_a_focal_point_cannot_edit_another_organisations_activity(client, make_activity, other_focal_point,
                                                                   org_b, pillars, ladder):
    activity = make_activity(title="Original title")
    url = reverse("activities:activity_edit", args=[activity.pk])
    ladder("get", url, {"anonymous": 302, "stakeholder": 403, "other_focal_point": 403, "focal_point": 200,
                        "secretariat": 200})
    client.force_login(other_focal_point)
    response = client.post(url, _post_data(org_b, pillars, title="Hijacked"))
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.title == "Original title"


def test_editing_keeps_rows_and_replaces_them_as_a_whole(client, pilot, focal_point, pillars):
    client.force_login(focal_point)
    url = reverse("activities:activity_edit", args=[pilot.pk])
    form = client.get(url)
    assert form.context["count_rows"].initial_form_count() == 3
    assert "Improve resources" in form.content.decode()
    org = pilot.partner_roles.get(role="organiser").organisation
    response = client.post(url, _post_data(org, pillars, title="Pilot, renamed"))
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert pilot.title == "Pilot, renamed" and pilot.participation.count() == 2


def test_hostile_text_is_escaped(client, make_activity, org_a):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    activity = make_activity(title=hostile, summary=hostile, city=hostile, topics=[hostile],
                             outcomes=[{"kind": "statement", "text": hostile, "points": [hostile]}])
    for url in [reverse("activities:activity_list"), reverse("activities:activity_detail", args=[activity.pk]),
                reverse("activities:timeline")]:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;" in body


def test_the_secretariat_publishes_and_unpublishes(client, make_activity, secretariat, ladder):
    activity = make_activity(title="Quiet workshop")
    url = reverse("activities:activity_publish", args=[activity.pk])
    ladder("post", url, {"anonymous": 302, "stakeholder": 403, "focal_point": 403, "other_focal_point": 403},
           data={"published": "0"})
    client.force_login(secretariat)
    client.post(url, {"published": "0"})
    activity.refresh_from_db()
    assert not activity.is_published
    client.logout()
    assert client.get(reverse("activities:activity_detail", args=[activity.pk])).status_code == 404
    client.force_login(secretariat)
    client.post(url, {"published": "1"})
    activity.refresh_from_db()
    assert activity.is_published and AuditEntry.objects.filter(action="activity.published").exists()


def test_detail_shows_relations_both_ways(client, pilot, org_b, pillars):
    from tutela.initiatives.models import Deliverable, Initiative

    initiative = Initiative.objects.create(name="COP Global Initiative")
    deliverable = Deliverable.objects.create(initiative=initiative, title="Train 100 safety ambassadors")
    pilot.deliverables.add(deliverable)
    body = client.get(reverse("activities:activity_detail", args=[pilot.pk])).content.decode()
    assert "Funder" in body and "Organiser" in body and org_b.name in body
    assert "Pillar 4: Capacity Building" in body and "Cyberbullying" in body
    assert "Train 100 safety ambassadors" in body
    assert "Ethiopia" in body
