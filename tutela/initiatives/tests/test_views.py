import pytest
from django.urls import reverse

from tutela.initiatives.models import Appointment, Deliverable, Person, Pillar
from tutela.initiatives.services import deliverable_create

pytestmark = pytest.mark.django_db

def _pk(*numbers):
    """The pillars' keys by their numbers (a flushed test database restores them under new keys)."""
    from tutela.initiatives.models import Pillar

    return [Pillar.objects.get(number=n).pk for n in numbers]



def test_five_pillars_exist_in_order(db):
    assert list(Pillar.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]


def test_initiative_page_shows_patron_and_pillars(client, initiative, patron, deliverable):
    response = client.get(reverse("initiatives:home"))
    assert response.status_code == 200
    assert "Laura Chinchilla" in response.text
    assert "Patron" in response.text
    assert "Capacity Building" in response.text or Pillar.objects.get(number=4).name in response.text


def test_deliverable_filters_combine_and_paginate_without_n_plus_one(client, initiative, org_a, org_b, django_assert_num_queries):
    legal, capacity = Pillar.objects.get(number=1), Pillar.objects.get(number=4)
    for i in range(30):
        deliverable_create(actor=None, initiative=initiative, title=f"Deliverable {i:02d}", pillars=[legal, capacity],
                           lead_organisation=org_a if i % 2 else org_b, status="achieved" if i % 3 else "planned")
    url = reverse("initiatives:deliverable_list")
    with django_assert_num_queries(4):  # pillars, page, prefetch pillars, organisations for the filter
        first = client.get(url)
    with django_assert_num_queries(4):
        client.get(url, {"after": first.context["page"].next_cursor})
    response = client.get(url, {"pillar": legal.slug, "status": "achieved", "organisation": org_a.pk})
    titles = [d.title for d in response.context["page"].items]
    assert titles and all(int(t[-2:]) % 2 and int(t[-2:]) % 3 for t in titles)
    assert f'value="{legal.slug}" selected' in response.text


def test_unknown_pillar_filter_says_so(client, deliverable):
    response = client.get(reverse("initiatives:deliverable_list"), {"pillar": "no-such-pillar"})
    assert "Unknown pillar" in response.text
    assert deliverable.title not in response.text


def test_focal_point_edits_own_deliverables_only(client, ladder, deliverable, initiative, org_b, focal_point):
    ladder("get", reverse("initiatives:deliverable_edit", args=[deliverable.pk]), {
        "anonymous": 302, "stakeholder": 403, "other_focal_point": 403, "focal_point": 200, "secretariat": 200,
    })
    theirs = deliverable_create(actor=None, initiative=initiative, title="Industry codes", pillars=[Pillar.objects.get(number=2)],
                                lead_organisation=org_b)
    client.force_login(focal_point)
    response = client.post(reverse("initiatives:deliverable_edit", args=[theirs.pk]), {"title": "Mine"})
    assert response.status_code == 403
    listed = client.get(reverse("initiatives:deliverable_list"), {"editable": "1"})
    assert [d.pk for d in listed.context["page"].items] == [deliverable.pk]


def test_secretariat_creates_a_deliverable_and_pillars_are_required(client, secretariat, initiative, org_a):
    client.force_login(secretariat)
    url = reverse("initiatives:deliverable_create")
    missing = client.post(url, {"initiative": initiative.pk, "title": "Hotlines", "status": "planned"})
    assert missing.status_code == 422
    ok = client.post(url, {"initiative": initiative.pk, "title": "Hotlines", "status": "planned", "pillars": _pk(2, 3),
                           "lead_organisation": org_a.pk})
    assert ok.status_code == 302
    assert Deliverable.objects.get(title="Hotlines").pillars.count() == 2


def test_people_who_may_not_be_named_are_hidden_from_the_public(client, ladder, private_person, patron):
    listing = client.get(reverse("initiatives:person_list"))
    assert "Laura Chinchilla" in listing.text
    assert "Abebe" not in listing.text
    ladder("get", reverse("initiatives:person_detail", args=[private_person.pk]), {
        "anonymous": 404, "stakeholder": 404, "other_focal_point": 404, "focal_point": 200, "secretariat": 200,
    })


