"""Real Chromium: the secretariat finds two duplicate organisations and merges them."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(org_a, org_b, secretariat_org):
    from tutela.initiatives.models import Pillar
    from tutela.initiatives.services import (
        appointment_create,
        deliverable_create,
        initiative_create,
        person_create,
    )
    from tutela.partners.services import agreement_create, commitment_add, organisation_create

    # Transactional tests flush the pillars the migration made; put back the one we need.
    capacity, _ = Pillar.objects.get_or_create(number=4, defaults={"name": "Capacity Building", "short_name": "Capacity",
                                                                   "slug": "capacity-building"})
    organisation_create(actor=None, name="ITU-IMPACT", acronym="IMPACT", kind="intergovernmental", country="MY",
                        parent=secretariat_org)
    organisation_create(actor=None, name="Ministère de l'Éducation", kind="government", country="CI")
    duplicate = organisation_create(actor=None, name="ACOPEA Ethiopia", acronym="ACOPEA", kind="civil_society", country="ET")
    mou = agreement_create(actor=None, title="MoU on child online protection", parties=[secretariat_org, org_b], kind="mou",
                           signed_on=date(2013, 11, 19), in_force_from=date(2013, 11, 19),
                           in_force_to=timezone.localdate() + timedelta(days=45), framework="ITU Global Cybersecurity Agenda")
    commitment_add(actor=None, agreement=mou, text="Distribute information to the membership on a regular basis",
                   cadence="regular", responsible=[secretariat_org, org_b])
    initiative = initiative_create(actor=None, name="COP Global Initiative", lead_organisation=secretariat_org)
    deliverable_create(actor=None, initiative=initiative, title="Training for parents and educators", pillars=[capacity],
                       lead_organisation=duplicate, status="in_progress")
    person = person_create(actor=None, full_name="Head of ACOPEA", organisation=duplicate, position="Director")
    appointment_create(actor=None, person=person, role="focal_point", subject=duplicate)
    return {"keep": org_a, "duplicate": duplicate}


def test_secretariat_merges_two_duplicate_organisations(page, live_server, secretariat, story, output_path):
    keep, duplicate = story["keep"], story["duplicate"]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(secretariat.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")

    page.goto(live_server.url + "/partners/?country=ET")
    assert page.get_by_role("link", name="ACOPEA Ethiopia").is_visible()
    page.goto(live_server.url + "/partners/")
    page.screenshot(path=output_path("organisation_list.png"), full_page=True)

    page.get_by_role("link", name=keep.name).click()
    page.get_by_role("link", name="Merge a duplicate into this").click()
    # The menu lists the first names; typing asks the server (htmx) for the matching ones.
    page.get_by_role("searchbox", name="Find an organisation").press_sequentially("ethiop", delay=40)
    found = page.locator("#id_duplicate_found option")
    expect(found).to_have_count(1)
    expect(found).to_have_text(str(duplicate))
    page.get_by_label("Duplicate to merge into this organisation").select_option(label=str(duplicate))
    page.get_by_role("button", name="Show what will move").click()
    assert page.get_by_role("heading", name=f"Merge “{duplicate}” into “{keep}”?").is_visible()
    assert page.get_by_role("table").filter(has_text="What will move").is_visible()
    page.screenshot(path=output_path("merge_confirm.png"), full_page=True)

    page.get_by_role("button", name="Merge and delete the duplicate").click()
    page.wait_for_url(f"**/partners/{keep.pk}/")
    assert page.get_by_text("was merged into").is_visible()
    assert page.get_by_role("link", name="Training for parents and educators").is_visible()
    assert page.get_by_text("Head of ACOPEA").first.is_visible()
    page.screenshot(path=output_path("organisation_after_merge.png"), full_page=True)

    page.goto(live_server.url + "/partners/?country=ET")
    assert page.get_by_role("link", name="ACOPEA Ethiopia").count() == 0

    page.goto(live_server.url + "/partners/agreements/")
    assert page.get_by_text("ends in 45 days").is_visible()
    page.screenshot(path=output_path("agreement_list.png"), full_page=True)
    page.get_by_role("link", name="MoU on child online protection").click()
    page.screenshot(path=output_path("agreement_detail.png"), full_page=True)
    page.goto(live_server.url + "/initiative/deliverables/")
    page.screenshot(path=output_path("deliverable_list.png"), full_page=True)
