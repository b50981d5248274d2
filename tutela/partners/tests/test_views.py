import pytest
from django.urls import reverse

from tutela.core.models import AuditEntry
from tutela.partners.models import Organisation
from tutela.partners.services import organisation_create

pytestmark = pytest.mark.django_db


def test_organisation_list_is_public_and_filters_combine_in_the_url(client, org_a, org_b, itu):
    response = client.get(reverse("partners:organisation_list"), {"kind": "civil_society", "country": "ET"})
    assert response.status_code == 200
    assert "ACOPEA" in response.text
    assert "Trend Micro" not in response.text
    assert 'value="civil_society" selected' in response.text
    response = client.get(reverse("partners:organisation_list"), {"kind": "civil_society", "country": "JP"})
    assert "No organisations match" in response.text


def test_international_organisations_are_those_without_a_country(client, org_a, itu):
    response = client.get(reverse("partners:organisation_list"), {"country": "INTL"})
    assert "International Telecommunication Union" in response.text
    assert "ACOPEA" not in response.text


def test_search_ignores_case_and_accents(client, db):
    organisation_create(actor=None, name="Ministère de l'Éducation", kind="government", country="FR")
    response = client.get(reverse("partners:organisation_list"), {"q": "MINISTERE"})
    assert "Ministère de l&#x27;Éducation" in response.text


def test_parent_filter(client, itu):
    impact = organisation_create(actor=None, name="ITU-IMPACT", kind="intergovernmental", parent=itu)
    organisation_create(actor=None, name="Unrelated", kind="other")
    response = client.get(reverse("partners:organisation_list"), {"parent": itu.pk})
    assert impact.name in response.text
    assert "Unrelated" not in response.text


def test_organisation_list_paginates_by_keyset_with_a_constant_number_of_queries(
    client, many_organisations, django_assert_num_queries
):
    url = reverse("partners:organisation_list")
    with django_assert_num_queries(3):  # page, countries, parents
        first = client.get(url)
    assert 'rel="next"' in first.text
    cursor = first.context["page"].next_cursor
    with django_assert_num_queries(3):
        second = client.get(url, {"after": cursor})
    names = {o.name for o in first.context["page"].items} | {o.name for o in second.context["page"].items}
    assert len(names) == 30


def test_unpublished_organisation_is_hidden_from_the_public_but_not_from_its_focal_point(client, ladder, org_a, secretariat):
    org_a.is_published = False
    org_a.save()
    url = reverse("partners:organisation_detail", args=[org_a.pk])
    ladder("get", url, {"anonymous": 404, "stakeholder": 404, "other_focal_point": 404, "focal_point": 200, "secretariat": 200})


def test_detail_shows_the_agreements_of_every_party(client, org_b, mou, itu):
    for party in (org_b, itu):
        response = client.get(reverse("partners:organisation_detail", args=[party.pk]))
        assert mou.title in response.text
        assert "ends in 45 days" in response.text


def test_secretariat_creates_an_organisation_and_it_is_audited(client, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("partners:organisation_create"), {"name": "UNICEF", "acronym": "UNICEF", "kind": "un_agency"})
    org = Organisation.objects.get(name="UNICEF")
    assert response.status_code == 302
    assert response.url == reverse("partners:organisation_detail", args=[org.pk])
    assert AuditEntry.objects.filter(action="organisation.created", target_id=str(org.pk), actor=secretariat).exists()


def test_a_duplicate_name_is_caught_regardless_of_case_and_accents(client, secretariat):
    organisation_create(actor=None, name="Ministère de l'Éducation", kind="government")
    client.force_login(secretariat)
    response = client.post(reverse("partners:organisation_create"), {"name": "  MINISTERE de l'education ", "kind": "government"})
    assert response.status_code == 422
    assert "already exists" in response.text
    assert "Ministère de l&#x27;Éducation" in response.text
    assert Organisation.objects.count() == 2  # ITU (the secretariat's) and the original


