"""Writes to coordination bodies, meetings, the document registry and liaison statements.

Every write checks, writes inside one transaction, records the audit trail and schedules side
effects on commit. A service called with a user as ``actor`` checks that user may do it
(``selectors.can_manage`` / ``can_register``); system writes (demo, tasks) pass ``actor=None``.

Numbers are allocated under a row lock (the counter's ``UPDATE … RETURNING`` for documents,
``SELECT … FOR UPDATE`` on the body for meetings; SQLite runs write transactions one at a time
with ``BEGIN IMMEDIATE``), and unique constraints stand behind the lock, so no two documents or
meetings ever get the same number. A registration checks everything and writes its file before
taking the number, then inserts its rows with the ORM and commits: see ``document_register``.
"""

import smtplib
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tutela.core import access, audit
from tutela.core.access import Actor, User
from tutela.core.services import repoint, save_audited
from tutela.initiatives.models import Appointment, Person
from tutela.partners.models import Organisation

from . import files, selectors
from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Body,
    BodyMembership,
    Decision,
    Document,
    DocumentCounter,
    DocumentFile,
    DocumentRevision,
    LiaisonRecipient,
    LiaisonStatement,
    LifetimeExtension,
    Meeting,
    TermsOfReference,
    ordinal_label,
)

BODY_FIELDS = [
    "kind", "name", "parent", "status", "mandate", "description", "established_on", "established_date_is_approximate",
    "ends_on", "website", "contact_email", "number_style", "number_prefix", "number_padding", "meetings_before_registry",
    "is_published", "is_illustrative", "source",
]
BODY_UPDATE_FIELDS = [f for f in BODY_FIELDS if f != "ends_on"]  # the lifetime changes only by extension
MEETING_FIELDS = ["status", "city", "country", "venue", "is_remote", "activity", "participant_count", "summary",
                  "report_document", "is_illustrative", "source"]
LIAISON_FIELDS = ["reference", "body_text", "contact_person", "contact_email", "approval", "approved_on",
                  "is_illustrative", "source"]
REMINDER_DAYS = 7


def _require_manage(actor: User | None, body: Body) -> None:
    if actor is not None and not selectors.can_manage(actor, body):
        raise PermissionDenied


def _require_register(actor: User | None, body: Body) -> None:
    if actor is not None and not selectors.can_register(actor, body):
        raise PermissionDenied


def _check_parent(body: Body) -> None:
    node, seen = body.parent, {body.pk}
    while node is not None:
        if node.pk in seen:
            raise ValidationError({"parent": _("A body cannot be its own ancestor: choose another parent.")})
        seen.add(node.pk)
        node = node.parent


# --- Bodies ---------------------------------------------------------------------------------

@transaction.atomic
def body_create(*, actor: User | None, short_name: str, name: str, document_start: int = 1, slug: str = "", **fields: Any) -> Body:
    """Create a body and its document counter. ``document_start`` is the first number the registry hands out."""
    if actor is not None:
        access.require_secretariat(actor)
    short_name = " ".join((short_name or "").split())
    if not short_name:
        raise ValidationError({"short_name": _("Give the body a short name, e.g. JCA-COP.")})
    if Body.objects.filter(short_name__iexact=short_name).exists():
        raise ValidationError({"short_name": _("A body called “%(name)s” already exists.") % {"name": short_name}})
    fields.setdefault("number_prefix", f"{short_name} DOC")

    def check(body: Body) -> None:
        if document_start < 1:
            raise ValidationError({"document_start": _("Document numbers start at 1 or above.")})

    def counter(body: Body) -> None:
        _check_parent(body)
        DocumentCounter.objects.create(body=body, scope=0, last_number=document_start - 1)

    return save_audited(Body(short_name=short_name, name=" ".join((name or "").split()), slug=slug or slugify(short_name)[:50]),
                        actor=actor, action="body.created", fields=fields, allowed=BODY_FIELDS, check=check, after=counter)


@transaction.atomic
def body_update(*, actor: User | None, body: Body, **fields: Any) -> Body:
    _require_manage(actor, body)
    return save_audited(body, actor=actor, action="body.updated", fields=fields, allowed=BODY_UPDATE_FIELDS,
                        check=_check_parent)


@transaction.atomic
def membership_add(
    *, actor: User | None, body: Body, organisation: Any = None, person: Person | None = None,
    role: str = BodyMembership.Role.MEMBER, represents: str = "", since: date | None = None,
) -> BodyMembership:
    _require_manage(actor, body)
    if organisation is None and person is None:
        raise ValidationError({"organisation": _("Name an organisation or a person.")})
    if person is not None and not person.may_be_named:
        raise ValidationError({"person": _("%(p)s has not consented to be named: record their organisation instead.")
                               % {"p": person.full_name}})
    if BodyMembership.objects.filter(body=body, organisation=organisation, person=person).exists():
        raise ValidationError({"organisation": _("This member is already listed.")})
    membership = BodyMembership(body=body, organisation=organisation, person=person, role=role, represents=represents, since=since)
    membership.full_clean()
    membership.save()
    audit.record(actor=actor, action="body.member_added", target=body,
                 changes={"member": [None, str(membership)]})
    return membership


@transaction.atomic
def chair_appoint(
    *, actor: User | None, body: Body, person: Person, role: str = Appointment.Role.CHAIR,
    starts_on: date | None = None, ends_on: date | None = None, note: str = "",
) -> Appointment:
    """Appoint a chair, co-chair or vice-chair of a body (an appointment of the initiative core)."""
    if actor is not None:
        access.require_secretariat(actor)
    if role not in selectors.CHAIR_ROLES:
        raise ValidationError({"role": _("Choose chair, co-chair or vice-chair.")})
    from tutela.initiatives.services import appointment_create

    return appointment_create(actor=actor, person=person, role=role, subject=body, starts_on=starts_on, ends_on=ends_on, note=note)


