"""Services: numbering, lifetimes, meetings, the registry and liaisons, through their public functions."""

import os
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tutela.coordination import services
from tutela.coordination.models import Body, Document, DocumentCounter, LiaisonStatement, Meeting
from tutela.core import audit
from tutela.core.models import AuditEntry

from .conftest import office_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


# --- Bodies and lifetime ------------------------------------------------------------------

def test_a_body_past_its_end_without_extension_is_expired_and_an_extension_revives_it(jca, sg17, secretariat):
    assert jca.is_expired  # ended January 2014
    assert list(Body.objects.expired()) == [jca]
    meeting = services.meeting_create(actor=None, body=jca, starts_on=date(2014, 1, 15))
    extension = services.lifetime_extend(actor=secretariat, body=jca, new_end=date(2999, 9, 30), decided_on=date(2014, 1, 15),
                                         reason="Continue after January 2014", meeting=meeting, decided_by=jca)
    jca.refresh_from_db()
    assert jca.ends_on == date(2999, 9, 30) and not jca.is_expired
    assert extension.previous_end == date(2014, 1, 31)
    assert AuditEntry.objects.filter(action="body.lifetime_extended", target_id=str(jca.pk)).exists()


def test_an_extension_must_move_the_end_later_and_give_a_reason(jca, secretariat):
    with pytest.raises(ValidationError) as exc:
        services.lifetime_extend(actor=secretariat, body=jca, new_end=date(2013, 1, 1), decided_on=date(2014, 1, 1), reason="")
    assert set(exc.value.message_dict) == {"new_end", "reason"}
    jca.refresh_from_db()
    assert jca.ends_on == date(2014, 1, 31) and not jca.extensions.exists()


def test_a_body_cannot_be_its_own_ancestor(itu_t, sg17, secretariat):
    with pytest.raises(ValidationError) as exc:
        services.body_update(actor=secretariat, body=itu_t, parent=sg17)
    assert "parent" in exc.value.message_dict
    itu_t.refresh_from_db()
    assert itu_t.parent is None


def test_only_the_secretariat_creates_bodies(focal_point):
    with pytest.raises(PermissionDenied):
        services.body_create(actor=focal_point, short_name="X", name="X")


# --- Meetings -----------------------------------------------------------------------------

def test_meeting_ordinals_are_per_body_and_gap_free(jca, tsag):
    jca.meetings_before_registry = 3
    jca.save()
    fourth = services.meeting_create(actor=None, body=jca, starts_on=date(2013, 12, 3))
    fifth = services.meeting_create(actor=None, body=jca, starts_on=date(2014, 1, 15))
    first_tsag = services.meeting_create(actor=None, body=tsag, starts_on=date(2014, 1, 20))
    assert (fourth.ordinal, fifth.ordinal, first_tsag.ordinal) == (4, 5, 1)
    assert str(fourth) == "JCA-COP 4th"


def test_a_meeting_before_the_body_was_established_is_refused(jca):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(actor=None, body=jca, starts_on=date(2011, 5, 1))
    assert "established on 2012-04-01" in str(exc.value)
    assert not Meeting.objects.exists()


def test_a_meeting_after_the_lifetime_needs_confirmation(jca):
    with pytest.raises(services.NeedsConfirmation) as exc:
        services.meeting_create(actor=None, body=jca, starts_on=date(2014, 6, 1))
    assert "lifetime ends on 2014-01-31" in str(exc.value)
    assert not Meeting.objects.exists()
    meeting = services.meeting_create(actor=None, body=jca, starts_on=date(2014, 6, 1), confirm_outside_lifetime=True)
    assert meeting.ordinal == 1


def test_decisions_actions_and_agenda_are_numbered_per_meeting(jca, secretariat):
    meeting = services.meeting_create(actor=None, body=jca, starts_on=date(2013, 12, 3))
    services.agenda_item_add(actor=secretariat, meeting=meeting, title="Opening")
    item = services.agenda_item_add(actor=secretariat, meeting=meeting, title="Terms of reference")
    d1 = services.decision_add(actor=secretariat, meeting=meeting, text="Continue JCA-COP")
    d2 = services.decision_add(actor=secretariat, meeting=meeting, text="Revise the ToR")
    action = services.action_item_add(actor=secretariat, meeting=meeting, text="Send LS", owner_label="SG17", due_on=date(2014, 1, 1))
    assert (item.number, d1.number, d2.number, action.number) == (2, 1, 2, 1)
    with pytest.raises(ValidationError):
        services.action_item_add(actor=secretariat, meeting=meeting, text="x", owner_label="")
    services.action_item_close(actor=secretariat, item=action)
    action.refresh_from_db()
    assert action.status == "done" and action.done_on == timezone.localdate()


