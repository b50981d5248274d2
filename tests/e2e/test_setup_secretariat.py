"""Real Chromium, as the secretariat: the set-up jobs end to end from the pages — open a consultation
and find it listed, create an occasion and a project and move the project through its stages, invite
a user who then signs in through the link that reached a real SMTP peer; one form on a 360 px phone."""

import email
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 780}


def _sign_in(page, live_server, email_address, password=PASSWORD):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email_address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")


def test_the_secretariat_opens_a_consultation_and_finds_it_listed(page, live_server, secretariat, org_a, output_path):
    from tutela.consultations import services

    _sign_in(page, live_server, secretariat.email)
    page.goto(live_server.url + "/consultations/")
    page.get_by_role("link", name="New guideline document").click()
    page.get_by_label("Title").fill("Guidelines for Educators on COP")
    page.get_by_label("Audience").select_option("parents_educators")
    page.get_by_label("Edition").fill("2016")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/consultations/documents/\d+/$"))
    document_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    from tutela.consultations.models import GuidelineDocument

    services.version_import(actor=secretariat, document=GuidelineDocument.objects.get(pk=document_id), label="Draft 1",
                            source="# Scope\n\nTeachers talk with pupils about what they meet online.\n", publish=True)
    page.reload()
    page.get_by_role("link", name="Open a consultation on it").click()
    page.locator("#id_title").fill("Consultation on the Guidelines for Educators")
    page.get_by_label("Code").fill("GE16")
    page.get_by_label("Time zone of the window").fill("Africa/Addis_Ababa")
    now = timezone.localtime(timezone.now(), timezone.get_fixed_timezone(180))
    page.get_by_label("Opens at").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Closes at").fill((now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save").click()
    assert page.locator("#id_closes_at_error").get_by_text("The consultation must close after it opens.").is_visible()  # refused, nothing lost
    assert page.get_by_label("Code").input_value() == "GE16"
    page.get_by_label("Closes at").fill((now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/consultations/\d+/$"))
    assert page.get_by_role("button", name="Close it now…").is_visible()
    page.screenshot(path=output_path("consultation-opened.png"), full_page=True)

    public = page.context.browser.new_context().new_page()  # an anonymous visitor
    public.goto(live_server.url + "/consultations/")
    item = public.locator("li.card", has_text="Consultation on the Guidelines for Educators")
    assert item.get_by_text("Open", exact=True).is_visible()
    public.close()


def test_the_secretariat_creates_an_occasion_and_a_project_and_moves_it_through_its_stages(
        page, live_server, secretariat, org_a, output_path):
    _sign_in(page, live_server, secretariat.email)
    page.goto(live_server.url + "/activities/occasions/")
    page.get_by_role("link", name="New occasion").click()
    page.locator("#id_name").fill("Safer Internet Day 2015")
    page.get_by_label("Kind").select_option("observance")
    page.get_by_label("Starts on").fill("2015-02-10")
    page.get_by_label("City").fill("Geneva")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/activities/occasions/\d+/$"))
    assert page.get_by_role("heading", name="Safer Internet Day 2015").is_visible()
    page.goto(live_server.url + "/activities/occasions/")
    assert page.get_by_role("link", name="Safer Internet Day 2015").is_visible()

    page.goto(live_server.url + "/activities/projects/")
    page.get_by_role("link", name="New project").click()
    page.locator("#id_name").fill("Child helplines in East Africa")
    page.get_by_label("Partners").select_option(str(org_a.pk))
    page.get_by_label("Countries").select_option(["KE", "TZ"])
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/activities/projects/\d+/$"))
    current = page.locator(".pipeline [aria-current=step]")
    assert current.inner_text() == "Idea"
    assert page.get_by_role("button", name="Start it").count() == 0  # idea cannot jump to active
    page.get_by_role("button", name="Plan it").click()
    page.wait_for_load_state()
    assert current.inner_text() == "Planned"
    page.get_by_role("button", name="Start it").click()
    page.wait_for_load_state()
    assert current.inner_text() == "Active"
    page.get_by_role("button", name="Close it…").click()
    # A final stage asks first, on its own page; going back changes nothing.
    assert page.get_by_text("This cannot be undone").is_visible()
    page.get_by_role("link", name="No, go back").click()
    assert current.inner_text() == "Active"
    page.get_by_role("button", name="Close it…").click()
    page.get_by_role("button", name="Yes: Close it").click()
    page.wait_for_url(re.compile(r"/activities/projects/\d+/$"))
    assert current.inner_text() == "Closed"
    assert page.get_by_text("The project is now Closed.").is_visible()
    assert page.locator(".lifecycle button").count() == 0  # closed: nothing further
    page.screenshot(path=output_path("project-closed.png"), full_page=True)


def test_an_invited_user_signs_in_through_the_link_from_the_smtp_peer(
        page, browser, live_server, secretariat, org_a, smtp_peer, settings, output_path):
    settings.SITE_URL = live_server.url
    _sign_in(page, live_server, secretariat.email)
    page.goto(live_server.url + "/workspace/")
    page.goto(live_server.url + "/accounts/users/")
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_label("E-mail address").fill("amara.focal@example.org")
    page.get_by_label("Full name").fill("Amara Diallo")
    page.get_by_label("Role").select_option("focal_point")
    page.get_by_role("button", name="Send the invitation").click()
    assert page.locator("#id_organisation_error").get_by_text("A partner focal point must belong to an organisation.").is_visible()
    page.locator("#id_organisation").select_option(str(org_a.pk))
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url(re.compile(r"/accounts/users/\d+/$"))
    assert page.get_by_text("Invited: has not chosen a password yet").is_visible()

    assert len(smtp_peer.messages) == 1
    envelope = smtp_peer.messages[0]
    assert envelope.rcpt_tos == ["amara.focal@example.org"]
    body = email.message_from_bytes(envelope.content).get_payload(decode=True).decode()
    link = re.search(r"https?://\S+/accounts/password-reset/\S+/", body).group(0)
    assert link.startswith(live_server.url)

    invited = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    invited.goto(link)
    invited.locator("#id_new_password1").fill("a long new passphrase 42")
    invited.locator("#id_new_password2").fill("a long new passphrase 42")
    invited.get_by_role("button", name="Save the new password").click()
    assert invited.get_by_text("Your password has been changed").is_visible()
    _sign_in(invited, live_server, "amara.focal@example.org", "a long new passphrase 42")
    assert "/workspace/" in invited.url
    invited.close()
    page.reload()
    assert page.get_by_text("Invited: has not chosen a password yet").count() == 0


def test_the_invite_form_fits_a_360_px_phone(browser, live_server, secretariat, output_path):
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    _sign_in(phone, live_server, secretariat.email)
    phone.goto(live_server.url + "/accounts/users/invite/")
    phone.get_by_role("button", name="Send the invitation").click()  # with its errors showing
    assert phone.get_by_text("Please correct").is_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px"
    phone.screenshot(path=output_path("invite-form-360.png"), full_page=True)
    phone.goto(live_server.url + "/activities/projects/new/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=output_path("project-form-360.png"), full_page=True)