@transaction.atomic
def terms_of_reference_add(
    *, actor: User | None, body: Body, document: Document, approved_on: date, approved_by: Body | None = None,
    approved_by_label: str = "", meeting: Meeting | None = None, note: str = "",
) -> TermsOfReference:
    """Record a version of the terms of reference: a registered document, approved by someone on a date."""
    _require_manage(actor, body)
    errors = {}
    if document.body_id != body.pk:
        errors["document"] = _("Terms of reference must be a document registered by %(body)s.") % {"body": body}
    elif document.is_withdrawn:
        errors["document"] = _("%(doc)s is withdrawn and cannot be the terms of reference.") % {"doc": document}
    if approved_by is None and not approved_by_label.strip():
        errors["approved_by"] = _("Say who approved these terms of reference.")
    if meeting is not None and meeting.body_id != body.pk:
        errors["meeting"] = _("Choose a meeting of %(body)s.") % {"body": body}
    if errors:
        raise ValidationError(errors)
    tor = TermsOfReference.objects.create(
        body=body, document=document, approved_on=approved_on, approved_by=approved_by,
        approved_by_label=approved_by_label.strip(), meeting=meeting, note=note,
    )
    audit.record(actor=actor, action="body.terms_of_reference_added", target=body,
                 changes={"terms_of_reference": [None, document.label]})
    return tor


@transaction.atomic
def lifetime_extend(
    *, actor: User | None, body: Body, new_end: date, decided_on: date, reason: str,
    meeting: Meeting | None = None, decided_by: Body | None = None,
) -> LifetimeExtension:
    """Extend a body's lifetime. The history keeps the previous end, where and by whom it was decided."""
    _require_manage(actor, body)
    caller_copy = body
    body = Body.objects.select_for_update().get(pk=body.pk)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the extension.")
    if body.ends_on and new_end <= body.ends_on:
        errors["new_end"] = _("The new end (%(new)s) must be after the current end (%(cur)s).") % {"new": new_end, "cur": body.ends_on}
    if body.established_on and new_end < body.established_on:
        errors["new_end"] = _("The new end is before the body was established.")
    if meeting is not None and meeting.body_id != body.pk:
        errors["meeting"] = _("Choose a meeting of %(body)s.") % {"body": body}
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(body, ["ends_on"])
    extension = LifetimeExtension.objects.create(
        body=body, new_end=new_end, decided_on=decided_on, reason=reason.strip(), meeting=meeting,
        decided_by=decided_by, previous_end=body.ends_on, recorded_by=actor,
    )
    body.ends_on = caller_copy.ends_on = new_end
    body.save(update_fields=["ends_on", "updated_at"])
    audit.record(actor=actor, action="body.lifetime_extended", target=body, before=before)
    return extension


# --- Meetings -------------------------------------------------------------------------------

class NeedsConfirmation(ValidationError):
    """A warning the user may override by confirming (e.g. a meeting after the body's end date)."""


@transaction.atomic
def meeting_create(
    *, actor: User | None, body: Body, starts_on: date, ends_on: date | None = None,
    confirm_outside_lifetime: bool = False, **fields: Any,
) -> Meeting:
    """Add the body's next meeting. Its ordinal is allocated here: per body, gap-free."""
    _require_manage(actor, body)
    # Lock the body row: concurrent creators queue here, so the max+1 below is safe.
    body = Body.objects.select_for_update().get(pk=body.pk)
    ends_on = ends_on or starts_on
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The meeting ends (%(end)s) before it starts (%(start)s).") % {"end": ends_on, "start": starts_on}})
    if body.established_on and starts_on < body.established_on:
        raise ValidationError({"starts_on": _("%(body)s was established on %(est)s; a meeting cannot be held before that.")
                               % {"body": body, "est": body.established_on}})
    if body.status == Body.Status.CLOSED:
        raise ValidationError({"body": _("%(body)s is closed: it holds no more meetings.") % {"body": body}})
    if body.ends_on and starts_on > body.ends_on and not confirm_outside_lifetime:
        raise NeedsConfirmation({"starts_on": _(
            "%(body)s's lifetime ends on %(end)s, before this meeting. Record a lifetime extension first, "
            "or confirm that the meeting is held outside the lifetime.") % {"body": body, "end": body.ends_on}},
            code="outside_lifetime")
    last = body.meetings.aggregate(last=Max("ordinal"))["last"] or body.meetings_before_registry

    def check(meeting: Meeting) -> None:
        if meeting.report_document and meeting.report_document.body_id != body.pk:
            raise ValidationError({"report_document": _("Choose a document of %(body)s.") % {"body": body}})

    def counter(meeting: Meeting) -> None:
        if body.number_style == Body.NumberStyle.MEETING:
            DocumentCounter.objects.create(body=body, scope=meeting.ordinal)

    return save_audited(Meeting(body=body, ordinal=last + 1, starts_on=starts_on, ends_on=ends_on), actor=actor,
                        action="meeting.created", fields=fields, allowed=MEETING_FIELDS, check=check, after=counter)


@transaction.atomic
def meeting_update(*, actor: User | None, meeting: Meeting, **fields: Any) -> Meeting:
    _require_manage(actor, meeting.body)
    return save_audited(meeting, actor=actor, action="meeting.updated", fields=fields, allowed=MEETING_FIELDS,
                        check=_check_report_document)


def _check_report_document(meeting: Meeting) -> None:
    if meeting.report_document and meeting.report_document.body_id != meeting.body_id:
        raise ValidationError({"report_document": _("Choose a document of %(body)s.") % {"body": meeting.body}})


def _next_number(queryset) -> int:
    return (queryset.aggregate(n=Max("number"))["n"] or 0) + 1


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)


@transaction.atomic
def agenda_item_add(*, actor: User | None, meeting: Meeting, title: str, documents: list[Document] | None = None) -> AgendaItem:
    _require_manage(actor, meeting.body)
    meeting = _lock_meeting(meeting)
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the agenda item a title.")})
    for doc in documents or []:
        if doc.body_id != meeting.body_id:
            raise ValidationError({"documents": _("%(doc)s belongs to another body.") % {"doc": doc}})
    item = AgendaItem.objects.create(meeting=meeting, number=_next_number(meeting.agenda_items), title=title.strip())
    if documents:
        item.documents.set(documents)
    audit.record(actor=actor, action="meeting.agenda_item_added", target=meeting, changes={"agenda": [None, str(item)]})
    return item


