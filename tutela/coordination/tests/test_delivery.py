"""Liaison statements are e-mailed to each recipient body by the worker, with their documents attached,
over a real SMTP peer (aiosmtpd): attachments from the web form, delivery status per recipient,
retries with backoff, failures shown, a body without an address refused at send."""

import email
import email.policy
from datetime import timedelta

import pytest
from django.utils import timezone

from tutela.coordination import services
from tutela.coordination.models import Document, LiaisonRecipient, LiaisonStatement
from tutela.core.models import AuditEntry

from .conftest import office_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def parsed(envelope):
    return email.message_from_bytes(envelope.original_content, policy=email.policy.default)


def attachments_of(envelope):
    return {part.get_filename(): part.get_content() for part in parsed(envelope).iter_attachments()}


def _draft(sg17, recipients, **extra):
    return services.liaison_create(
        actor=None,
        from_body=sg17,
        subject="Continuation of JCA-COP",
        contact_email="tsb@example.org",
        recipients=recipients,
        **extra,
    )


def _send(liaison, capture, actor=None):
    with capture(execute=True):  # the delivery tasks are enqueued on commit and run inline here
        services.liaison_send(actor=actor, liaison=liaison)
    return {
        r.body.short_name: r for r in LiaisonRecipient.objects.filter(liaison=liaison).select_related("body")
    }