def test_attendance_names_only_people_who_consented(jca, secretariat, org_a):
    from tutela.initiatives.services import person_create

    meeting = services.meeting_create(actor=None, body=jca, starts_on=date(2013, 12, 3))
    shy = person_create(actor=None, full_name="Not Named")
    with pytest.raises(ValidationError):
        services.attendance_record(actor=secretariat, meeting=meeting, people=[shy], organisations=[org_a])
    assert not meeting.attendance.exists()
    services.attendance_record(actor=secretariat, meeting=meeting, organisations=[org_a], participant_count=18)
    meeting.refresh_from_db()
    assert meeting.participant_count == 18 and meeting.attendance.count() == 1


def test_a_member_focal_point_cannot_manage_but_a_chair_can(jca, focal_point, chair_user):
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=focal_point, body=jca, starts_on=date(2013, 12, 3))
    meeting = services.meeting_create(actor=chair_user, body=jca, starts_on=date(2013, 12, 3))
    assert meeting.ordinal == 1


# --- The registry -------------------------------------------------------------------------

def test_documents_are_numbered_with_prefix_and_padding(jca):
    a = services.document_register(actor=None, body=jca, title="Agenda", source="Co-chairs")
    b = services.document_register(actor=None, body=jca, title="Report", source="TSB")
    assert (a.number, b.number) == ("JCA-COP DOC001", "JCA-COP DOC002")


def test_a_registration_writes_its_revision_file_and_audit_entry_with_its_number(jca, focal_point):
    """Ordinary inserts and ``audit.record`` in the numbering transaction, on every database."""
    doc = services.document_register(actor=focal_point, body=jca, title="Contribution", source="ACOPEA",
                                     upload=upload("c.pdf", pdf_bytes()))
    doc = Document.objects.get(pk=doc.pk)
    assert doc.number == "JCA-COP DOC001" and doc.registered_by == focal_point
    assert [(r.revision, r.title, r.created_by) for r in doc.revisions.all()] == [(0, "Contribution", focal_point)]
    stored = doc.files.get()
    assert (stored.original_name, stored.file_type, stored.revision, stored.uploaded_by) == ("c.pdf", "pdf", 0, focal_point)
    assert stored.file.read() == pdf_bytes()
    entry = AuditEntry.objects.get(action="document.registered", target_id=str(doc.pk))
    assert (entry.actor, entry.actor_label, entry.target_label) == (focal_point, focal_point.email, "JCA-COP DOC001")
    assert entry.changes == {k: [None, v] for k, v in audit.snapshot(doc).items() if v not in (None, "")}


def test_document_start_lets_a_registry_begin_at_doc047(sg17):
    body = services.body_create(actor=None, short_name="JCA-X", name="X", parent=sg17, document_start=47, number_prefix="JCA-X DOC")
    assert services.document_register(actor=None, body=body, title="ToR", source="Co-chairs").number == "JCA-X DOC047"


def test_meeting_style_numbers_are_body_meeting_number(wgcp):
    sixth = services.meeting_create(actor=None, body=wgcp, starts_on=date(2013, 10, 9))
    numbers = [services.document_register(actor=None, body=wgcp, meeting=sixth, title=f"D{i}", source="S").number for i in range(8)]
    assert sixth.ordinal == 6
    assert numbers[-1] == "WG-CP/6/8"
    with pytest.raises(ValidationError) as exc:
        services.document_register(actor=None, body=wgcp, title="No meeting", source="S")
    assert "WG-CP/6/8" in exc.value.message_dict["meeting"][0]


def test_a_hand_typed_number_that_collides_is_refused_and_the_counter_moves_past_a_free_one(jca):
    services.document_register(actor=None, body=jca, title="Old", source="S", number="DOC047")
    with pytest.raises(ValidationError) as exc:
        services.document_register(actor=None, body=jca, title="Clash", source="S", number="47")
    assert "JCA-COP DOC047 is already taken by “Old”" in exc.value.message_dict["number"][0]
    assert "(JCA-COP DOC048)" in exc.value.message_dict["number"][0]
    assert services.document_register(actor=None, body=jca, title="Next", source="S").number == "JCA-COP DOC048"
    assert Document.objects.count() == 2


def test_a_withdrawn_number_is_never_reused_and_cannot_be_revised(jca, secretariat):
    doc = services.document_register(actor=None, body=jca, title="Draft", source="S")
    services.document_withdraw(actor=secretariat, document=doc, reason="Duplicate")
    with pytest.raises(ValidationError) as exc:
        services.document_revise(actor=secretariat, document=doc, note="fix")
    assert "withdrawn" in str(exc.value)
    assert services.document_register(actor=None, body=jca, title="Next", source="S").number == "JCA-COP DOC002"