@transaction.atomic
def attendance_record(
    *, actor: User | None, meeting: Meeting, organisations: list | None = None, people: list[Person] | None = None,
    participant_count: int | None = None,
) -> Meeting:
    """Record who attended: organisations, named adults who consented to be named, and a head count."""
    _require_manage(actor, meeting.body)
    meeting = _lock_meeting(meeting)
    for person in people or []:
        if not person.may_be_named:
            raise ValidationError({"people": _("%(p)s has not consented to be named: count them, or record their organisation.")
                                   % {"p": person.full_name}})
    if participant_count is not None and participant_count < 0:
        raise ValidationError({"participant_count": _("A count cannot be negative.")})
    before = audit.snapshot(meeting, ["participant_count"])
    known_orgs = set(meeting.attendance.filter(person__isnull=True).values_list("organisation_id", flat=True))
    known_people = set(meeting.attendance.filter(person__isnull=False).values_list("person_id", flat=True))
    for org in organisations or []:
        if org.pk not in known_orgs:
            Attendance.objects.create(meeting=meeting, organisation=org)
    for person in people or []:
        if person.pk not in known_people:
            Attendance.objects.create(meeting=meeting, person=person, organisation=person.organisation)
    if participant_count is not None:
        meeting.participant_count = participant_count
        meeting.save(update_fields=["participant_count"])
    audit.record(actor=actor, action="meeting.attendance_recorded", target=meeting, before=before)
    return meeting


@transaction.atomic
def decision_add(*, actor: User | None, meeting: Meeting, text: str, kind: str = Decision.Kind.AGREEMENT) -> Decision:
    _require_manage(actor, meeting.body)
    meeting = _lock_meeting(meeting)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write what was decided.")})
    decision = Decision(meeting=meeting, number=_next_number(meeting.decisions), text=text.strip(), kind=kind)
    decision.full_clean()
    decision.save()
    audit.record(actor=actor, action="meeting.decision_added", target=meeting, changes={"decision": [None, decision.number]})
    return decision


@transaction.atomic
def action_item_add(
    *, actor: User | None, meeting: Meeting, text: str, owner_person: Person | None = None, owner_label: str = "",
    due_on: date | None = None,
) -> ActionItem:
    _require_manage(actor, meeting.body)
    meeting = _lock_meeting(meeting)
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Write what is to be done.")
    if owner_person is None and not owner_label.strip():
        errors["owner_label"] = _("Say who owns the action.")
    if due_on and due_on < meeting.starts_on:
        errors["due_on"] = _("The action is due (%(due)s) before the meeting (%(m)s).") % {"due": due_on, "m": meeting.starts_on}
    if errors:
        raise ValidationError(errors)
    return save_audited(ActionItem(meeting=meeting, number=_next_number(meeting.action_items), text=text.strip(),
                                   owner_person=owner_person, owner_label=owner_label.strip(), due_on=due_on),
                        actor=actor, action="action_item.created")


@transaction.atomic
def action_item_close(*, actor: User | None, item: ActionItem, status: str = ActionItem.Status.DONE, on: date | None = None) -> ActionItem:
    _require_manage(actor, item.meeting.body)
    if status not in (ActionItem.Status.DONE, ActionItem.Status.DROPPED):
        raise ValidationError({"status": _("Close an action as done or dropped.")})
    before = audit.snapshot(item, ["status", "done_on"])
    item.status = status
    item.done_on = on or timezone.localdate()
    item.save(update_fields=["status", "done_on"])
    audit.record(actor=actor, action="action_item.closed", target=item, before=before)
    return item


# --- The document registry ------------------------------------------------------------------

def format_number(body: Body, sequence: int, meeting_ordinal: int | None = None) -> str:
    """JCA-COP DOC047 (per body) or WG-CP/6/8 (per meeting), as the body is configured."""
    padded = str(sequence).zfill(body.number_padding)
    if body.number_style == Body.NumberStyle.MEETING:
        return f"{body.number_prefix}/{meeting_ordinal}/{padded}"
    return f"{body.number_prefix}{padded}"


def _counter(body: Body, scope: int) -> DocumentCounter:
    """The counter row for a scope, locked until the end of the transaction."""
    try:
        return DocumentCounter.objects.select_for_update().get(body=body, scope=scope)
    except DocumentCounter.DoesNotExist:
        # Only for scopes made before a body switched numbering style: serialise on the body row.
        Body.objects.select_for_update().filter(pk=body.pk).first()
        counter, _created = DocumentCounter.objects.get_or_create(body=body, scope=scope)
        return DocumentCounter.objects.select_for_update().get(pk=counter.pk)


def _take_next(body: Body, scope: int) -> int | None:
    """Increment the scope's counter and return the new number, in one statement.

    ``UPDATE … SET last_number = last_number + 1 … RETURNING``: the row lock is taken by the
    update itself and held until the caller's COMMIT, so two writers can never read the same value
    and no number is skipped (a rollback undoes the increment with the document). ``None`` when
    the scope has no counter row yet.
    """
    table = connection.ops.quote_name(DocumentCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last_number = last_number + 1 WHERE body_id = %s AND scope = %s "
                       f"RETURNING last_number", [body.pk, scope])
        row = cursor.fetchone()
    return row[0] if row else None


def allocate_number(*, body: Body, meeting: Meeting | None = None, sequence: int | None = None) -> tuple[int, int, str]:
    """Allocate (scope, sequence, printed number). Must run inside the caller's transaction.

    Without ``sequence`` the next number is taken with one UPDATE … RETURNING (the lock it takes is
    held until the caller commits, so the caller should do its slow work *before* calling this);
    with one (typed by hand, e.g. when registering an older document) it must be free, and the
    counter moves past it so the automatic numbers never collide with it later.
    """
    scope = 0
    if body.number_style == Body.NumberStyle.MEETING:
        if meeting is None:  # document_register refuses this with a message first
            raise ValueError(f"{body} numbers its documents per meeting: name the meeting")
        scope = meeting.ordinal
    if sequence is None:
        taken = _take_next(body, scope)
        if taken is None:  # a scope made before the body switched numbering style: create it, locked
            counter = _counter(body, scope)
            counter.last_number += 1
            counter.save(update_fields=["last_number"])
            taken = counter.last_number
        return scope, taken, format_number(body, taken, scope)
    counter = _counter(body, scope)
    existing = Document.objects.filter(body=body, scope=scope, sequence=sequence).first()
    if existing is not None:
        raise ValidationError({"number": _(
            "%(number)s is already taken by “%(title)s”. Numbers are never reused: leave the number empty "
            "to get the next free one (%(next)s).") % {
                "number": existing.number, "title": existing.title,
                "next": format_number(body, counter.last_number + 1, scope)}})
    if sequence > counter.last_number:
        counter.last_number = sequence
        counter.save(update_fields=["last_number"])
    return scope, sequence, format_number(body, sequence, scope)