def test_an_unknown_country_code_is_refused(client, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("partners:organisation_create"), {"name": "Nowhere Inc", "kind": "other", "country": "XX"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.text
    assert not Organisation.objects.filter(name="Nowhere Inc").exists()


def test_hostile_text_is_shown_escaped(client, secretariat):
    org = organisation_create(actor=None, name="<script>alert('x')</script>", kind="other")
    for url in (reverse("partners:organisation_list"), reverse("partners:organisation_detail", args=[org.pk])):
        body = client.get(url).text
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert" in body


def test_only_secretariat_may_create_organisations(ladder):
    ladder("get", reverse("partners:organisation_create"), {
        "anonymous": 302, "stakeholder": 403, "focal_point": 403, "other_focal_point": 403, "secretariat": 200,
    })


def test_focal_point_edits_own_organisation_only(client, ladder, org_a, org_b, focal_point):
    ladder("get", reverse("partners:organisation_edit", args=[org_a.pk]), {
        "anonymous": 302, "stakeholder": 403, "other_focal_point": 403, "focal_point": 200, "secretariat": 200,
    })
    client.force_login(focal_point)
    response = client.post(reverse("partners:organisation_edit", args=[org_b.pk]), {"name": "Hijacked", "kind": "other"})
    assert response.status_code == 403
    org_b.refresh_from_db()
    assert org_b.name == "Trend Micro"
    response = client.post(reverse("partners:organisation_edit", args=[org_a.pk]),
                           {"name": org_a.name, "acronym": "ACOPEA", "kind": "civil_society", "country": "ET",
                            "website": "https://acopea.example.org"})
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.website == "https://acopea.example.org"


def test_focal_points_edit_list_holds_only_their_records(client, focal_point, org_a, org_b, mou):
    client.force_login(focal_point)
    response = client.get(reverse("partners:my_records"))
    assert response.status_code == 200
    assert org_a.name in response.text
    assert "Trend Micro" not in response.text
    assert mou.title not in response.text
    listed = client.get(reverse("partners:organisation_list"), {"editable": "1"})
    assert [o.pk for o in listed.context["page"].items] == [org_a.pk]


def test_publish_and_unpublish_is_for_the_secretariat(client, ladder, org_a, secretariat):
    url = reverse("partners:organisation_publish", args=[org_a.pk])
    ladder("post", url, {"focal_point": 403, "stakeholder": 403}, data={"published": "0"})
    client.force_login(secretariat)
    client.post(url, {"published": "0"})
    org_a.refresh_from_db()
    assert not org_a.is_published
    client.post(url, {"published": "1"})
    org_a.refresh_from_db()
    assert org_a.is_published


def test_merge_shows_what_will_move_then_moves_it(client, secretariat, org_a, focal_point, deliverable, mou, itu):
    dup = organisation_create(actor=None, name="ACOPEA Centre (duplicate)", kind="civil_society", country="ET")
    deliverable.contributing_organisations.add(dup)
    from tutela.initiatives.services import appointment_create, person_create

    person = person_create(actor=None, full_name="Head of ACOPEA", organisation=dup, is_public_figure=True)
    on_dup = appointment_create(actor=None, person=person, role="focal_point", subject=dup)
    focal_point.organisation = dup
    focal_point.save()
    client.force_login(secretariat)
    url = reverse("partners:organisation_merge", args=[org_a.pk])
    preview = client.get(url, {"duplicate": dup.pk})
    assert preview.status_code == 200
    labels = dict(preview.context["moves"])
    assert any("users" in label for label in labels)
    assert any("deliverables" in label for label in labels)
    assert any("appointments (subject)" in label for label in labels)
    assert "Merge and delete the duplicate" in preview.text
    assert Organisation.objects.filter(pk=dup.pk).exists()  # a GET changes nothing
    done = client.post(url, {"duplicate": dup.pk, "confirm": "1"})
    assert done.status_code == 302
    assert not Organisation.objects.filter(pk=dup.pk).exists()
    focal_point.refresh_from_db()
    assert focal_point.organisation_id == org_a.pk
    assert org_a in deliverable.contributing_organisations.all()
    assert AuditEntry.objects.filter(action="organisation.merged", target_id=str(org_a.pk)).exists()
    on_dup.refresh_from_db()
    assert on_dup.subject == org_a  # generic references move too
    person.refresh_from_db()
    assert person.organisation == org_a


def test_merge_is_for_the_secretariat(ladder, org_a):
    ladder("get", reverse("partners:organisation_merge", args=[org_a.pk]), {
        "anonymous": 302, "focal_point": 403, "other_focal_point": 403, "stakeholder": 403, "secretariat": 200,
    })