def test_revisions_keep_the_number(jca, secretariat):
    doc = services.document_register(actor=None, body=jca, title="ToR", source="Co-chairs", upload=upload("tor.pdf", pdf_bytes()))
    services.document_revise(actor=secretariat, document=doc, note="Lifetime to Sept 2015", upload=upload("tor.docx", office_bytes("docx")))
    doc = services.document_revise(actor=secretariat, document=doc, note="Editorial")
    assert (doc.number, doc.revision, doc.label) == ("JCA-COP DOC001", 2, "JCA-COP DOC001 Rev.2")
    assert list(doc.revisions.values_list("revision", flat=True)) == [0, 1, 2]
    assert sorted(doc.files.values_list("revision", "file_type")) == [(0, "pdf"), (1, "docx")]


@pytest.mark.parametrize("kind", ["docx", "xlsx", "pptx", "odt"])
def test_office_files_are_recognised_by_content(jca, kind):
    doc = services.document_register(actor=None, body=jca, title="T", source="S", upload=upload(f"f.{kind}", office_bytes(kind)))
    assert doc.files.get().file_type == kind


@pytest.mark.parametrize(("name", "content", "says"), [
    ("report.pdf", b"MZ\x90\x00 this is an executable", "not a PDF file"),
    ("report.docx", pdf_bytes(), "its content is PDF"),
    ("sheet.xlsx", office_bytes("docx"), "its content is Word (DOCX)"),
    ("notes.txt", b"hello", "not a type we keep"),
    ("empty.pdf", b"", "is empty"),
])
def test_files_that_lie_about_their_type_are_refused_and_no_number_is_spent(jca, name, content, says):
    with pytest.raises(ValidationError) as exc:
        services.document_register(actor=None, body=jca, title="T", source="S", upload=upload(name, content))
    assert says in exc.value.message_dict["file"][0]
    assert not Document.objects.exists()
    assert DocumentCounter.objects.get(body=jca, scope=0).last_number == 0


def test_a_registration_refused_after_its_file_was_stored_leaves_no_file_and_spends_no_number(jca, settings):
    from pathlib import Path

    services.document_register(actor=None, body=jca, title="First", source="S", number=5)
    with pytest.raises(ValidationError) as exc:  # the number is checked under the counter's lock
        services.document_register(actor=None, body=jca, title="T", source="S", number=5, upload=upload("c.pdf", pdf_bytes()))
    assert "already taken" in exc.value.message_dict["number"][0]
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
    assert DocumentCounter.objects.get(body=jca, scope=0).last_number == 5
    assert services.document_register(actor=None, body=jca, title="Next", source="S").number == "JCA-COP DOC006"


def test_files_over_the_limit_are_refused(jca, settings):
    settings.COORDINATION_MAX_FILE_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        services.document_register(actor=None, body=jca, title="T", source="S", upload=upload("big.pdf", pdf_bytes("x" * 200)))
    assert "the limit is" in exc.value.message_dict["file"][0]


def test_a_member_focal_point_registers_but_an_outsider_may_not(jca, focal_point, other_focal_point):
    doc = services.document_register(actor=focal_point, body=jca, title="Contribution", source="ACOPEA")
    assert doc.registered_by == focal_point
    with pytest.raises(PermissionDenied):
        services.document_register(actor=other_focal_point, body=jca, title="Contribution", source="TM")


def test_the_materials_door_registers_a_report_and_links_it(jca, chair_user):
    meeting = services.meeting_create(actor=None, body=jca, starts_on=date(2013, 12, 3))
    services.agenda_item_add(actor=None, meeting=meeting, title="Reports")
    doc = services.meeting_material_upload(actor=chair_user, meeting=meeting, upload=upload("r.pdf", pdf_bytes()),
                                           title="Meeting report", source="Co-chairs", kind="report", agenda_item=1)
    meeting.refresh_from_db()
    assert meeting.report_document == doc and doc.meeting == meeting
    assert list(meeting.agenda_items.get().documents.all()) == [doc]