def test_a_person_must_be_confirmed_an_adult(client, focal_point, org_a):
    client.force_login(focal_point)
    url = reverse("initiatives:person_create")
    refused = client.post(url, {"full_name": "Someone", "organisation": org_a.pk})
    assert refused.status_code == 422
    assert "Only adults" in refused.text
    ok = client.post(url, {"full_name": "Someone", "organisation": org_a.pk, "adult": "on"})
    assert ok.status_code == 302
    assert Person.objects.get(full_name="Someone").organisation == org_a


def test_focal_point_cannot_record_people_of_another_organisation(client, focal_point, org_b):
    client.force_login(focal_point)
    response = client.post(reverse("initiatives:person_create"), {"full_name": "X", "organisation": org_b.pk, "adult": "on"})
    assert response.status_code == 422  # org B is not among the choices
    assert not Person.objects.filter(full_name="X").exists()


def test_appointment_end_before_start_is_refused(client, secretariat, patron, initiative):
    client.force_login(secretariat)
    url = reverse("initiatives:appointment_create", args=[patron.pk])
    response = client.post(url, {"role": "champion", "subject": f"initiatives.initiative:{initiative.pk}",
                                 "starts_on": "2014-01-01", "ends_on": "2013-01-01"})
    assert response.status_code == 422
    assert "ends before it starts" in response.text
    assert Appointment.objects.filter(role="champion").count() == 0


def test_hostile_text_in_a_deliverable_is_escaped(client, initiative):
    d = deliverable_create(actor=None, initiative=initiative, title='<img src=x onerror="alert(1)">', pillars=_pk(1))
    body = client.get(reverse("initiatives:deliverable_detail", args=[d.pk])).text
    assert "<img src=x" not in body
    assert "&lt;img src=x" in body


def test_a_deliverable_cannot_move_to_another_initiative_and_the_form_keeps_what_was_typed(client, secretariat, deliverable):
    from tutela.initiatives.services import initiative_create

    other = initiative_create(actor=secretariat, name="Another initiative")
    client.force_login(secretariat)
    response = client.post(reverse("initiatives:deliverable_edit", args=[deliverable.pk]), {
        "initiative": other.pk, "title": "Renamed", "status": "planned", "pillars": _pk(2),
        "lead_organisation": deliverable.lead_organisation_id,
    })
    assert response.status_code == 422
    assert "stays with its initiative" in response.text
    assert 'value="Renamed"' in response.text
    deliverable.refresh_from_db()
    assert deliverable.title != "Renamed"


def test_creating_and_editing_a_deliverable_audits_fields_and_pillars(client, secretariat, initiative, org_a):
    from tutela.core.models import AuditEntry

    client.force_login(secretariat)
    client.post(reverse("initiatives:deliverable_create"), {
        "initiative": initiative.pk, "title": "Helplines", "status": "planned", "pillars": _pk(2, 3), "lead_organisation": org_a.pk,
    })
    deliverable = Deliverable.objects.get(title="Helplines")
    created = AuditEntry.objects.get(action="deliverable.created", target_id=str(deliverable.pk))
    assert created.changes["title"] == [None, "Helplines"]
    assert created.changes["pillars"] == [[], sorted(Pillar.objects.filter(number__in=[2, 3]).values_list("pk", flat=True))]
    response = client.post(reverse("initiatives:deliverable_edit", args=[deliverable.pk]), {
        "initiative": initiative.pk, "title": "Helplines", "status": "in_progress", "pillars": _pk(2), "lead_organisation": org_a.pk,
    })
    assert response.status_code == 302
    updated = AuditEntry.objects.get(action="deliverable.updated", target_id=str(deliverable.pk))
    assert updated.changes["status"] == ["planned", "in_progress"]
    assert "title" not in updated.changes
    assert len(updated.changes["pillars"][1]) == 1


def test_the_mandate_version_page_renders_with_its_heading_and_link_back(client, initiative, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("initiatives:mandate_version_add", args=[initiative.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1><bdi>Add a version of the mandate</bdi></h1>" in page
    assert f'href="{reverse("initiatives:initiative_detail", args=[initiative.pk])}"><bdi>{initiative}</bdi>' in page
