"""The reminder task delivers to a real SMTP peer (the root conftest's aiosmtpd ``smtp_peer``)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tutela.coordination import services, tasks
from tutela.initiatives.services import person_create

pytestmark = pytest.mark.django_db


def test_a_reminder_reaches_the_smtp_peer(smtp_peer, sg17, tsag):
    chair = person_create(actor=None, full_name="TSAG Chair", is_public_figure=True, email="chair@tsag.example.org")
    services.chair_appoint(actor=None, body=tsag, person=chair, role="chair")
    liaison = services.liaison_create(
        actor=None, from_body=sg17, subject="Continuation of JCA-COP", contact_email="tsb@example.org", send=True,
        recipients=[{"body": tsag, "purpose": "action", "deadline": timezone.localdate() + timedelta(days=2)}],
    )
    recipient = liaison.recipients.get()
    tasks.send_liaison_reminder.enqueue(recipient_id=recipient.pk)
    assert len(smtp_peer.messages) == 1
    envelope = smtp_peer.messages[0]
    assert sorted(envelope.rcpt_tos) == ["chair@tsag.example.org", "tsb@example.org"]
    assert b"Continuation of JCA-COP" in envelope.content
    recipient.refresh_from_db()
    assert recipient.reminder_sent_on == timezone.localdate()