def test_terms_of_reference_versions_are_registered_documents(jca, sg17, secretariat, tsag):
    doc = services.document_register(actor=None, body=jca, title="Revised ToR", source="Co-chairs", kind="tor")
    tor = services.terms_of_reference_add(actor=secretariat, body=jca, document=doc, approved_on=date(2014, 1, 15),
                                          approved_by_label="JCA-COP participants")
    assert jca.terms_of_reference.first() == tor and tor.approver == "JCA-COP participants"
    other = services.document_register(actor=None, body=tsag, title="Not ours", source="TSB")
    with pytest.raises(ValidationError):
        services.terms_of_reference_add(actor=secretariat, body=jca, document=other, approved_on=date(2014, 1, 15), approved_by=sg17)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="row locks are exercised on PostgreSQL; SQLite runs one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_gives_distinct_gap_free_numbers(jca):
    """16 threads register at once on PostgreSQL: no duplicates, no gaps (SQLite serialises writers anyway)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def register(i):
        try:
            return services.document_register(actor=None, body=jca, title=f"Doc {i}", source="S").sequence
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        sequences = list(pool.map(register, range(64)))
    assert sorted(sequences) == list(range(1, 65))


# --- Liaisons -----------------------------------------------------------------------------

def _liaison(sg17, tsag, **kw):
    defaults = {"actor": None, "from_body": sg17, "subject": "Continuation of JCA-COP", "contact_email": "tsb@example.org",
                "recipients": [{"body": tsag, "purpose": "action", "deadline": timezone.localdate() + timedelta(days=30)}]}
    defaults.update(kw)
    return services.liaison_create(**defaults)


def test_a_liaison_for_action_without_a_deadline_is_refused(sg17, tsag):
    with pytest.raises(ValidationError) as exc:
        _liaison(sg17, tsag, recipients=[{"body": tsag, "purpose": "action", "deadline": None}])
    assert exc.value.message_dict["recipients"] == ["TSAG is asked for action: give a deadline."]
    assert not LiaisonStatement.objects.exists()


def test_a_deadline_in_the_past_and_a_recipient_that_is_the_sender_are_refused(sg17, tsag):
    past = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _liaison(sg17, tsag, recipients=[{"body": tsag, "purpose": "comment", "deadline": past},
                                         {"body": sg17, "purpose": "information"}])
    messages = exc.value.message_dict["recipients"]
    assert any("is in the past" in m for m in messages)
    assert any("SG17 is the sender" in m for m in messages)
    assert not LiaisonStatement.objects.exists()


def test_a_historical_liaison_checks_its_deadline_against_its_send_date(sg17, tsag):
    liaison = _liaison(sg17, tsag, send=True, sent_on=date(2014, 1, 24),
                       recipients=[{"body": tsag, "purpose": "action", "deadline": date(2014, 6, 1)}])
    assert liaison.status == "awaiting_reply" and liaison.sent_on == date(2014, 1, 24)


def test_many_recipients_each_with_a_purpose_and_a_reply_answers_the_original(sg17, tsag, jca):
    liaison = _liaison(sg17, tsag, send=True, recipients=[
        {"body": tsag, "purpose": "action", "deadline": timezone.localdate() + timedelta(days=20)},
        {"body": jca, "purpose": "information"}])
    assert [(r.body.short_name, r.purpose) for r in liaison.recipients.all()] == [("TSAG", "action"), ("JCA-COP", "information")]
    reply = services.liaison_create(actor=None, from_body=tsag, subject="JCA-COP continued", contact_email="tsag@example.org",
                                    recipients=[{"body": sg17, "purpose": "information"}], reply_to=liaison, send=True)
    liaison.refresh_from_db()
    assert liaison.status == "answered" and reply.status == "sent"
    assert reply.subject.startswith("Reply to")



def test_a_reply_already_headed_as_one_is_not_headed_again_in_any_language(sg17, tsag):
    from django.utils import translation

    liaison = _liaison(sg17, tsag, send=True, recipients=[{"body": tsag, "purpose": "information"}])
    with translation.override("fr"):
        first = services.liaison_create(actor=None, from_body=tsag, subject="Suite du JCA-COP",
                                        contact_email="tsag@example.org", recipients=[{"body": sg17, "purpose": "information"}],
                                        reply_to=liaison)
        again = services.liaison_create(actor=None, from_body=tsag, subject=first.subject,
                                        contact_email="tsag@example.org", recipients=[{"body": sg17, "purpose": "information"}],
                                        reply_to=liaison)
    assert first.subject.startswith("Réponse à ")
    assert again.subject == first.subject

def test_reminders_mail_the_contact_and_the_recipient_chairs_once(sg17, tsag, mailoutbox, django_capture_on_commit_callbacks):
    from tutela.initiatives.services import person_create

    chair = person_create(actor=None, full_name="TSAG Chair", is_public_figure=True, email="chair@tsag.example.org")
    services.chair_appoint(actor=None, body=tsag, person=chair, role="chair")
    _liaison(sg17, tsag, send=True, recipients=[{"body": tsag, "purpose": "action", "deadline": timezone.localdate() + timedelta(days=5)}])
    _liaison(sg17, tsag, subject="Later", send=True,
             recipients=[{"body": tsag, "purpose": "action", "deadline": timezone.localdate() + timedelta(days=60)}])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.liaison_reminders_schedule() == 1  # tasks run inline in tests
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert set(mail.to) == {"tsb@example.org", "chair@tsag.example.org"}
    assert "Continuation of JCA-COP" in mail.subject and "in 5 days" in mail.body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.liaison_reminders_schedule() == 0
    assert len(mailoutbox) == 1
