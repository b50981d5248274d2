"""Occasions and projects set up from the pages, and a project's stages as one table of moves."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tutela.activities import services
from tutela.activities.models import PROJECT_LIFECYCLE, Occasion, Project
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    ["idea", "planned", "active", "closed"],
    ["idea", "cancelled"],
    ["idea", "planned", "idea", "planned", "cancelled"],
    ["planned", "active", "cancelled"],
])
def test_a_project_moves_along_the_allowed_paths_each_move_audited(secretariat, org_a, path):
    project = services.project_create(actor=secretariat, name="E-safety", stage=path[0], partners=[org_a])
    for stage in path[1:]:
        services.project_move(actor=secretariat, project=project, stage=stage)
        project.refresh_from_db()
        assert project.stage == stage
    moves = AuditEntry.objects.filter(action="project.moved", target_id=str(project.pk)).order_by("pk")
    assert [entry.changes["stage"] for entry in moves] == [[a, b] for a, b in zip(path, path[1:], strict=False)]


@pytest.mark.parametrize(("start", "target", "words"), [
    ("active", "idea", "from Active it can only become Closed or Cancelled"),
    ("idea", "active", "from Idea it can only become Planned or Cancelled"),
    ("idea", "closed", "cannot become Closed directly"),
    ("closed", "active", "which is final"),
    ("cancelled", "planned", "which is final"),
    ("idea", "approved", "is not a stage of this project"),
])
def test_a_forbidden_jump_is_refused_with_the_reason(secretariat, start, target, words):
    project = services.project_create(actor=secretariat, name="Pilot", stage=start)
    with pytest.raises(ValidationError) as refused:
        services.project_move(actor=secretariat, project=project, stage=target)
    assert words in refused.value.message_dict["stage"][0]
    with pytest.raises(ValidationError):  # the general update goes through the same table
        services.project_update(actor=secretariat, project=project, stage=target)
    project.refresh_from_db()
    assert project.stage == start
    assert not AuditEntry.objects.filter(action="project.moved").exists()


def test_every_stage_is_reachable_and_the_final_ones_lead_nowhere():
    reached, todo = {"idea"}, ["idea"]
    while todo:
        for target in PROJECT_LIFECYCLE.allowed(todo.pop()):
            if target not in reached:
                reached.add(target)
                todo.append(target)
    assert reached == set(Project.Stage.values)
    for final in PROJECT_LIFECYCLE.irreversible:
        assert PROJECT_LIFECYCLE.allowed(final) == []


def test_another_organisations_focal_point_cannot_move_a_project(secretariat, other_focal_point, org_a):
    project = services.project_create(actor=secretariat, name="Ours", partners=[org_a])
    with pytest.raises(PermissionDenied):
        services.project_move(actor=other_focal_point, project=project, stage="planned")


def test_the_secretariat_creates_and_edits_an_occasion_from_its_pages(client, secretariat):
    client.force_login(secretariat)
    assert 'href="/activities/occasions/new/"' in client.get("/activities/occasions/").text
    bad = client.post("/activities/occasions/new/", {"name": "IGF 2013", "kind": "forum", "starts_on": "2013-10-25",
                                                      "ends_on": "2013-10-22"})
    assert bad.status_code == 422
    assert "The end date is before the start date." in bad.text
    assert 'value="IGF 2013"' in bad.text  # nothing lost
    response = client.post("/activities/occasions/new/", {
        "name": "Internet Governance Forum 2013", "short_name": "IGF 2013", "kind": "forum",
        "starts_on": "2013-10-22", "city": "Bali", "country": "ID", "is_published": "on"})
    occasion = Occasion.objects.get(short_name="IGF 2013")
    assert response.status_code == 302 and response.url == f"/activities/occasions/{occasion.pk}/"
    assert occasion.ends_on == date(2013, 10, 22)  # a one-day occasion
    assert AuditEntry.objects.filter(action="occasion.created", target_id=str(occasion.pk), actor=secretariat).exists()
    page = client.get(response.url).text
    assert f'href="/activities/occasions/{occasion.pk}/edit/"' in page
    edit = client.get(f"/activities/occasions/{occasion.pk}/edit/")
    assert 'value="Bali"' in edit.text
    client.post(f"/activities/occasions/{occasion.pk}/edit/", {
        "name": "Internet Governance Forum 2013", "short_name": "IGF 2013", "kind": "forum",
        "starts_on": "2013-10-22", "ends_on": "2013-10-25", "city": "Nusa Dua", "country": "ID"})
    occasion.refresh_from_db()
    assert (occasion.city, occasion.ends_on, occasion.is_published) == ("Nusa Dua", date(2013, 10, 25), False)


def test_a_focal_point_sees_no_occasion_form(client, focal_point):
    client.force_login(focal_point)
    assert "/activities/occasions/new/" not in client.get("/activities/occasions/").text
    assert client.post("/activities/occasions/new/", {"name": "X", "starts_on": "2013-01-01"}).status_code == 403
    assert not Occasion.objects.exists()


def test_a_focal_point_creates_a_project_only_with_their_organisation(client, focal_point, org_a, org_b):
    client.force_login(focal_point)
    form = {"name": "Safety ambassadors", "stage": "idea", "partners": [org_b.pk], "countries": ["ET", "KE"]}
    refused = client.post("/activities/projects/new/", form)
    assert refused.status_code == 422
    assert "Your own organisation must be one of the partners." in refused.text
    response = client.post("/activities/projects/new/", {**form, "partners": [org_a.pk, org_b.pk]})
    project = Project.objects.get(name="Safety ambassadors")
    assert response.url == f"/activities/projects/{project.pk}/"
    assert sorted(str(c) for c in project.countries) == ["ET", "KE"]
    assert project.awaiting_review  # a focal point's record waits for the secretariat


def test_the_project_page_shows_only_the_allowed_moves_and_asks_before_a_final_one(client, secretariat, org_a):
    project = services.project_create(actor=None, name="African E-Safety Project", stage="planned", partners=[org_a])
    client.force_login(secretariat)
    url = f"/activities/projects/{project.pk}/"
    page = client.get(url).text
    for stage in ("active", "idea", "cancelled"):
        assert f'name="stage" value="{stage}"' in page
    assert 'name="stage" value="closed"' not in page
    # A reversible move happens at once.
    assert client.post(url + "stage/", {"stage": "active"}).status_code == 302
    project.refresh_from_db()
    assert project.stage == "active"
    # A final one answers with a confirmation page first, and changes nothing.
    ask = client.post(url + "stage/", {"stage": "closed"})
    assert ask.status_code == 200
    assert "cannot be undone" in ask.text and 'name="confirm" value="1"' in ask.text
    assert "<script>" not in ask.text and "style=" not in ask.text  # no inline script or style (CSP)
    project.refresh_from_db()
    assert project.stage == "active"
    done = client.post(url + "stage/", {"stage": "closed", "confirm": "1"}, follow=True)
    project.refresh_from_db()
    assert project.stage == "closed"
    assert "The project is now Closed." in done.text
    assert 'name="stage" value=' not in done.text  # closed: no moves left
    # A forged jump from the final stage is refused with the sentence, nothing changes.
    refused = client.post(url + "stage/", {"stage": "active", "confirm": "1"}, follow=True)
    assert "which is final: it cannot become Active" in refused.text
    project.refresh_from_db()
    assert project.stage == "closed"


def test_editing_a_project_does_not_change_its_stage(client, secretariat, org_a):
    project = services.project_create(actor=None, name="Pilot", stage="active", partners=[org_a])
    client.force_login(secretariat)
    form = client.get(f"/activities/projects/{project.pk}/edit/").text
    assert 'name="stage"' not in form
    client.post(f"/activities/projects/{project.pk}/edit/",
                {"name": "Pilot, phase 2", "stage": "idea", "partners": [org_a.pk]})
    project.refresh_from_db()
    assert (project.name, project.stage) == ("Pilot, phase 2", "active")


def test_the_setup_forms_refuse_control_characters_and_save_nothing(client, secretariat, org_a):
    client.force_login(secretariat)
    bad = client.post("/activities/occasions/new/", {"name": "IGF\x0b2013", "kind": "forum", "starts_on": "2013-10-22"})
    assert bad.status_code == 422 and "U+000B" in bad.text
    bad = client.post("/activities/projects/new/", {"name": "Pilot\x00", "stage": "idea", "partners": [org_a.pk]})
    assert bad.status_code in (400, 422)
    assert not Occasion.objects.exists() and not Project.objects.exists()
