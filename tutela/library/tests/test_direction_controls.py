"""An override left open in a resource's or a plan's title cannot reverse the interface text after it on the
pages the library adds to (issue 18 bad input); a resource's title is the page language's, an English fallback
marked."""

from datetime import date

import pytest
from django.urls import reverse

from tutela.library import services
from tutela.library.models import Resource, SessionPlan

pytestmark = pytest.mark.django_db

RLO, PDF = "\u202e", "\u202c"


@pytest.fixture
def resource(secretariat):
    resource = services.resource_create(actor=secretariat, title="Tips", kind="leaflet", audience="children",
                                        min_age=10, max_age=14, countries=["CH"])
    Resource.objects.filter(pk=resource.pk).update(title=f"Tips{RLO} for parents")
    return resource


def test_a_country_page_isolates_each_resource_title_from_its_kind(client, resource, secretariat):
    guide = services.resource_create(actor=secretariat, title="Guide", kind="leaflet", audience="children",
                                     min_age=10, max_age=14, countries=["CH"])
    services.resource_translate(actor=secretariat, resource=guide, language="fr", values={"title": "Conseils"})
    client.force_login(secretariat)
    page = client.get("/fr" + reverse("strategies:country_profile", args=["CH"])).content.decode()
    assert f'/" lang="en" dir="ltr"><bdi>Tips{RLO} for parents{PDF}</bdi></a> <span class="meta">' in page
    assert '/"><bdi>Conseils</bdi></a> <span class="meta">' in page


def test_an_activity_page_isolates_the_plan_and_material_titles(client, resource, secretariat):
    from tutela.activities.services import activity_create
    from tutela.initiatives.models import Pillar

    activity = activity_create(actor=secretariat, title="Safer Internet Day session", kind="educational_event",
                               starts_on=date(2014, 2, 11), pillars=[Pillar.objects.first()])
    plan = services.plan_create(actor=secretariat, title="Safe", min_age=10, max_age=14, topics="cyberbullying",
                                materials=[resource])
    SessionPlan.objects.filter(pk=plan.pk).update(title=f"Safe{RLO} online")
    services.session_use_record(actor=secretariat, activity=activity, plan=plan)
    client.force_login(secretariat)
    page = client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    assert f'/"><bdi>Safe{RLO} online{PDF}</bdi></a> <span class="meta">' in page
    assert f'/"><bdi>Tips{RLO} for parents{PDF}</bdi></a></li>' in page


def test_the_plan_pages_isolate_plan_and_material_titles(client, resource, secretariat):
    plan = services.plan_create(actor=secretariat, title="Safe", min_age=10, max_age=14, topics="cyberbullying",
                                materials=[resource])
    SessionPlan.objects.filter(pk=plan.pk).update(title=f"Safe{RLO} online")
    client.force_login(secretariat)
    listing = client.get(reverse("library:plan_list")).content.decode()
    assert f'/"><bdi>Safe{RLO} online{PDF}</bdi></a> <span class="meta">' in listing
    detail = client.get(reverse("library:plan_detail", args=[plan.pk])).content.decode()
    assert f'/"><bdi>Tips{RLO} for parents{PDF}</bdi></a> <span class="meta">' in detail


def test_a_plans_own_text_takes_its_own_direction_in_an_arabic_page(client, resource, secretariat):
    # English text in an Arabic page: its full stop at its end, not on the left ("museum." not ".museum").
    plan = services.plan_create(actor=secretariat, title="Safe and Secure Online", min_age=10, max_age=14,
                                topics="cyberbullying, sexting", outline="A plan for the museum session.",
                                materials=[resource])
    detail = client.get("/ar" + reverse("library:plan_detail", args=[plan.pk])).content.decode()
    assert '<p dir="auto">A plan for the museum session.</p>' in detail
    assert "<h1><bdi>Safe and Secure Online</bdi></h1>" in detail
    assert "<dd><bdi>cyberbullying, sexting</bdi></dd>" in detail