def _parse_sequence(body: Body, number: str | int | None) -> int | None:
    """Accept a hand-typed number as '47', 'DOC047' or 'JCA-COP DOC047'."""
    if number in (None, ""):
        return None
    if isinstance(number, int):
        value = number
    else:
        text = str(number).strip()
        digits = text.rsplit("/", 1)[-1] if body.number_style == Body.NumberStyle.MEETING else text
        tail = ""
        for ch in reversed(digits):
            if not ch.isdigit():
                break
            tail = ch + tail
        if not tail:
            raise ValidationError({"number": _("“%(n)s” has no number in it: type e.g. 47 or %(ex)s.")
                                   % {"n": text, "ex": format_number(body, 47, 1)}})
        value = int(tail)
    if value < 1:
        raise ValidationError({"number": _("Document numbers start at 1.")})
    return value


def _store_file(document: Document, upload: Any, actor: User | None) -> DocumentFile:
    """Check the upload and write it to storage; the row (returned unsaved) is the caller's to save."""
    checked = files.check_upload(upload)
    stored = DocumentFile(
        document=document, revision=document.revision, original_name=checked.original_name,
        file_type=checked.file_type, size=checked.size, sha256=checked.sha256,
        uploaded_by=actor,
    )
    # The file is written last, after every check passed, so a refused write leaves no file behind.
    stored.file.save(checked.original_name, upload, save=False)
    return stored


def _attach_file(document: Document, upload: Any, actor: User | None) -> DocumentFile:
    stored = _store_file(document, upload, actor)
    stored.save()
    return stored


def document_register(
    *, actor: User | None, body: Body, title: str, source: str, document_date: date | None = None,
    meeting: Meeting | None = None, kind: str = Document.Kind.CONTRIBUTION, access_level: str = Document.Access.PUBLIC,
    number: str | int | None = None, upload: Any = None, is_illustrative: bool = False,
) -> Document:
    """Register a document and give it its permanent number (optionally with its first file).

    Everything is checked first, writing nothing, and the file is written to storage. Then one
    transaction takes the number (``allocate_number``: ``UPDATE … RETURNING`` on the scope's
    counter, whose row lock lasts until the commit, so numbers are gap-free and never repeat)
    and inserts the document, its Rev.0, its file row and the audit entry.
    """
    _require_register(actor, body)
    errors: dict[str, Any] = {}
    title = " ".join((title or "").split())
    source = " ".join((source or "").split())
    if not title:
        errors["title"] = _("Give the document a title.")
    if not source:
        errors["source"] = _("Say who submitted the document (e.g. “Co-chairs”, “TSB”, an organisation).")
    if meeting is not None and meeting.body_id != body.pk:
        errors["meeting"] = _("Choose a meeting of %(body)s.") % {"body": body}
    if body.number_style == Body.NumberStyle.MEETING and meeting is None:
        errors["meeting"] = _("%(body)s numbers documents per meeting (%(ex)s): choose the meeting.") % {
            "body": body, "ex": format_number(body, 8, 6)}
    if access_level not in Document.Access.values:
        errors["access"] = _("Choose public or members only.")
    if kind not in Document.Kind.values:
        errors["kind"] = _("Unknown kind of document.")
    if errors:
        raise ValidationError(errors)
    sequence = _parse_sequence(body, number)
    if upload is not None:
        files.check_upload(upload)  # refuse a bad file before a number is spent
    document = Document(
        body=body, meeting=meeting, scope=0, sequence=sequence or 1, number=format_number(body, sequence or 1, 1),
        kind=kind, title=title, source=source, document_date=document_date or timezone.localdate(), access=access_level,
        is_illustrative=is_illustrative, registered_by=actor,
    )
    # The related rows are instances already in hand: no need for a query each to check they exist.
    document.full_clean(exclude=["body", "meeting", "registered_by"], validate_constraints=False, validate_unique=False)
    # The file is checked and written to storage before the number is taken: the counter's row
    # lock is held from the number to the commit, so nothing slow may happen in between.
    stored = _store_file(document, upload, actor) if upload is not None else None
    try:
        return _register_numbered(document, meeting, sequence, stored, actor)
    except BaseException:
        if stored is not None:  # nothing was registered: the file written beforehand goes too
            stored.file.delete(save=False)
        raise


@transaction.atomic
def _register_numbered(document: Document, meeting: Meeting | None, sequence: int | None,
                       stored: DocumentFile | None, actor: User | None) -> Document:
    """Allocate the number and save the rows, in one transaction (the counter is locked from the
    allocation to the commit, so the body's other registrations wait that long)."""
    document.scope, document.sequence, document.number = allocate_number(body=document.body, meeting=meeting, sequence=sequence)
    if sequence is None:
        document.save(force_insert=True)  # the locked counter guarantees the number is free
    else:
        try:
            with transaction.atomic():
                document.save(force_insert=True)
        except IntegrityError as exc:  # a hand-typed number raced another writer: the constraint caught it
            raise ValidationError({"number": _("%(n)s was taken a moment ago. Try again.") % {"n": document.number}}) from exc
    DocumentRevision.objects.create(document=document, revision=0, title=document.title,
                                    document_date=document.document_date, created_by=document.registered_by)
    if stored is not None:
        stored.document = document
        stored.save()
    audit.record(actor=actor, action="document.registered", target=document)
    return document


@transaction.atomic
def document_revise(
    *, actor: User | None, document: Document, note: str, title: str = "", document_date: date | None = None, upload: Any = None,
) -> Document:
    """Issue the next revision (Rev.1, Rev.2…) under the same number."""
    document = Document.objects.select_for_update(of=("self",)).select_related("body").get(pk=document.pk)
    if actor is not None and not (selectors.can_manage(actor, document.body) or access.can_write(actor, document)):
        raise PermissionDenied
    if document.is_withdrawn:
        raise ValidationError({"document": _("%(doc)s was withdrawn on %(on)s; a withdrawn document cannot be revised. "
                                             "Register a new document instead.") % {"doc": document.number, "on": document.withdrawn_on}})
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what changed in this revision.")})
    if upload is not None:
        files.check_upload(upload)
    before = audit.snapshot(document, ["revision", "title", "document_date"])
    document.revision += 1
    if title.strip():
        document.title = " ".join(title.split())
    document.document_date = document_date or timezone.localdate()
    document.save(update_fields=["revision", "title", "document_date"])
    DocumentRevision.objects.create(document=document, revision=document.revision, title=document.title,
                                    document_date=document.document_date, note=note.strip(),
                                    created_by=actor)
    if upload is not None:
        _attach_file(document, upload, actor)
    audit.record(actor=actor, action="document.revised", target=document, before=before)
    return document


