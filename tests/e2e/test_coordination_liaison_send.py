"""Real Chromium, a real SMTP peer and the real worker: the secretariat writes a liaison statement with an
attached file from the body's page, sends it, the worker (``run_worker``) e-mails each recipient body,
and the message with the file arrives; the liaison's page shows each recipient's delivery status."""

import email
import email.policy
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n% the liaison statement itself\n%%EOF\n"


def test_the_secretariat_sends_a_liaison_with_an_attachment_and_the_smtp_peer_receives_it(
    page, live_server, secretariat, smtp_peer, database_tasks, settings, output_path, tmp_path
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from tutela.coordination import services
    from tutela.coordination.models import Body, LiaisonStatement

    settings.SITE_URL = live_server.url
    itu_t = services.body_create(
        actor=None,
        short_name="ITU-T",
        name="ITU Telecommunication Standardization Sector",
        kind=Body.Kind.SECTOR,
    )
    services.body_create(
        actor=None,
        short_name="SG17",
        name="ITU-T Study Group 17 (Security)",
        kind=Body.Kind.STUDY_GROUP,
        parent=itu_t,
    )
    services.body_create(
        actor=None,
        short_name="TSAG",
        name="Telecommunication Standardization Advisory Group",
        kind=Body.Kind.ADVISORY_GROUP,
        parent=itu_t,
        contact_email="tsag.ls@example.org",
    )
    statement = tmp_path / "SG17-LS45.pdf"
    statement.write_bytes(PDF)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(secretariat.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")

    page.goto(live_server.url + "/coordination/bodies/sg17/")
    page.get_by_role("link", name="New liaison statement").click()
    page.get_by_label("Subject").fill("Continuation of JCA-COP")
    page.get_by_label("Reference").fill("SG17-LS45")
    page.locator("#id_body_text").fill("SG17 asks TSAG to agree to the continuation of JCA-COP.")
    page.get_by_label("Contact e-mail").fill("tsb@example.org")
    page.get_by_label("Attach files").set_input_files(str(statement))
    page.get_by_label("Recipient 1").select_option(
        label="TSAG — Telecommunication Standardization Advisory Group"
    )
    page.get_by_label("Purpose 1").select_option("action")
    page.get_by_label("Deadline 1").fill((timezone.localdate() + timedelta(days=40)).isoformat())
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/coordination/liaisons/\d+/$"))
    expect(page.get_by_role("heading", name="Continuation of JCA-COP")).to_be_visible()
    expect(page.locator("#recipients")).to_contain_text("will go to tsag.ls@example.org")
    expect(page.get_by_role("link", name=re.compile(r"SG17 DOC\d+"))).to_be_visible()  # the file, registered

    page.get_by_role("button", name="Send").click()
    expect(page.locator("#recipients")).to_contain_text("Queued")
    expect(page.locator("#liaison-progress")).to_contain_text("Waiting for the worker to start.")
    assert smtp_peer.messages == []  # the web request only queued the e-mail
    liaison = LiaisonStatement.objects.get()
    assert (
        DBTaskResult.objects.filter(
            task_path="tutela.coordination.tasks.deliver_liaison", status="READY"
        ).count()
        == 1
    )

    call_command("run_worker", "--batch")

    [envelope] = smtp_peer.messages
    assert envelope.rcpt_tos == ["tsag.ls@example.org"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == "SG17-LS45 — Liaison statement from SG17: Continuation of JCA-COP"
    assert message["Reply-To"] == "tsb@example.org"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "SG17-LS45.pdf" and attachment.get_content() == PDF
    text = message.get_body(("plain",)).get_content()
    assert f"{live_server.url}/coordination/liaisons/{liaison.pk}/" in text

    # The progress on the open page updates by itself (htmx polls it): no reload.
    expect(page.locator("#liaison-progress")).to_contain_text("Finished at", timeout=20_000)
    expect(page.locator("#liaison-progress")).to_contain_text("1 of 1 e-mails")
    page.reload()
    expect(page.locator("#recipients")).to_contain_text("Sent")
    expect(page.locator("#recipients")).to_contain_text("to tsag.ls@example.org")
    page.screenshot(path=output_path("liaison_sent.png"), full_page=True)
