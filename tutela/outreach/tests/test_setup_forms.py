"""Setting up programmes, cohorts, campaigns and messages from the pages, through the services (audited)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tutela.core.models import AuditEntry
from tutela.outreach import services
from tutela.outreach.models import Campaign, Cohort, Message, TrainingProgramme

pytestmark = pytest.mark.django_db

CREATE = {
    "anonymous": 302,
    "stakeholder": 403,
    "focal_point": 200,
    "other_focal_point": 200,
    "secretariat": 200,
}
OWN = {"anonymous": 302, "stakeholder": 403, "focal_point": 200, "other_focal_point": 403, "secretariat": 200}


def test_set_up_pages_ladder(ladder, programme, campaign):
    ladder("get", reverse("outreach:programme_create"), CREATE)
    ladder("get", reverse("outreach:campaign_create"), CREATE)
    ladder("get", reverse("outreach:programme_edit", args=[programme.pk]), OWN)
    ladder("get", reverse("outreach:cohort_create", args=[programme.pk]), OWN)
    ladder("get", reverse("outreach:campaign_edit", args=[campaign.pk]), OWN)
    ladder("get", reverse("outreach:message_add", args=[campaign.pk]), OWN)


def _programme(org, **extra):
    return {
        "name": "Kigali parents' programme",
        "organisers": [org.pk],
        "country": "RW",
        "city": "Kigali",
        "starts_on": "2015-02-01",
        "ends_on": "2015-11-30",
        "reach_min_age": 8,
        "reach_max_age": 15,
        "is_published": "on",
        **extra,
    }


def test_the_secretariat_creates_a_programme_from_the_outreach_page(client, secretariat, org_a, org_b):
    client.force_login(secretariat)
    index = client.get(reverse("outreach:index")).content.decode()
    assert reverse("outreach:programme_create") in index and reverse("outreach:campaign_create") in index
    response = client.post(reverse("outreach:programme_create"), _programme(org_a, funders=[org_b.pk]))
    programme = TrainingProgramme.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "outreach:programme_detail", args=[programme.pk]
    )
    assert str(programme.country) == "RW" and list(programme.funders.all()) == [org_b]
    assert (programme.reach_min_age, programme.reach_max_age) == (8, 15)
    assert AuditEntry.objects.filter(
        action="programme.created", target_id=str(programme.pk), actor=secretariat
    ).exists()


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"ends_on": "2015-01-01"}, "ends_on", "before the start date"),
        ({"organisers": []}, "organisers", "Name at least one organising organisation"),
        ({"reach_max_age": 19}, "reach_max_age", "less than or equal to 17"),
        ({"reach_min_age": 12, "reach_max_age": 9}, "reach_max_age", "ends (9) before it starts (12)"),
        ({"country": "XX"}, "country", "not a known country"),
        ({"starts_on": "1st of May"}, "starts_on", "Enter a date"),
    ],
)
def test_a_bad_programme_is_refused_with_what_to_fix_and_nothing_saved(
    client, secretariat, org_a, change, field, says
):
    client.force_login(secretariat)
    response = client.post(reverse("outreach:programme_create"), _programme(org_a, **change))
    assert response.status_code == 422
    assert says in " ".join(response.context["form"].errors[field])
    assert "Kigali parents" in response.content.decode()  # nothing typed is lost
    assert not TrainingProgramme.objects.exists()


def test_a_focal_point_sets_up_their_own_organisations_programme_only(client, focal_point, org_a, org_b):
    client.force_login(focal_point)
    response = client.post(reverse("outreach:programme_create"), _programme(org_b))
    assert response.status_code == 422
    assert "Your own organisation must be one of the organisers" in response.content.decode()
    assert not TrainingProgramme.objects.exists()
    response = client.post(reverse("outreach:programme_create"), _programme(org_a))
    assert response.status_code == 302
    programme = TrainingProgramme.objects.get()
    assert not programme.is_published  # a focal point's programme waits for the secretariat


def test_editing_a_programme_keeps_its_values_and_audits_the_change(client, focal_point, programme, org_a):
    client.force_login(focal_point)
    url = reverse("outreach:programme_edit", args=[programme.pk])
    page = client.get(url).content.decode()
    assert programme.name in page and "Addis Ababa" in page
    detail = client.get(reverse("outreach:programme_detail", args=[programme.pk])).content.decode()
    assert url in detail and reverse("outreach:cohort_create", args=[programme.pk]) in detail
    data = _programme(
        org_a,
        name="Addis Ababa pilot, second year",
        country="ET",
        starts_on="2013-07-01",
        ends_on="2014-06-30",
    )
    assert client.post(url, data).status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Addis Ababa pilot, second year" and programme.ends_on == date(2014, 6, 30)
    entry = AuditEntry.objects.get(action="programme.updated", target_id=str(programme.pk))
    assert entry.changes["name"][1] == "Addis Ababa pilot, second year"


def test_a_cohort_is_added_on_the_programme_page_and_a_duplicate_refused(
    client, focal_point, programme, cohort
):
    client.force_login(focal_point)
    url = reverse("outreach:cohort_create", args=[programme.pk])
    response = client.post(url, {"name": " cohort  1 ", "starts_on": "2014-01-01"})
    assert response.status_code == 422 and "already has a cohort called" in response.content.decode()
    response = client.post(
        url, {"name": "Teachers, March 2014", "starts_on": "2014-03-01", "ends_on": "2014-02-01"}
    )
    assert response.status_code == 422 and "before the start date" in response.content.decode()
    response = client.post(url, {"name": "Teachers, March 2014", "starts_on": "2014-03-01"})
    assert response.status_code == 302
    created = Cohort.objects.get(name="Teachers, March 2014")
    assert AuditEntry.objects.filter(action="cohort.created", target_id=str(created.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Teachers, March 2014" in page and reverse("outreach:trainee_register", args=[created.pk]) in page


def _campaign(org, **extra):
    return {
        "banner": "Think before you post",
        "purpose": "Parents and children talk about sharing photos.",
        "owner_organisation": org.pk,
        "countries": ["KE", "TZ"],
        "languages": "sw, en",
        "audiences": ["children", "parents"],
        "starts_on": "2016-01-01",
        "ends_on": "2016-06-30",
        "is_published": "on",
        **extra,
    }


def test_the_secretariat_creates_and_edits_a_campaign(client, secretariat, org_a, org_b, programme):
    client.force_login(secretariat)
    response = client.post(
        reverse("outreach:campaign_create"), _campaign(org_a, partners=[org_b.pk], programme=programme.pk)
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("outreach:campaign_detail", args=[campaign.pk])
    assert campaign.languages == ["sw", "en"] and campaign.audiences == ["children", "parents"]
    assert sorted(str(c) for c in campaign.countries) == ["KE", "TZ"] and campaign.programme == programme
    assert AuditEntry.objects.filter(action="campaign.created", target_id=str(campaign.pk)).exists()
    url = reverse("outreach:campaign_edit", args=[campaign.pk])
    assert "sw, en" in client.get(url).content.decode()
    assert client.post(url, _campaign(org_a, banner="Think twice", languages="sw")).status_code == 302
    campaign.refresh_from_db()
    assert (
        campaign.banner == "Think twice" and campaign.languages == ["sw"] and not campaign.partners.exists()
    )


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"languages": "Swahili, en"}, "languages", "“swahili” is not a language code"),
        ({"audiences": ["aliens"]}, "audiences", "Select a valid choice"),
        ({"ends_on": "2015-12-31"}, "ends_on", "before the start date"),
        ({"owner_organisation": ""}, "owner_organisation", "Choose the organisation that runs the campaign"),
        ({"owner_organisation": "999999"}, "owner_organisation", "Unknown organisation"),
    ],
)
def test_a_bad_campaign_is_refused_with_what_to_fix(client, secretariat, org_a, change, field, says):
    client.force_login(secretariat)
    response = client.post(reverse("outreach:campaign_create"), _campaign(org_a, **change))
    assert response.status_code == 422
    assert says in " ".join(response.context["form"].errors[field])
    assert not Campaign.objects.exists()


def test_a_focal_point_cannot_hand_a_campaign_to_another_organisation(client, focal_point, campaign, org_b):
    client.force_login(focal_point)
    response = client.post(reverse("outreach:campaign_edit", args=[campaign.pk]), _campaign(org_b))
    assert (
        response.status_code == 422
        and "Your own organisation must be one of the owner or partners" in response.content.decode()
    )
    campaign.refresh_from_db()
    assert campaign.banner == "Click Safe, Click Clever"


def test_a_message_is_added_on_the_campaign_page_with_its_file(client, focal_point, campaign):
    client.force_login(focal_point)
    detail = client.get(reverse("outreach:campaign_detail", args=[campaign.pk])).content.decode()
    url = reverse("outreach:message_add", args=[campaign.pk])
    assert url in detail
    response = client.post(url, {"title": "Radio spot", "medium": "", "language": "English"})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "Choose a medium." in errors["medium"] and "not a language code" in errors["language"][0]
    poster = SimpleUploadedFile("poster.pdf", b"%PDF-1.4 poster", content_type="application/pdf")
    response = client.post(
        url,
        {
            "title": "Radio spot",
            "medium": "radio_spot",
            "language": "am",
            "duration_seconds": 30,
            "file": poster,
        },
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.medium, message.language, message.duration_seconds) == (
        "radio_spot",
        "am",
        30,
    ) and message.file
    assert AuditEntry.objects.filter(action="message.added", target_id=str(message.pk)).exists()
    assert "Radio spot" in client.get(response["Location"]).content.decode()


def test_another_organisations_focal_point_cannot_add_a_message(client, other_focal_point, campaign):
    client.force_login(other_focal_point)
    response = client.post(
        reverse("outreach:message_add", args=[campaign.pk]),
        {"title": "x", "medium": "radio_spot", "language": "en"},
    )
    assert response.status_code == 403 and not Message.objects.exists()


def test_the_workspace_offers_the_set_up_pages_to_staff(client, focal_point, stakeholder):
    client.force_login(focal_point)
    assert reverse("outreach:programme_create") in client.get(reverse("home:workspace")).content.decode()
    client.force_login(stakeholder)
    assert reverse("outreach:programme_create") not in client.get(reverse("home:workspace")).content.decode()


def test_services_still_refuse_a_programme_without_organisers():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.programme_create(
            actor=None,
            name="x",
            organisers=[],
            country="ET",
            starts_on=date(2014, 1, 1),
            ends_on=date(2014, 2, 1),
        )