@transaction.atomic
def document_file_add(*, actor: User | None, document: Document, upload: Any) -> DocumentFile:
    """Add a file (e.g. another format) to the current revision."""
    if actor is not None and not (selectors.can_manage(actor, document.body) or access.can_write(actor, document)):
        raise PermissionDenied
    if document.is_withdrawn:
        raise ValidationError({"document": _("%(doc)s is withdrawn.") % {"doc": document.number}})
    stored = _attach_file(document, upload, actor)
    audit.record(actor=actor, action="document.file_added", target=document, changes={"file": [None, stored.original_name]})
    return stored


@transaction.atomic
def document_withdraw(*, actor: User | None, document: Document, reason: str, on: date | None = None) -> Document:
    """Withdraw a document. It keeps its number, which is never given to another document."""
    _require_manage(actor, document.body)
    if document.is_withdrawn:
        raise ValidationError({"document": _("%(doc)s is already withdrawn.") % {"doc": document.number}})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the document is withdrawn.")})
    before = audit.snapshot(document, ["is_withdrawn", "withdrawn_on", "withdrawn_reason"])
    document.is_withdrawn = True
    document.withdrawn_on = on or timezone.localdate()
    document.withdrawn_reason = reason.strip()
    document.save(update_fields=["is_withdrawn", "withdrawn_on", "withdrawn_reason"])
    audit.record(actor=actor, action="document.withdrawn", target=document, before=before)
    return document


@transaction.atomic
def meeting_material_upload(
    *, actor: User | None, meeting: Meeting, upload: Any, title: str, source: str, kind: str = Document.Kind.CONTRIBUTION,
    access_level: str = Document.Access.PUBLIC, agenda_item: int | None = None,
) -> Document:
    """The materials door for chairs' scripts: register a document with its file at a meeting."""
    if upload is None:
        raise ValidationError({"file": _("Attach the file to upload.")})
    item = None
    if agenda_item is not None:  # checked before the number is taken (from then on the body's registrations wait)
        item = meeting.agenda_items.filter(number=agenda_item).first()
        if item is None:
            raise ValidationError({"agenda_item": _("The %(m)s meeting has no agenda item %(n)s.") % {
                "m": ordinal_label(meeting.ordinal), "n": agenda_item}})
    document = document_register(actor=actor, body=meeting.body, meeting=meeting, title=title, source=source, kind=kind,
                                 access_level=access_level, upload=upload, document_date=timezone.localdate())
    if item is not None:
        item.documents.add(document)
    if kind == Document.Kind.REPORT and meeting.report_document_id is None:
        meeting.report_document = document
        meeting.save(update_fields=["report_document"])
    return document


# --- Liaison statements ---------------------------------------------------------------------

def _check_recipients(from_body: Body, recipients: list[dict], reference_day: date) -> list[str]:
    messages, seen = [], set()
    if not recipients:
        messages.append(_("Add at least one recipient body."))
    for r in recipients:
        body, purpose, deadline = r.get("body"), r.get("purpose"), r.get("deadline")
        if body is None:
            messages.append(_("Choose a recipient body."))
            continue
        if body.pk == from_body.pk:
            messages.append(_("%(b)s is the sender: a body does not send a liaison to itself.") % {"b": body})
        if body.pk in seen:
            messages.append(_("%(b)s is listed twice.") % {"b": body})
        seen.add(body.pk)
        if purpose not in LiaisonRecipient.Purpose.values:
            messages.append(_("Choose for action, for comment or for information for %(b)s.") % {"b": body})
        if purpose == LiaisonRecipient.Purpose.ACTION and deadline is None:
            messages.append(_("%(b)s is asked for action: give a deadline.") % {"b": body})
        if deadline is not None and deadline < reference_day:
            messages.append(_("The deadline for %(b)s (%(d)s) is in the past: it must be on or after %(ref)s.")
                            % {"b": body, "d": deadline, "ref": reference_day})
    return messages


def _mail_max_bytes() -> int:
    """The most a liaison's attachments may weigh together: mail servers refuse big messages, and base64 adds a third."""
    return int(getattr(settings, "COORDINATION_LIAISON_MAIL_MAX_BYTES", 18 * 1024 * 1024))


def _max_attempts() -> int:
    return max(1, int(getattr(settings, "COORDINATION_LIAISON_ATTEMPTS", 4)))


def _delivery_backoff(attempts: int) -> timedelta:
    """The wait before the next try: ``COORDINATION_LIAISON_RETRY_SECONDS`` [60], doubling, at most 6 hours."""
    base = int(getattr(settings, "COORDINATION_LIAISON_RETRY_SECONDS", 60))
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), 6 * 3600))


def _too_heavy(total: int) -> str:
    return _("The attachments come to %(size).1f MB together; a liaison can carry at most %(limit).0f MB by e-mail. "
             "Attach fewer or smaller files, or link to the documents in the text.") % {
        "size": total / 1048576, "limit": _mail_max_bytes() / 1048576}


def _current_files(documents: list[Document]) -> list[DocumentFile]:
    """The files of each document's current revision: what a liaison's e-mail carries."""
    revision = {d.pk: d.revision for d in documents}
    return [f for f in DocumentFile.objects.filter(document__in=list(revision)).order_by("document_id", "pk")
            if f.revision == revision[f.document_id]]


