"""The receipt reaches a real SMTP peer after the comment is committed."""

import socket

import pytest
from aiosmtpd.controller import Controller

pytestmark = pytest.mark.django_db


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    # aiosmtpd cannot be given port 0 (its readiness probe dials it): find a free port first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port}}}
    yield sink
    controller.stop()


def test_the_receipt_is_sent_over_smtp_only_after_commit(smtp, submit, stakeholder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment = submit("Please add a deputy.")
        assert smtp.messages == []  # nothing acknowledged before the commit
    for callback in callbacks:
        callback()
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message.rcpt_tos == [stakeholder.email]
    body = message.content.decode()
    assert comment.receipt in body and "Receipt number" in body
