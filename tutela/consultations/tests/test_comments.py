"""Comments: window, receipts, targets, hostile input, attachments, double submission."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tutela.consultations import services
from tutela.consultations.models import Comment, CommentAttachment, Respondent
from tutela.core.models import AuditEntry

from .conftest import DETAILS

pytestmark = pytest.mark.django_db


def test_a_comment_is_stored_with_a_receipt_that_is_emailed_after_commit(submit, stakeholder, paragraphs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        comment = submit("Name a deputy too.", comment_type="technical", proposed_change="…and a deputy.")
    assert len(callbacks) == 1
    comment.refresh_from_db()
    assert comment.receipt.startswith("IG14-") and len(comment.receipt) == 14
    assert comment.paragraph == paragraphs["1"] and comment.target == "paragraph"
    assert comment.status == "pending"
    assert len(mail.outbox) == 1
    assert comment.receipt in mail.outbox[0].subject and mail.outbox[0].to == [stakeholder.email]
    assert comment.respondent.organisation_name == "Safe Kids" and comment.respondent.country == "KE"
    assert AuditEntry.objects.filter(action="comment.submitted", target_id=str(comment.pk)).exists()


def test_targets_section_passage_and_whole_document(submit, paragraphs):
    section = submit("About the whole section.", paragraph_id=paragraphs["s2"].pk)
    passage = submit("This phrase is vague.", quote="person or  TEAM", submission_key="b")
    whole = submit("Overall the text is good.", paragraph_id=None, submission_key="c")
    assert (section.target, passage.target, whole.target) == ("section", "passage", "document")
    assert passage.quote == "person or team"  # stored as the paragraph has it, a substring of its text
    assert whole.paragraph is None


def test_a_quote_that_is_not_in_the_paragraph_is_refused(submit):
    with pytest.raises(ValidationError, match="not in ¶ 1"):
        submit("x", quote="words that are nowhere")
    with pytest.raises(ValidationError, match="not in ¶ 1"):
        submit("x", quote="team or person")  # the words, but not in that order
    with pytest.raises(ValidationError, match="not in ¶ 1"):
        submit("x", quote=".*")  # a pattern is not a passage


def test_a_selected_passage_with_line_breaks_and_partial_words_is_stored_as_the_paragraph_has_it(submit, paragraphs):
    text = paragraphs["1"].text
    comment = submit("Which team?", quote="  NAME a person\n or\t tea ")
    assert comment.target == "passage" and comment.quote == "name a person or tea"
    assert comment.quote in text


def test_a_paragraph_of_another_version_is_refused(secretariat, document, submit):
    other = services.version_import(actor=secretariat, document=document, label="Draft 2", source="# A\n\nB text\n")
    with pytest.raises(ValidationError) as exc:
        submit("Comment", paragraph_id=other.paragraphs.get(kind="paragraph").pk)
    assert "not part of the text under consultation (Draft 1)" in str(exc.value)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("when,expected", [
    (timedelta(days=-40), "not open yet: it opens on"),
    (timedelta(days=40), "closed on"),
])
def test_outside_the_window_the_refusal_shows_the_window_in_the_users_zone(consultation, stakeholder, paragraphs, when, expected):
    stakeholder.time_zone = "Asia/Makassar"  # Bali
    stakeholder.save()
    with pytest.raises(ValidationError) as exc:
        services.comment_submit(consultation=consultation, actor=stakeholder, details=DETAILS,
                                paragraph_id=paragraphs["1"].pk, text="Late", now=timezone.now() + when)
    message = exc.value.message_dict["__all__"][0]
    assert expected in message and "(Asia/Makassar)" in message
    local = timezone.localtime(consultation.closes_at, __import__("zoneinfo").ZoneInfo("Asia/Makassar"))
    assert local.strftime("%H:%M") in message
    assert not Comment.objects.exists()


def test_the_window_is_exact_to_the_instant(consultation, stakeholder, paragraphs):
    args = {"consultation": consultation, "actor": stakeholder, "details": DETAILS, "paragraph_id": paragraphs["1"].pk}
    services.comment_submit(**args, text="Just in time", now=consultation.closes_at - timedelta(seconds=1))
    with pytest.raises(ValidationError):
        services.comment_submit(**args, text="Too late", now=consultation.closes_at, submission_key="late")


def test_hostile_text_is_stored_verbatim(submit):
    hostile = "<script>alert(1)</script> <b>bold</b> '; DROP TABLE comments; -- \u202eevil\u202c zero\u200bwidth"
    comment = submit(hostile)
    comment.refresh_from_db()
    assert comment.text == hostile


def test_five_megabytes_of_text_is_refused_with_the_limit_and_nothing_is_saved(submit):
    with pytest.raises(ValidationError) as exc:
        submit("x" * 5 * 1024 * 1024)
    assert "Shorten your comment to 10,000 characters (it has 5,242,880)" in exc.value.message_dict["text"][0]
    assert not Comment.objects.exists()


def test_an_executable_renamed_pdf_is_refused_by_its_content(submit):
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        submit("See attached", attachments=[exe])
    assert "“report.pdf” is not a PDF, DOCX or ODT" in exc.value.message_dict["attachments"][0]
    assert not Comment.objects.exists() and not CommentAttachment.objects.exists()


def test_a_real_pdf_is_attached_and_an_oversized_one_refused(submit, consultation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("views.pdf", b"%PDF-1.4\n%...\n", content_type="application/octet-stream")
    comment = submit("See attached", attachments=[pdf])
    attachment = comment.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.original_name == "views.pdf"
    consultation.max_attachment_bytes = 10
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * 100)
    with pytest.raises(ValidationError, match="larger than"):
        submit("Again", attachments=[big], submission_key="2")


def test_a_double_click_stores_the_comment_once(submit):
    first = submit("Same", submission_key="abc123")
    second = submit("Same", submission_key="abc123")
    assert first.pk == second.pk and first.receipt == second.receipt
    assert Comment.objects.count() == 1


def test_a_child_or_young_person_is_a_type_needing_an_organisation_never_an_identity(submit):
    with pytest.raises(ValidationError) as exc:
        submit("Views of our youth panel", details={"stakeholder_type": "child_via_org"})
    assert "never a child's name" in exc.value.message_dict["organisation_name"][0]
    comment = submit("Views of our youth panel",
                     details={"stakeholder_type": "child_via_org", "organisation_name": "Youth Panel Network"})
    assert comment.respondent.public_label == "Youth Panel Network (Child or young person, via an organisation)"
    names = {f.name for f in Respondent._meta.get_fields()}
    assert not names & {"name", "full_name", "birth_date", "age", "phone", "address", "photo"}


def test_the_public_comments_after_confirming_an_email_address(consultation, paragraphs, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError, match="Confirm your e-mail"):
        services.comment_submit(consultation=consultation, details=DETAILS, paragraph_id=paragraphs["1"].pk, text="Hi")
    with django_capture_on_commit_callbacks(execute=True):
        respondent = services.respondent_request_confirmation(consultation=consultation, email="Someone@Example.org")
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/confirm/" in line)
    token = link.rsplit("/confirm/", 1)[1].strip("/")
    services.respondent_confirm(token=token)
    respondent.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_submit(consultation=consultation, respondent=respondent, details=DETAILS,
                                          paragraph_id=paragraphs["1"].pk, text="Hi")
    assert comment.receipt and mail.outbox[-1].to == ["someone@example.org"]
    with pytest.raises(ValidationError, match="not valid"):
        services.respondent_confirm(token=token + "x")


def test_a_registered_only_consultation_refuses_the_public(consultation):
    consultation.allow_public = False
    consultation.save()
    with pytest.raises(ValidationError, match="registered stakeholders only"):
        services.respondent_request_confirmation(consultation=consultation, email="a@example.org")


def test_questionnaire_answers_are_checked_against_the_choices(secretariat, draft, stakeholder):
    now = timezone.now()
    consultation = services.consultation_create(
        actor=secretariat, version=draft, title="Q", code="Q1", opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1), questions=[{"text": "Is the scope right?", "choices": ["Yes", "No"]},
                                                      {"text": "What is missing?"}],
    )
    q1, q2 = consultation.questions.order_by("number")
    with pytest.raises(ValidationError, match="offered answers to question 1"):
        services.comment_submit(consultation=consultation, actor=stakeholder, details=DETAILS, text="x",
                                answers={q1.pk: "Maybe"})
    services.comment_submit(consultation=consultation, actor=stakeholder, details=DETAILS, text="x",
                            answers={q1.pk: "Yes", q2.pk: "Gaming platforms"})
    assert {a.question.number: a.choice or a.text for a in consultation.respondents.get().answers.all()} == {
        1: "Yes", 2: "Gaming platforms"}


def test_asking_twice_for_a_confirmation_link_sends_one_e_mail(consultation, django_capture_on_commit_callbacks):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.respondent_request_confirmation(consultation=consultation, email="a@example.org")
    assert len(mail.outbox) == 1


def test_one_client_address_gets_a_limited_number_of_confirmation_e_mails(consultation,
                                                                          django_capture_on_commit_callbacks):
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(services.MAIL_PER_IP):
            services.respondent_request_confirmation(consultation=consultation, email=f"p{i}@example.org",
                                                     ip="203.0.113.7")
    assert len(mail.outbox) == services.MAIL_PER_IP
    with pytest.raises(services.MailLimitReached) as exc:
        services.respondent_request_confirmation(consultation=consultation, email="one.more@example.org",
                                                 ip="203.0.113.7")
    message = exc.value.message_dict["email"][0]
    assert "from your network" in message and "try again after" in message and "(Europe/Zurich)" in message
    assert len(mail.outbox) == services.MAIL_PER_IP  # nothing sent
    assert not Respondent.objects.filter(email="one.more@example.org", confirmation_sent_at__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):  # another address is not affected
        services.respondent_request_confirmation(consultation=consultation, email="one.more@example.org",
                                                 ip="198.51.100.1")
    assert len(mail.outbox) == services.MAIL_PER_IP + 1
    later = start + timedelta(seconds=services.MAIL_PER_IP_WINDOW + 60)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=later), \
            django_capture_on_commit_callbacks(execute=True):
        services.respondent_request_confirmation(consultation=consultation, email="late@example.org",
                                                 ip="203.0.113.7")
    assert len(mail.outbox) == services.MAIL_PER_IP + 2  # the window has passed


def _colliding_receipts(monkeypatch, taken):
    numbers = iter([taken, "IG14-AAAA-BBBB"])
    monkeypatch.setattr(services, "_receipt", lambda consultation: next(numbers))


def test_a_receipt_collision_inside_a_callers_transaction_takes_a_new_number(submit, monkeypatch):
    first = submit("First.", submission_key="one")
    _colliding_receipts(monkeypatch, first.receipt)
    second = submit("Second.", submission_key="two")
    assert second.receipt == "IG14-AAAA-BBBB" and Comment.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_receipt_collision_retries_the_whole_submission_and_stores_it_once(submit, monkeypatch, stakeholder):
    first = submit("First.", submission_key="one")
    _colliding_receipts(monkeypatch, first.receipt)
    second = submit("Second.", submission_key="two")
    assert second.receipt == "IG14-AAAA-BBBB"
    assert Comment.objects.count() == 2 and Respondent.objects.filter(user=stakeholder).count() == 1
    assert AuditEntry.objects.filter(action="comment.submitted").count() == 2  # the rolled-back try left nothing


@pytest.mark.django_db(transaction=True)
def test_with_the_database_task_backend_the_receipt_task_commits_with_the_comment(submit, database_tasks):
    from django_tasks_db.models import DBTaskResult

    comment = submit("Queued with its receipt.", submission_key="db")
    row = DBTaskResult.objects.get(task_path="tutela.consultations.tasks.send_comment_receipt")
    assert row.args_kwargs["kwargs"] == {"comment_id": comment.pk} and row.status == "READY"
    with pytest.raises(ValidationError):
        submit("", submission_key="empty")  # refused: no comment, no task
    assert DBTaskResult.objects.count() == 1 and Comment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_usual_comment_writes_what_the_orm_and_the_task_backend_would(submit, database_tasks, stakeholder):
    """An account's next comment with unchanged details: the comment and its audit entry by the ORM
    and ``audit.record``, the receipt task by ``enqueue`` after the commit."""
    from django.contrib.contenttypes.models import ContentType
    from django_tasks_db.models import DBTaskResult, get_date_max

    submit("First, which makes the respondent.", submission_key="one")
    comment = submit("Second, the usual case.", submission_key="two", comment_type="editorial")
    twice = submit("Second, the usual case.", submission_key="two", comment_type="editorial")  # a double click
    assert twice.pk == comment.pk and twice.receipt == comment.receipt
    stored = Comment.objects.get(submission_key="two")
    assert (stored.pk, stored.receipt, stored.comment_type, stored.text) == (
        comment.pk, comment.receipt, "editorial", "Second, the usual case.")
    assert stored.received_at == comment.received_at and stored.status == "pending" and stored.channel == "online"
    entry = AuditEntry.objects.get(action="comment.submitted", target_id=str(comment.pk))
    assert (entry.actor, entry.actor_label, entry.target_type, entry.target_label) == (
        stakeholder, stakeholder.email, ContentType.objects.get_for_model(Comment), comment.receipt)
    assert entry.changes == {"receipt": [None, comment.receipt], "target": [None, "paragraph"], "paragraph": [None, "1"],
                             "language": [None, "en"]}
    assert AuditEntry.objects.filter(action="comment.submitted").count() == 2  # the double click wrote nothing
    rows = DBTaskResult.objects.filter(task_path="tutela.consultations.tasks.send_comment_receipt")
    assert rows.count() == 2
    row = rows.get(args_kwargs__kwargs__comment_id=comment.pk)
    assert row.args_kwargs == {"args": [], "kwargs": {"comment_id": comment.pk}}
    assert (row.status, row.queue_name, row.backend_name, row.priority, row.run_after) == (
        "READY", "default", "default", 0, get_date_max())
    assert row in DBTaskResult.objects.ready()  # a worker picks it up
    assert row.task_result.kwargs == {"comment_id": comment.pk}


@pytest.mark.django_db(transaction=True)
def test_the_receipt_task_is_enqueued_only_once_the_comment_has_committed(submit, database_tasks):
    """Through the public ``enqueue`` in ``on_commit``: a worker never sees a task whose comment
    may still roll back, and a rolled-back submission leaves no task."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        comment = submit("Inside a caller's transaction.", submission_key="tx")
        assert not DBTaskResult.objects.exists()
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"comment_id": comment.pk}
    with pytest.raises(RuntimeError), transaction.atomic():
        submit("Rolled back with its caller.", submission_key="rb")
        raise RuntimeError
    assert DBTaskResult.objects.count() == 1 and Comment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_changed_stakeholder_detail_is_saved_with_the_next_comment(submit):
    first = submit("First.", submission_key="one")
    second = submit("Second.", submission_key="two", details={**DETAILS, "country": "JP", "consent_to_list": False})
    assert first.respondent_id == second.respondent_id
    respondent = Respondent.objects.get(pk=second.respondent_id)
    assert respondent.country == "JP" and not respondent.consent_to_list


@pytest.mark.django_db(transaction=True)
def test_a_double_click_racing_itself_is_stored_once(submit, stakeholder):
    """Two requests with the same key at the same moment (no lock is taken: the unique index on
    (respondent, submission_key) decides, and the loser answers with the winner's comment)."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    submit("First, which makes the respondent.", submission_key="first")
    barrier, results, errors = threading.Barrier(4), [], []

    def click():
        try:
            barrier.wait()
            results.append(submit("Clicked twice.", submission_key="dbl"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len({c.pk for c in results}) == 1 and len({c.receipt for c in results}) == 1
    assert Comment.objects.filter(submission_key="dbl").count() == 1
    assert AuditEntry.objects.filter(action="comment.submitted").count() == 2