@transaction.atomic
def liaison_create(
    *, actor: User | None, from_body: Body, subject: str, recipients: list[dict], from_meeting: Meeting | None = None,
    reply_to: LiaisonStatement | None = None, attachments: list[Document] | None = None,
    uploads: list[Any] | None = None, attachment_access: str = Document.Access.PUBLIC,
    send: bool = False, sent_on: date | None = None, deliver: bool = True, **fields: Any,
) -> LiaisonStatement:
    """Draft (or draft and send) a liaison to one or more bodies, each with its purpose and deadline.

    ``recipients``: ``[{"body": Body, "purpose": "action"|"comment"|"information", "deadline": date|None}]``.
    ``uploads`` (files from the form) are checked by their content, registered in the sender's registry as
    liaison documents (``attachment_access``) and attached, with any registered ``attachments``.
    """
    _require_manage(actor, from_body)
    errors: dict[str, Any] = {}
    subject = " ".join((subject or "").split())
    if not subject:
        errors["subject"] = _("Give the liaison a subject.")
    if from_meeting is not None and from_meeting.body_id != from_body.pk:
        errors["from_meeting"] = _("Choose a meeting of %(b)s.") % {"b": from_body}
    reference_day = sent_on or timezone.localdate()
    recipient_errors = _check_recipients(from_body, recipients, reference_day)
    if recipient_errors:
        errors["recipients"] = recipient_errors
    if not fields.get("contact_person") and not fields.get("contact_email"):
        errors["contact_email"] = _("Give a contact person or a contact e-mail address.")
    uploads = [u for u in uploads or [] if u is not None]
    if uploads:
        file_errors = []
        for upload in uploads:  # every file checked before anything is registered: a refusal spends no number
            try:
                files.check_upload(upload)
            except ValidationError as exc:
                file_errors.extend(exc.messages)
        if file_errors:
            errors["uploads"] = file_errors
        if from_body.number_style == Body.NumberStyle.MEETING and from_meeting is None:
            errors["from_meeting"] = _("%(b)s numbers its documents per meeting: choose the meeting that agreed the "
                                       "liaison, so its files can be registered.") % {"b": from_body}
        if attachment_access not in Document.Access.values:
            errors["attachment_access"] = _("Choose who may read the attached files: everyone or members only.")
        total = sum(u.size for u in uploads) + sum(f.size for f in _current_files(list(attachments or [])))
        if total > _mail_max_bytes() and "uploads" not in errors:
            errors["uploads"] = [_too_heavy(total)]
    if errors:
        raise ValidationError(errors)
    reply = _("Reply to")
    if reply_to is not None and not subject.lower().startswith((reply.lower(), "reply to")):
        subject = f"{reply} {reply_to.reference or reply_to.subject}: {subject}"[:300]
    documents = list(attachments or [])
    for upload in uploads:
        stem = files.check_upload(upload).original_name.rsplit(".", 1)[0]
        documents.append(document_register(
            actor=actor, body=from_body, meeting=from_meeting, kind=Document.Kind.LIAISON,
            title=(_("%(subject)s (attachment: %(name)s)") % {"subject": subject, "name": stem})[:400],
            source=from_body.short_name, access_level=attachment_access, upload=upload))

    def write_recipients(liaison: LiaisonStatement) -> None:
        for r in recipients:
            LiaisonRecipient.objects.create(liaison=liaison, body=r["body"], purpose=r["purpose"],
                                            deadline=r.get("deadline"))

    # Any registered document may be attached: a parent body often forwards its child's (DOC047 with SG17's LS).
    liaison = save_audited(LiaisonStatement(from_body=from_body, from_meeting=from_meeting, subject=subject,
                                            reply_to=reply_to, created_by=actor),
                           actor=actor, action="liaison.created", fields=fields, allowed=LIAISON_FIELDS,
                           m2m={"attachments": documents or None}, after=write_recipients)
    if send:
        liaison_send(actor=actor, liaison=liaison, sent_on=sent_on, deliver=deliver)
    return liaison


@transaction.atomic
def liaison_send(*, actor: User | None, liaison: LiaisonStatement, sent_on: date | None = None,
                 deliver: bool = True) -> LiaisonStatement:
    """Send a draft. It awaits a reply when a recipient is asked for action or comment.

    Each recipient body is e-mailed at its address for liaison statements, with the attached
    documents, by the worker (``tasks.deliver_liaison`` after the commit; its delivery status is on the
    recipient row). A body without an address refuses the sending. ``deliver=False`` records a liaison
    that was sent some other way (older liaisons, the demo): nothing is mailed.
    """
    _require_manage(actor, liaison.from_body)
    if liaison.status != LiaisonStatement.Status.DRAFT:
        raise ValidationError({"status": _("Only a draft can be sent; this liaison is %(s)s.") % {"s": liaison.get_status_display()}})
    sent_on = sent_on or timezone.localdate()
    recipients = list(liaison.recipients.select_related("body"))
    problems = _check_recipients(liaison.from_body,
                                 [{"body": r.body, "purpose": r.purpose, "deadline": r.deadline} for r in recipients], sent_on)
    if deliver:
        for r in recipients:
            if not r.body.contact_email:
                problems.append(_("%(b)s has no address for liaison statements, so it cannot be e-mailed: add one on "
                                  "%(b)s's page (Edit the body) and send again.") % {"b": r.body.short_name})
        total = sum(f.size for f in _current_files(list(liaison.attachments.all())))
        if total > _mail_max_bytes():
            problems.append(_too_heavy(total))
    if problems:
        raise ValidationError({"recipients": problems})
    before = audit.snapshot(liaison, ["status", "sent_on"])
    wants_reply = any(r.purpose != LiaisonRecipient.Purpose.INFORMATION for r in recipients)
    liaison.status = LiaisonStatement.Status.AWAITING_REPLY if wants_reply else LiaisonStatement.Status.SENT
    liaison.sent_on = sent_on
    liaison.save(update_fields=["status", "sent_on"])
    if liaison.reply_to and liaison.reply_to.status in (LiaisonStatement.Status.SENT, LiaisonStatement.Status.AWAITING_REPLY):
        original = liaison.reply_to
        original_before = audit.snapshot(original, ["status"])
        original.status = LiaisonStatement.Status.ANSWERED
        original.save(update_fields=["status"])
        audit.record(actor=actor, action="liaison.answered", target=original, before=original_before)
    changes = audit.diff(before, audit.snapshot(liaison, ["status", "sent_on"]))
    if deliver:
        now = timezone.now()
        for r in recipients:
            _queue_delivery(r, now)
        changes["e-mailed to"] = [None, {r.body.short_name: r.body.contact_email for r in recipients}]
    audit.record(actor=actor, action="liaison.sent", target=liaison, changes=changes)
    return liaison


def _queue_delivery(recipient: LiaisonRecipient, now: datetime) -> None:
    from . import tasks

    LiaisonRecipient.objects.filter(pk=recipient.pk).update(
        delivery_status=LiaisonRecipient.Delivery.QUEUED, delivery_error="", delivered_to=recipient.body.contact_email,
        delivery_queued_at=now, delivered_at=None, next_attempt_at=None)
    transaction.on_commit(partial(tasks.deliver_liaison.enqueue, recipient_id=recipient.pk))


