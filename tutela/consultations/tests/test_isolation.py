"""User text inside the moderation pages' sentences is isolated (docs/i18n.md, "User text in interface sentences
is isolated"): the consultation's title in the window's title, a comment's receipt number, the moderator's name in
the log, the version's label in the disposition workspace, and the receipt in the message after a decision."""

import pytest

from tutela.accounts.services import user_create
from tutela.consultations import services

pytestmark = pytest.mark.django_db

MODERATOR = "أمينة الأمانة"


@pytest.fixture
def moderator(secretariat_org):
    return user_create(actor=None, email="amina@example.org", password="x" * 12, role="secretariat",
                       organisation=secretariat_org, full_name=MODERATOR)


def test_the_moderation_queue_and_its_log_isolate_names_and_receipts(client, consultation, submit, moderator):
    published, waiting = submit(), submit(text="And a second deputy.", submission_key="second")
    services.comment_moderate(actor=moderator, comment=published, action="published")
    client.force_login(moderator)
    page = client.get(f"/ar/consultations/{consultation.pk}/moderate/").content.decode()
    assert "\u2068Consultation on the draft\u2069" in page.split("</title>")[0]  # the window's title
    assert f'<p class="meta"><bdi>{waiting.receipt}</bdi> · ' in page  # the queue
    assert f"<bdi>{MODERATOR}</bdi> · <bdi>{published.receipt}</bdi> →" in page  # the log

    answer = client.post(f"/consultations/{consultation.pk}/moderate/", {"comment": waiting.pk, "action": "hidden",
                                                                         "reason": "Off topic"}, follow=True)
    assert f"Comment \u2068{waiting.receipt}\u2069: " in answer.content.decode()


def test_the_disposition_workspace_isolates_receipts(client, consultation, submit, moderator):
    comment = submit()
    services.comment_moderate(actor=moderator, comment=comment, action="published")
    client.force_login(moderator)
    page = client.get(f"/consultations/{consultation.pk}/dispositions/").content.decode()
    assert "\u2068Consultation on the draft\u2069" in page.split("</title>")[0]
    assert f'<p class="meta"><bdi>{comment.receipt}</bdi> · ' in page