def test_the_web_form_attaches_files_and_send_mails_each_body_with_them(
    client, secretariat, sg17, tsag, jca, smtp_peer, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        f"/coordination/bodies/{sg17.slug}/liaisons/new/",
        {
            "subject": "Continuation of JCA-COP",
            "reference": "SG17-LS12",
            "contact_email": "tsb@example.org",
            "body_text": "SG17 asks TSAG to agree to the continuation.",
            "uploads": [
                upload("ls.pdf", pdf_bytes("the statement")),
                upload("annex.docx", office_bytes("docx")),
            ],
            "attachment_access": "public",
            "recipient_1": tsag.pk,
            "purpose_1": "action",
            "deadline_1": deadline,
            "recipient_2": jca.pk,
            "purpose_2": "information",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    liaison = LiaisonStatement.objects.get()
    documents = list(liaison.attachments.order_by("number"))
    assert [d.kind for d in documents] == ["liaison", "liaison"] and all(d.body == sg17 for d in documents)
    assert sorted(f.original_name for d in documents for f in d.files.all()) == ["annex.docx", "ls.pdf"]
    assert smtp_peer.messages == []  # a draft mails nobody

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/coordination/liaisons/{liaison.pk}/send/")
    assert response.status_code == 302
    received = {e.rcpt_tos[0]: e for e in smtp_peer.messages}
    assert sorted(received) == ["jca-cop@example.org", "tsag@example.org"]
    to_tsag = parsed(received["tsag@example.org"])
    assert to_tsag["Subject"] == "SG17-LS12 — Liaison statement from SG17: Continuation of JCA-COP"
    assert to_tsag["Reply-To"] == "tsb@example.org"
    assert to_tsag["Message-ID"].startswith(f"<liaison-{liaison.pk}.")
    text = to_tsag.get_body(("plain",)).get_content()
    assert (
        "for action" in text
        and "SG17 asks TSAG to agree" in text
        and f"/coordination/liaisons/{liaison.pk}/" in text
    )
    files = attachments_of(received["tsag@example.org"])
    assert sorted(files) == ["annex.docx", "ls.pdf"]
    assert files["ls.pdf"] == pdf_bytes("the statement")
    assert sorted(attachments_of(received["jca-cop@example.org"])) == ["annex.docx", "ls.pdf"]

    rows = {r.body.short_name: r for r in liaison.recipients.select_related("body")}
    assert {k: (r.delivery_status, r.delivery_attempts, r.delivered_to) for k, r in rows.items()} == {
        "TSAG": ("sent", 1, "tsag@example.org"),
        "JCA-COP": ("sent", 1, "jca-cop@example.org"),
    }
    page = client.get(f"/coordination/liaisons/{liaison.pk}/").content.decode()
    assert 'id="recipients"' in page and "to tsag@example.org" in page and "Sent" in page
    assert AuditEntry.objects.filter(action="liaison.delivered").count() == 2


def test_a_body_without_an_address_is_refused_at_send_with_a_sentence(
    client, secretariat, sg17, tsag, wgcp, smtp_peer, django_capture_on_commit_callbacks
):
    liaison = _draft(
        sg17, [{"body": tsag, "purpose": "information"}, {"body": wgcp, "purpose": "information"}]
    )
    client.force_login(secretariat)
    page = client.get(f"/coordination/liaisons/{liaison.pk}/").content.decode()
    assert "no address: add one to the body before sending" in page and "will go to tsag@example.org" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/coordination/liaisons/{liaison.pk}/send/", follow=True)
    assert (
        "WG-CP has no address for liaison statements, so it cannot be e-mailed" in response.content.decode()
    )
    liaison.refresh_from_db()
    assert liaison.status == "draft" and smtp_peer.messages == []
    assert not liaison.recipients.exclude(delivery_status="").exists()

    # The chair or secretariat adds the address on the body's page; then it goes.
    response = client.post(
        f"/coordination/bodies/{wgcp.slug}/edit/",
        {"name": wgcp.name, "kind": wgcp.kind, "contact_email": "wg-cp@example.org"},
    )
    assert response.status_code == 302
    wgcp.refresh_from_db()
    assert wgcp.contact_email == "wg-cp@example.org"
    assert AuditEntry.objects.get(action="body.updated").changes["contact_email"] == ["", "wg-cp@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/coordination/liaisons/{liaison.pk}/send/")
    assert sorted(e.rcpt_tos[0] for e in smtp_peer.messages) == ["tsag@example.org", "wg-cp@example.org"]


def test_a_server_that_is_down_is_retried_with_backoff_then_sent(
    sg17, tsag, smtp_peer, settings, django_capture_on_commit_callbacks
):
    settings.COORDINATION_LIAISON_RETRY_SECONDS = 60
    smtp_peer.refuse = lambda envelope: "421 4.3.2 try again later"
    liaison = _draft(sg17, [{"body": tsag, "purpose": "information"}])
    before = timezone.now()
    row = _send(liaison, django_capture_on_commit_callbacks)["TSAG"]
    assert (row.delivery_status, row.delivery_attempts) == ("retrying", 1)
    assert row.delivery_error.startswith("421") and "try again later" in row.delivery_error
    assert before + timedelta(seconds=59) <= row.next_attempt_at <= timezone.now() + timedelta(seconds=61)

    assert services.deliveries_sweep() == 0  # not due yet
    LiaisonRecipient.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert services.deliveries_sweep() == 1  # still refused: the second wait is twice the first
    row.refresh_from_db()
    assert (row.delivery_status, row.delivery_attempts) == ("retrying", 2)
    assert (
        timezone.now() + timedelta(seconds=110)
        <= row.next_attempt_at
        <= timezone.now() + timedelta(seconds=121)
    )

    smtp_peer.refuse = None
    LiaisonRecipient.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    services.deliveries_sweep()
    row.refresh_from_db()
    assert (row.delivery_status, row.delivery_attempts, row.delivery_error) == ("sent", 3, "")
    assert len(smtp_peer.messages) == 1
    # A task run again for a sent row (a duplicate, a resumed worker) sends nothing more.
    services.liaison_delivery_send(recipient_id=row.pk)
    assert len(smtp_peer.messages) == 1


def test_retries_are_bounded_the_failure_is_shown_and_can_be_tried_again(
    client, secretariat, sg17, tsag, smtp_peer, settings, django_capture_on_commit_callbacks
):
    settings.COORDINATION_LIAISON_ATTEMPTS = 3
    smtp_peer.refuse = lambda envelope: "451 4.7.1 greylisted"
    liaison = _draft(sg17, [{"body": tsag, "purpose": "information"}])
    row = _send(liaison, django_capture_on_commit_callbacks)["TSAG"]
    for _ in range(5):
        LiaisonRecipient.objects.filter(pk=row.pk, delivery_status="retrying").update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        services.deliveries_sweep()
    row.refresh_from_db()
    assert (row.delivery_status, row.delivery_attempts, row.next_attempt_at) == ("failed", 3, None)
    assert "451" in row.delivery_error and smtp_peer.messages == []

    client.force_login(secretariat)
    page = client.get(f"/coordination/liaisons/{liaison.pk}/").content.decode()
    assert "3 attempts to tsag@example.org" in page and "451 4.7.1 greylisted" in page and "Try again" in page

    smtp_peer.refuse = None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/coordination/liaisons/{liaison.pk}/recipients/{row.pk}/retry/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.delivery_status, row.delivery_attempts) == ("sent", 1)
    assert [e.rcpt_tos for e in smtp_peer.messages] == [["tsag@example.org"]]
    assert AuditEntry.objects.filter(action="liaison.delivery_retried").count() == 1


def test_a_permanent_refusal_fails_at_once_and_the_others_still_get_it(
    sg17, tsag, jca, smtp_peer, django_capture_on_commit_callbacks
):
    smtp_peer.refuse = lambda envelope: (
        "550 5.1.1 no such mailbox" if envelope.rcpt_tos == ["tsag@example.org"] else None
    )
    liaison = _draft(
        sg17, [{"body": tsag, "purpose": "information"}, {"body": jca, "purpose": "information"}]
    )
    rows = _send(liaison, django_capture_on_commit_callbacks)
    assert (rows["TSAG"].delivery_status, rows["TSAG"].delivery_attempts) == ("failed", 1)
    assert rows["TSAG"].delivery_error.startswith("550")
    assert rows["JCA-COP"].delivery_status == "sent"
    assert [e.rcpt_tos for e in smtp_peer.messages] == [["jca-cop@example.org"]]


def test_bad_or_too_big_files_are_refused_with_the_reason_and_nothing_is_registered(
    client, secretariat, sg17, tsag, settings
):
    client.force_login(secretariat)
    url = f"/coordination/bodies/{sg17.slug}/liaisons/new/"
    base = {
        "subject": "With files",
        "contact_email": "tsb@example.org",
        "recipient_1": tsag.pk,
        "purpose_1": "information",
        "attachment_access": "public",
    }
    renamed = client.post(url, {**base, "uploads": [upload("ls.pdf", b"MZ\x90\x00 not a pdf")]})
    assert renamed.status_code == 422
    assert "“ls.pdf” is called .pdf but its content is not a PDF file" in renamed.content.decode()
    settings.COORDINATION_MAX_FILE_BYTES = 1024
    big = client.post(url, {**base, "uploads": [upload("big.pdf", pdf_bytes("x" * 3000))]})
    assert big.status_code == 422 and "“big.pdf” is 0.0 MB; the limit is 0 MB." in big.content.decode()
    settings.COORDINATION_MAX_FILE_BYTES = 20 * 1024 * 1024
    settings.COORDINATION_LIAISON_MAIL_MAX_BYTES = 4000
    heavy = client.post(
        url,
        {**base, "uploads": [upload("a.pdf", pdf_bytes("a" * 2500)), upload("b.pdf", pdf_bytes("b" * 2500))]},
    )
    assert heavy.status_code == 422 and "a liaison can carry at most" in heavy.content.decode()
    assert "With files" in heavy.content.decode()  # what was typed is kept
    assert not LiaisonStatement.objects.exists() and not Document.objects.exists()


def test_a_registered_document_is_attached_from_the_form(
    client, secretariat, sg17, tsag, jca, smtp_peer, django_capture_on_commit_callbacks
):
    doc = services.document_register(
        actor=None,
        body=sg17,
        title="Revised ToR",
        source="SG17",
        upload=upload("tor.odt", office_bytes("odt")),
    )
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/coordination/bodies/{sg17.slug}/liaisons/new/",
            {
                "subject": "Forwarding the ToR",
                "contact_email": "tsb@example.org",
                "documents": [doc.pk],
                "recipient_1": tsag.pk,
                "purpose_1": "information",
                "send": "on",
            },
        )
    assert response.status_code == 302
    [envelope] = smtp_peer.messages
    assert list(attachments_of(envelope)) == ["tor.odt"]
    assert f"{doc.number} — Revised ToR (tor.odt)" in parsed(envelope).get_body(("plain",)).get_content()


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_what_send_queued(sg17, tsag, smtp_peer, database_tasks):
    """The real path: the task is enqueued on commit into the database backend, and ``run_worker`` sends it."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    liaison = _draft(sg17, [{"body": tsag, "purpose": "information"}])
    services.liaison_send(actor=None, liaison=liaison)
    row = DBTaskResult.objects.get(task_path="tutela.coordination.tasks.deliver_liaison")
    assert row.status == "READY" and smtp_peer.messages == []
    assert liaison.recipients.get().delivery_status == "queued"
    call_command("run_worker", "--batch")
    assert [e.rcpt_tos for e in smtp_peer.messages] == [["tsag@example.org"]]
    assert liaison.recipients.get().delivery_status == "sent"
    assert DBTaskResult.objects.get(pk=row.pk).status == "SUCCESSFUL"