@transaction.atomic
def liaison_delivery_retry(*, actor: User | None, recipient: LiaisonRecipient) -> LiaisonRecipient:
    """Try a failed e-mail again (after the address was corrected, say): queued anew, with a fresh round of attempts."""
    recipient = LiaisonRecipient.objects.select_for_update(of=("self",)).select_related(
        "liaison", "liaison__from_body", "body").get(pk=recipient.pk)
    _require_manage(actor, recipient.liaison.from_body)
    if recipient.delivery_status != LiaisonRecipient.Delivery.FAILED:
        raise ValidationError({"delivery": _("Only a failed e-mail can be tried again; this one is %(s)s.") % {
            "s": recipient.get_delivery_status_display() or _("not e-mailed")}})
    if not recipient.body.contact_email:
        raise ValidationError({"delivery": _("%(b)s has no address for liaison statements: add one on its page first.")
                               % {"b": recipient.body.short_name}})
    attempts = recipient.delivery_attempts
    _queue_delivery(recipient, timezone.now())
    LiaisonRecipient.objects.filter(pk=recipient.pk).update(delivery_attempts=0)
    recipient.refresh_from_db()
    audit.record(actor=actor, action="liaison.delivery_retried", target=recipient.liaison,
                 changes={"recipient": [None, recipient.body.short_name], "delivery": ["failed", "queued"],
                          "attempts before": [attempts, 0]})
    return recipient


def _mail_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rsplit("@", 1)[-1] if "@" in address else "tutela.invalid"


def liaison_message(recipient: LiaisonRecipient) -> EmailMessage:
    """The e-mail one recipient body gets: who sends what for which purpose, the text, the documents attached."""
    liaison = recipient.liaison
    documents = list(liaison.attachments.order_by("number"))
    attached = _current_files(documents)
    purpose = recipient.get_purpose_display().lower()
    subject = _("Liaison statement from %(sender)s: %(subject)s") % {"sender": liaison.from_body.short_name,
                                                                      "subject": liaison.subject}
    if liaison.reference:
        subject = f"{liaison.reference} — {subject}"
    lines = [_("%(sender)s sends %(body)s this liaison statement %(purpose)s.") % {
        "sender": liaison.from_body.name, "body": recipient.body.name, "purpose": purpose}]
    if recipient.deadline:
        lines.append(_("A reply is asked for by %(deadline)s.") % {"deadline": date_format(recipient.deadline, "DATE_FORMAT")})
    facts = [(_("Subject"), liaison.subject), (_("Reference"), liaison.reference),
             (_("Agreed at"), str(liaison.from_meeting) if liaison.from_meeting else ""),
             (_("In reply to"), (liaison.reply_to.reference or liaison.reply_to.subject) if liaison.reply_to else ""),
             (_("Approval"), liaison.approval),
             (_("Contact"), ", ".join(a for a in [liaison.contact_person.public_label() if liaison.contact_person else "",
                                                  liaison.contact_email] if a))]
    lines.append("")
    lines.extend(f"{label}: {value}" for label, value in facts if value)
    if liaison.body_text:
        lines.extend(["", liaison.body_text])
    if documents:
        names = {f.document_id: f.original_name for f in attached}
        lines.extend(["", _("Documents:")])
        for d in documents:
            lines.append(f"- {d.label} — {d.title}" + (f" ({names[d.pk]})" if d.pk in names else
                                                       " " + _("(no file registered)")))
    lines.extend(["", _("On the web: %(url)s") % {"url": _absolute(f"/coordination/liaisons/{liaison.pk}/")}])
    reply_to = [a for a in [liaison.contact_email,
                            liaison.contact_person.email if liaison.contact_person else ""] if a]
    message = EmailMessage(subject=subject, body="\n".join(lines) + "\n", to=[recipient.delivered_to or recipient.body.contact_email],
                           reply_to=reply_to or None,
                           headers={"Message-ID": f"<liaison-{liaison.pk}.{recipient.pk}@{_mail_domain()}>"})
    for f in attached:
        with f.file.open("rb") as fh:
            message.attach(f.original_name, fh.read(), f.content_type)
    return message


