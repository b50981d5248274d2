"""What the records could not say before issue 14, said through the pages and the API: participation counted in
countries or Member States, an outcome made by an organisation or a named group, what an activity focused on,
and a project covering several countries (its countries checked in the service only)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tutela.activities import services
from tutela.activities.models import Activity, Participation, Project
from tutela.activities.tests.test_api import _payload
from tutela.activities.tests.test_forms import _management, _post_data

pytestmark = pytest.mark.django_db

CREATE = reverse("activities:activity_create")


def _form(org, pillars, **overrides):
    """A workshop where 14 Member States took part, with two outcomes: one by an organisation, one by a group."""
    return _post_data(
        org,
        pillars,
        **{
            **_management("participation", 2),
            "participation-0-group": "government",
            "participation-0-count": "14",
            "participation-0-unit": "member_states",
            "participation-0-kind": "counted",
            "participation-1-group": "educators",
            "participation-1-count": "60",
            "participation-1-unit": "people",
            "participation-1-kind": "estimated",
            **_management("outcomes", 2),
            "outcomes-0-kind": "agreement",
            "outcomes-0-text": "To meet again in 2016",
            "outcomes-0-made_by_group": "the administrations of the Arab region",
            "outcomes-1-kind": "recommendation",
            "outcomes-1-text": "Schools adopt a policy",
            "outcomes-1-made_by_organisation": str(org.pk),
            "focus": "issues related to child online safety",
            **overrides,
        },
    )


def test_a_count_of_member_states_and_outcomes_by_a_group_and_an_organisation_are_recorded(
    client, secretariat, org_a, pillars
):
    client.force_login(secretariat)
    form = client.get(CREATE).content.decode()
    assert (
        "Counted in" in form
        and "or a named group" in form
        and "or an organisation" in form
        and "Focus" in form
    )
    response = client.post(CREATE, _form(org_a, pillars))
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get()
    assert activity.focus == "issues related to child online safety"
    assert sorted((p.group, p.count, p.unit) for p in activity.participation.all()) == [
        ("educators", 60, "people"),
        ("government", 14, "member_states"),
    ]
    made = [(o.made_by_id, o.made_by_organisation_id, o.made_by_group) for o in activity.outcomes.all()]
    assert made == [(None, None, "the administrations of the Arab region"), (None, org_a.pk, "")]
    page = client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    assert "14 Member States" in page and "by the administrations of the Arab region" in page
    assert "issues related to child online safety" in page


def test_editing_keeps_the_unit_and_the_makers(client, secretariat, org_a, pillars):
    client.force_login(secretariat)
    client.post(CREATE, _form(org_a, pillars))
    activity = Activity.objects.get()
    url = reverse("activities:activity_edit", args=[activity.pk])
    page = client.get(url)
    rows = page.context["count_rows"]
    assert {f.initial["unit"] for f in rows.forms[:2]} == {"member_states", "people"}
    assert page.context["outcome_rows"].forms[1].initial["made_by_organisation"] == org_a.pk
    # The form sent back as it was shown: nothing becomes people, no maker is lost.
    data = {k: v for k, v in _form(org_a, pillars, title="Renamed").items()}
    assert client.post(url, data).status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Renamed"
    assert activity.participation.get(group="government").unit == Participation.Unit.MEMBER_STATES
    assert activity.outcomes.get(kind="recommendation").made_by_organisation_id == org_a.pk


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {
                "participation-0-group": "children",
                "participation-0-min_age": "10",
                "participation-0-max_age": "14",
            },
            "children are counted as people, by age band: choose “people” for this row.",
        ),
        ({"participation-0-count": "many"}, "Enter a whole number (0, 1, 2…), not text or decimals."),
        ({"participation-0-unit": "cities"}, "Select a valid choice."),
        (
            {"outcomes-1-made_by_group": "the delegates"},
            "Outcome 2: say who made it once: a person, an organisation or a named group, not more than one.",
        ),
        ({"outcomes-1-made_by_organisation": "999999"}, "Unknown organisation."),
    ],
)
def test_what_cannot_be_said_is_refused_with_the_reason_and_nothing_is_saved(
    client, secretariat, org_a, pillars, overrides, message
):
    client.force_login(secretariat)
    response = client.post(CREATE, _form(org_a, pillars, **overrides))
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body and "Nothing was saved" in body
    assert not Activity.objects.exists()


def test_a_named_group_is_read_by_the_child_identity_check(client, focal_point, org_a, pillars):
    client.force_login(focal_point)
    client.post(
        CREATE, _form(org_a, pillars, **{"outcomes-0-made_by_group": "Amina Yusuf, aged 12, and her class"})
    )
    activity = Activity.objects.get()
    assert activity.active_flags and not activity.is_public


def test_the_api_takes_and_gives_the_unit_the_maker_and_the_focus(
    as_user, secretariat, org_a, org_b, pillars
):
    payload = _payload(
        org_a,
        pillars,
        focus="national frameworks",
        participation=[
            {"group": "government", "count": 12, "unit": "countries"},
            {"group": "educators", "count": 30},
        ],
        outcomes=[
            {"kind": "decision", "text": "Adopt the framework", "made_by_organisation_id": org_b.pk},
            {"kind": "agreement", "text": "Meet yearly", "made_by_group": "the ministers of the region"},
        ],
    )
    response = as_user(secretariat, "post", "/activities", payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["focus"] == "national frameworks"
    assert [(r["group"], r["count"], r["unit"]) for r in body["participation"]] == [
        ("educators", 30, "people"),
        ("government", 12, "countries"),
    ]
    assert [(o["made_by_organisation_id"], o["made_by_group"]) for o in body["outcomes"]] == [
        (org_b.pk, ""),
        (None, "the ministers of the region"),
    ]
    two = as_user(
        secretariat,
        "patch",
        f"/activities/{body['id']}",
        {
            "outcomes": [
                {
                    "kind": "decision",
                    "text": "X",
                    "made_by_organisation_id": org_b.pk,
                    "made_by_group": "and a group",
                }
            ]
        },
    )
    assert two.status_code == 422
    assert "say who made it once" in str(two.json())
    child = as_user(
        secretariat,
        "patch",
        f"/activities/{body['id']}",
        {
            "participation": [
                {"group": "children", "count": 3, "min_age": 8, "max_age": 12, "unit": "member_states"}
            ]
        },
    )
    assert child.status_code == 422 and "children are counted as people" in str(child.json())
    from tutela.initiatives.models import Person

    private = Person.objects.create(full_name="Jane Private")
    unnamed = as_user(
        secretariat,
        "patch",
        f"/activities/{body['id']}",
        {"outcomes": [{"kind": "decision", "text": "X", "made_by_id": private.pk}]},
    )
    assert unnamed.status_code == 422 and "Jane Private has not consented to be named." in str(unnamed.json())
    assert Activity.objects.get().participation.get(group="government").unit == "countries"


def test_a_project_covering_several_countries_is_checked_once_in_the_service(
    client, as_user, secretariat, org_a
):
    response = as_user(
        secretariat,
        "post",
        "/projects",
        {"name": "Regional frameworks", "partners": [org_a.pk], "countries": ["KE", "TZ", "UG"]},
    )
    assert response.status_code == 201 and response.json()["countries"] == ["KE", "TZ", "UG"]
    bad = as_user(
        secretariat,
        "post",
        "/projects",
        {"name": "Nowhere", "partners": [org_a.pk], "countries": ["KE", "XX"]},
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"]["countries"] == [
        "Unknown ISO 3166 country code(s): XX. Use two-letter codes such as ET, KE or OM."
    ]
    project = Project.objects.get(name="Regional frameworks")
    with pytest.raises(ValidationError) as exc:
        services.project_update(actor=None, project=project, countries=["KE", "QQ"])
    assert exc.value.message_dict["countries"] == [
        "Unknown ISO 3166 country code(s): QQ. Use two-letter codes such as ET, KE or OM."
    ]
    client.force_login(secretariat)
    page = client.get(reverse("activities:project_detail", args=[project.pk])).content.decode()
    assert "Kenya, Tanzania, Uganda" in page or "Kenya, Tanzania, United Republic of, Uganda" in page


def test_the_workspace_counts_activities_waiting_for_review_from_a_partial_index(
    client, focal_point, secretariat, make_activity, org_a, pillars
):
    from django.db import connection

    from tutela.core.review import waiting_counts

    make_activity(title="Published by the secretariat")
    client.force_login(focal_point)
    client.post(CREATE, _post_data(org_a, pillars, title="Sent by a focal point"))
    assert [k["count"] for k in waiting_counts(secretariat) if k["label"] == "activities.activity"] == [1]
    client.force_login(secretariat)
    page = client.get(reverse("home:workspace")).content.decode()
    assert "Partner submissions to review" in page and "1 waiting" in page
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            plan = Activity.objects.filter(awaiting_review=True).explain()
            cursor.execute("SET enable_seqscan = on")
        assert "activity_awaiting_review_idx" in plan