def _permanent(exc: Exception) -> bool:
    """A 5xx answer: the server will refuse this message again (no such mailbox, too big)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600


def _smtp_error(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reason = next(iter(exc.recipients.values()), (0, b""))
        return f"{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}"
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        return f"{exc.smtp_code} {error.decode(errors='replace') if isinstance(error, bytes) else error}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def liaison_delivery_send(*, recipient_id: int) -> LiaisonRecipient | None:
    """The worker's half: e-mail one recipient body, once, and record the outcome on its row.

    A refusal for good (5xx) fails at once; anything else (server down, 4xx) is tried again after
    ``_delivery_backoff`` (deferred task where the backend can defer, else the worker's sweep,
    ``deliveries_sweep``), at most ``COORDINATION_LIAISON_ATTEMPTS`` [4] times, then fails with the
    error and the number of attempts. The row is locked while the mail goes out, so two workers
    never both send it; the Message-ID is fixed per recipient, so a copy sent twice (a worker killed
    between the server's answer and the commit) is recognisable as one.
    """
    retry_at = None
    with transaction.atomic():
        recipient = (LiaisonRecipient.objects.select_for_update(of=("self",))
                     .select_related("liaison", "liaison__from_body", "liaison__from_meeting", "liaison__reply_to",
                                     "liaison__contact_person", "body").filter(pk=recipient_id).first())
        Delivery = LiaisonRecipient.Delivery
        if recipient is None or recipient.delivery_status not in (Delivery.QUEUED, Delivery.RETRYING):
            return recipient
        now = timezone.now()
        if recipient.delivery_status == Delivery.RETRYING and recipient.next_attempt_at and recipient.next_attempt_at > now:
            return recipient  # not due yet: the deferred task or the sweep brings it back
        was = recipient.delivery_status
        recipient.delivery_attempts += 1
        try:
            liaison_message(recipient).send()
        except (OSError, smtplib.SMTPException) as exc:
            recipient.delivery_error = _smtp_error(exc)[:500]
            if _permanent(exc) or recipient.delivery_attempts >= _max_attempts():
                recipient.delivery_status, recipient.next_attempt_at = Delivery.FAILED, None
            else:
                recipient.delivery_status = Delivery.RETRYING
                recipient.next_attempt_at = retry_at = now + _delivery_backoff(recipient.delivery_attempts)
            action = "liaison.delivery_failed"
        else:
            recipient.delivery_status, recipient.delivered_at = Delivery.SENT, timezone.now()
            recipient.delivery_error, recipient.next_attempt_at = "", None
            action = "liaison.delivered"
        recipient.save(update_fields=["delivery_status", "delivery_attempts", "delivery_error", "delivered_at",
                                      "next_attempt_at"])
        changes = {"recipient": [None, f"{recipient.body.short_name} <{recipient.delivered_to}>"],
                   "delivery": [was, recipient.delivery_status], "attempt": [None, recipient.delivery_attempts]}
        if recipient.delivery_error:
            changes["error"] = [None, recipient.delivery_error]
        audit.record(actor=None, action=action, target=recipient.liaison, changes=changes)
    if retry_at is not None:
        _enqueue_delivery_at(recipient.pk, retry_at)
    return recipient


def _enqueue_delivery_at(recipient_id: int, when: datetime) -> None:
    """Queue the next try for later where the task backend can defer; otherwise the worker's sweep
    (``deliveries_sweep``, every few heartbeats) starts it when it is due."""
    from django.tasks import default_task_backend

    from . import tasks

    if default_task_backend.supports_defer:
        tasks.deliver_liaison.using(run_after=when).enqueue(recipient_id=recipient_id)


def deliveries_sweep() -> int:
    """E-mails whose next try is due (the task backend could not defer them, or their task was lost): queued again."""
    from . import tasks

    due = list(LiaisonRecipient.objects.filter(delivery_status=LiaisonRecipient.Delivery.RETRYING,
                                               next_attempt_at__lte=timezone.now()).values_list("pk", flat=True)[:500])
    for pk in due:
        tasks.deliver_liaison.enqueue(recipient_id=pk)
    return len(due)


@transaction.atomic
def liaison_close(*, actor: User | None, liaison: LiaisonStatement) -> LiaisonStatement:
    _require_manage(actor, liaison.from_body)
    if liaison.status == LiaisonStatement.Status.DRAFT:
        raise ValidationError({"status": _("A draft is not closed: send it, or leave it as a draft.")})
    before = audit.snapshot(liaison, ["status"])
    liaison.status = LiaisonStatement.Status.CLOSED
    liaison.save(update_fields=["status"])
    audit.record(actor=actor, action="liaison.closed", target=liaison, before=before)
    return liaison


def reminder_recipients(recipient: LiaisonRecipient) -> list[str]:
    """Who is reminded: the liaison's contact, and the chairs of the body that owes the action."""
    liaison = recipient.liaison
    addresses = []
    if liaison.contact_email:
        addresses.append(liaison.contact_email)
    if liaison.contact_person and liaison.contact_person.email:
        addresses.append(liaison.contact_person.email)
    for appointment in selectors.chairs_of(recipient.body):
        if appointment.person.email:
            addresses.append(appointment.person.email)
    unique: dict[str, str] = {}
    for a in addresses:
        unique.setdefault(a.lower(), a)
    return list(unique.values())


@transaction.atomic
def liaison_reminder_send(*, recipient: LiaisonRecipient, today: date | None = None) -> bool:
    """Mail a deadline reminder for one recipient, once. Returns whether a mail went out."""
    recipient = (
        LiaisonRecipient.objects.select_for_update(of=("self",)).select_related("liaison", "liaison__from_body", "body",
                                                                   "liaison__contact_person").get(pk=recipient.pk)
    )
    today = today or timezone.localdate()
    if recipient.reminder_sent_on is not None or not recipient.liaison.is_open or recipient.deadline is None:
        return False
    to = reminder_recipients(recipient)
    if not to:
        return False
    liaison = recipient.liaison
    days = recipient.days_to_deadline(today)
    subject = _("Reminder: %(body)s's reply to “%(subject)s” is due on %(deadline)s") % {
        "body": recipient.body, "subject": liaison.subject, "deadline": recipient.deadline}
    text = _(
        "The liaison statement “%(subject)s” from %(sender)s (%(ref)s) asks %(body)s %(purpose)s by %(deadline)s, "
        "in %(days)s days.\n\nSee it at %(url)s\n"
    ) % {"subject": liaison.subject, "sender": liaison.from_body, "ref": liaison.reference or "—", "body": recipient.body,
         "purpose": recipient.get_purpose_display().lower(), "deadline": recipient.deadline, "days": days,
         "url": _absolute(f"/coordination/liaisons/{liaison.pk}/")}
    send_mail(subject, text, None, to)
    recipient.reminder_sent_on = today
    recipient.save(update_fields=["reminder_sent_on"])
    audit.record(actor=None, action="liaison.reminder_sent", target=liaison,
                 changes={"reminded": [None, {"recipient": str(recipient.body), "to": to}]})
    return True


def _absolute(path: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}{path}"


def liaison_reminders_schedule(*, today: date | None = None, days: int = REMINDER_DAYS) -> int:
    """Enqueue one reminder task per recipient whose action deadline is near. Returns how many."""
    from . import tasks

    ids = list(selectors.reminders_due(today, days).values_list("pk", flat=True))
    for pk in ids:
        transaction.on_commit(partial(tasks.send_liaison_reminder.enqueue, recipient_id=pk))
    return len(ids)


@transaction.atomic
def organisation_replaced(*, actor: Actor, old: Organisation, new: Organisation) -> dict[str, int]:
    """``old``'s memberships of bodies are ``new``'s (a merge), audited; a membership ``new``
    already holds on the same body (for the same person) is kept and ``old``'s removed."""
    doubled = BodyMembership.objects.filter(organisation=old).filter(
        Exists(BodyMembership.objects.filter(body=OuterRef("body"), person=OuterRef("person"), organisation=new))
    )
    for membership in doubled.select_related("body"):
        audit.record(actor=actor, action="body.membership_removed", target=membership.body,
                     changes={"memberships": [str(old), None]})
        membership.delete()
    moved = repoint(actor=actor, rows=BodyMembership.objects.filter(organisation=old), field="organisation", new=new,
                    action="membership.organisation_replaced")
    return {"coordination.BodyMembership.organisation": moved} if moved else {}
