"""API for coordination: bodies, meetings, the registry, liaisons, the dashboard and a materials door.

Reads follow the same access rules as the pages (members-only documents answer 404 to the
public); writes call the same services, so a chair's script gets the same checks and messages.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from tutela.core import access
from tutela.core.api import ERRORS, SIGNED_IN, ApiRequest, DbInt, Id, SignedInApiRequest
from tutela.core.pagination import keyset_page

from . import selectors, services
from .models import ActionItem, Body, Document, LiaisonRecipient, LiaisonStatement, Meeting

router = Router(tags=["coordination"])
MAX_LIMIT = 200


# --- Schemas ----------------------------------------------------------------------------------

class BodyItem(Schema):
    id: int
    slug: str
    short_name: str
    name: str
    kind: str
    parent: str | None = Field(None, description="The parent body's slug")
    status: str
    lifecycle: str = Field(description="active, expired (past its end without extension) or closed")
    established_on: date | None
    ends_on: date | None


class ChairOut(Schema):
    name: str
    role: str
    starts_on: date | None
    ends_on: date | None


class MemberOut(Schema):
    organisation: str | None
    person: str | None
    role: str
    represents: str


class TorOut(Schema):
    document_id: int
    number: str
    title: str
    approved_by: str
    approved_on: date
    current: bool


class ExtensionOut(Schema):
    decided_on: date
    meeting: str | None
    decided_by: str | None
    previous_end: date | None
    new_end: date
    reason: str


class BodyOut(BodyItem):
    mandate: str
    description: str
    number_style: str
    number_prefix: str
    number_padding: int
    chairs: list[ChairOut]
    members: list[MemberOut]
    terms_of_reference: list[TorOut]
    extensions: list[ExtensionOut]


class BodyPage(Schema):
    items: list[BodyItem]
    next: str | None


class BodyIn(Schema):
    short_name: str
    name: str
    kind: str = Body.Kind.OTHER
    parent: str | None = Field(None, description="Parent body's slug")
    established_on: date | None = None
    ends_on: date | None = None
    mandate: str = ""
    number_style: str = Body.NumberStyle.SEQUENCE
    number_prefix: str | None = Field(None, description="Defaults to '<short name> DOC'")
    number_padding: DbInt = 3
    document_start: DbInt = 1
    meetings_before_registry: DbInt = 0


class ExtensionIn(Schema):
    new_end: date
    decided_on: date
    reason: str
    meeting: Id | None = Field(None, description="Ordinal of the meeting where it was decided")
    decided_by: str | None = Field(None, description="Slug of the deciding body")


class MeetingItem(Schema):
    id: int
    body: str
    ordinal: int
    label: str
    status: str
    starts_on: date
    ends_on: date
    place: str
    is_remote: bool
    is_illustrative: bool


class AgendaOut(Schema):
    number: int
    title: str
    documents: list[str]


class DecisionOut(Schema):
    number: int
    kind: str
    text: str


class ActionOut(Schema):
    number: int
    text: str
    owner: str
    due_on: date | None
    status: str


class DocumentItem(Schema):
    id: int
    body: str
    number: str
    revision: int
    label: str
    title: str
    source: str
    kind: str
    document_date: date
    meeting: int | None = Field(None, description="The meeting's ordinal")
    access: str
    is_withdrawn: bool
    is_illustrative: bool


class MeetingOut(MeetingItem):
    summary: str
    participant_count: int | None
    report_document_id: int | None
    agenda: list[AgendaOut]
    decisions: list[DecisionOut]
    actions: list[ActionOut]
    attendance: list[str]
    documents: list[DocumentItem]


class MeetingPage(Schema):
    items: list[MeetingItem]
    next: str | None


class MeetingIn(Schema):
    starts_on: date
    ends_on: date | None = None
    status: str = Meeting.Status.PLANNED
    city: str = ""
    venue: str = ""
    is_remote: bool = False
    summary: str = ""
    confirm_outside_lifetime: bool = Field(False, description="Set after a 422 warning that the body's lifetime has ended")


class AgendaIn(Schema):
    title: str
    document_ids: list[Id] = []


class DecisionIn(Schema):
    text: str
    kind: str = "agreement"


class ActionIn(Schema):
    text: str
    owner: str
    due_on: date | None = None


class FileOut(Schema):
    id: int
    name: str
    type: str
    size: int
    sha256: str
    revision: int
    url: str


class RevisionOut(Schema):
    revision: int
    title: str
    document_date: date
    note: str


class DocumentOut(DocumentItem):
    withdrawn_on: date | None
    withdrawn_reason: str
    files: list[FileOut]
    revisions: list[RevisionOut]


class DocumentPage(Schema):
    items: list[DocumentItem]
    next: str | None


class WithdrawIn(Schema):
    reason: str


class RecipientIn(Schema):
    body: str = Field(description="Recipient body's slug")
    purpose: str = Field(description="action, comment or information")
    deadline: date | None = Field(None, description="Required for action; not in the past")


class RecipientOut(Schema):
    body: str
    purpose: str
    deadline: date | None
    days_to_deadline: int | None


class LiaisonIn(Schema):
    from_body: str = Field(description="Sending body's slug")
    subject: str
    recipients: list[RecipientIn]
    from_meeting: Id | None = None
    reply_to: Id | None = None
    reference: str = ""
    body_text: str = ""
    contact_email: str = ""
    approval: str = ""
    attachment_ids: list[Id] = []
    send: bool = False


class LiaisonItem(Schema):
    id: int
    reference: str
    subject: str
    from_body: str
    from_meeting: int | None
    status: str
    sent_on: date | None
    reply_to: int | None
    recipients: list[RecipientOut]
    is_illustrative: bool


class LiaisonOut(LiaisonItem):
    body_text: str
    contact: str
    approval: str
    attachments: list[DocumentItem]


class LiaisonPage(Schema):
    items: list[LiaisonItem]
    next: str | None


class DashboardDeadline(Schema):
    liaison_id: int
    subject: str
    other_body: str
    purpose: str
    deadline: date | None
    days_to_deadline: int | None


class DashboardAction(Schema):
    meeting: str
    number: int
    text: str
    owner: str
    due_on: date | None


class DashboardOut(Schema):
    bodies: list[str]
    actions: list[DashboardAction]
    owed_replies: list[DashboardDeadline]
    awaiting_replies: list[DashboardDeadline]
    upcoming_meetings: list[MeetingItem]
    new_documents: list[DocumentItem]
    lifetime_ending: list[BodyItem]


# --- Serialisers ------------------------------------------------------------------------------

def _body_item(b: Body) -> dict:
    return {"id": b.pk, "slug": b.slug, "short_name": b.short_name, "name": b.name, "kind": b.kind,
            "parent": b.parent.slug if b.parent else None, "status": b.status, "lifecycle": b.lifecycle,
            "established_on": b.established_on, "ends_on": b.ends_on}


def _meeting_item(m: Meeting) -> dict:
    return {"id": m.pk, "body": m.body.slug, "ordinal": m.ordinal, "label": str(m), "status": m.status,
            "starts_on": m.starts_on, "ends_on": m.ends_on, "place": m.place, "is_remote": m.is_remote,
            "is_illustrative": m.is_illustrative}


def _document_item(d: Document) -> dict:
    return {"id": d.pk, "body": d.body.slug, "number": d.number, "revision": d.revision, "label": d.label,
            "title": d.title, "source": d.source, "kind": d.kind, "document_date": d.document_date,
            "meeting": d.meeting.ordinal if d.meeting else None, "access": d.access, "is_withdrawn": d.is_withdrawn,
            "is_illustrative": d.is_illustrative}


def _document_out(request: ApiRequest, d: Document) -> dict:
    from django.urls import reverse

    return {
        **_document_item(d), "withdrawn_on": d.withdrawn_on, "withdrawn_reason": d.withdrawn_reason,
        "files": [{"id": f.pk, "name": f.original_name, "type": f.file_type, "size": f.size, "sha256": f.sha256,
                   "revision": f.revision,
                   "url": request.build_absolute_uri(reverse("coordination:document_download", args=[d.pk, f.pk]))}
                  for f in d.files.all()],
        "revisions": [{"revision": r.revision, "title": r.title, "document_date": r.document_date, "note": r.note}
                      for r in d.revisions.all()],
    }


def _recipient(r: LiaisonRecipient) -> dict:
    return {"body": r.body.slug, "purpose": r.purpose, "deadline": r.deadline,
            "days_to_deadline": r.days_to_deadline() if r.liaison.is_open else None}


def _liaison_item(ls: LiaisonStatement) -> dict:
    return {"id": ls.pk, "reference": ls.reference, "subject": ls.subject, "from_body": ls.from_body.slug,
            "from_meeting": ls.from_meeting.ordinal if ls.from_meeting else None, "status": ls.status,
            "sent_on": ls.sent_on, "reply_to": ls.reply_to_id, "is_illustrative": ls.is_illustrative,
            "recipients": [_recipient(r) for r in ls.recipients.all()]}


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


def _body(request: ApiRequest, slug: str) -> Body:
    return selectors.body_for(request.user, slug)


def _meeting(request: ApiRequest, slug: str, ordinal: Id) -> Meeting:
    return selectors.meeting_for(request.user, _body(request, slug), ordinal)


def _meeting_by_ordinal(body: Body, ordinal: int | None) -> Meeting | None:
    if ordinal is None:
        return None
    meeting = body.meetings.filter(ordinal=ordinal).first()
    if meeting is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"meeting": f"{body} has no meeting number {ordinal}."})
    return meeting


def _documents(request: ApiRequest, ids: list[int], field: str) -> list:
    """The documents ``ids`` names, in order; an id that is unknown (or unreadable) is a 422 naming ``field``."""
    found = {d.pk: d for d in selectors.readable_documents(request.auth).filter(pk__in=ids)}
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise ValidationError({field: f"No document with id {', '.join(unknown)}."})
    return [found[pk] for pk in dict.fromkeys(ids)]


def _body_by_slug(slug: str | None, field: str) -> Body | None:
    if not slug:
        return None
    body = Body.objects.filter(slug=slug).first()
    if body is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({field: f"No body with the address “{slug}”."})
    return body


# --- Bodies -----------------------------------------------------------------------------------

@router.get("/bodies", response={200: BodyPage, **ERRORS}, summary="List bodies")
def body_list(request: ApiRequest, after: str | None = None, limit: DbInt = 50):
    qs = access.readable(request.user, Body.objects.select_related("parent"))
    page = keyset_page(qs, ordering=["short_name", "id"], cursor=after, size=_limit(limit))
    return {"items": [_body_item(b) for b in page.items], "next": page.next_cursor}


@router.get("/bodies/{slug}", response={200: BodyOut, **ERRORS}, summary="A body with chairs, members, ToR and lifetime")
def body_detail(request: ApiRequest, slug: str):
    b = _body(request, slug)
    tors = list(b.terms_of_reference.select_related("document", "approved_by"))
    return {
        **_body_item(b), "mandate": b.mandate, "description": b.description, "number_style": b.number_style,
        "number_prefix": b.number_prefix, "number_padding": b.number_padding,
        "chairs": [{"name": str(a.person.public_label()), "role": a.role, "starts_on": a.starts_on, "ends_on": a.ends_on}
                   for a in selectors.chairs_of(b)],
        "members": [{"organisation": str(m.organisation) if m.organisation_id else None,
                     "person": str(m.person.public_label()) if m.person else None, "role": m.role,
                     "represents": m.represents} for m in b.memberships.select_related("organisation", "person")],
        "terms_of_reference": [{"document_id": t.document_id, "number": t.document.label, "title": t.document.title,
                                "approved_by": t.approver, "approved_on": t.approved_on, "current": i == 0}
                               for i, t in enumerate(tors)],
        "extensions": [{"decided_on": e.decided_on, "meeting": str(e.meeting) if e.meeting_id else None,
                        "decided_by": e.decided_by.slug if e.decided_by else None, "previous_end": e.previous_end,
                        "new_end": e.new_end, "reason": e.reason}
                       for e in b.extensions.select_related("meeting", "meeting__body", "decided_by")],
    }


@router.post("/bodies", response={201: BodyItem, **ERRORS}, auth=SIGNED_IN, summary="Create a body (secretariat)")
def body_create(request: SignedInApiRequest, payload: BodyIn):
    data = payload.dict()
    parent = _body_by_slug(data.pop("parent"), "parent")
    prefix = data.pop("number_prefix") or f"{payload.short_name.strip()} DOC"
    body = services.body_create(actor=request.auth, parent=parent, number_prefix=prefix, **data)
    return Status(201, _body_item(body))


@router.post("/bodies/{slug}/extensions", response={201: ExtensionOut, **ERRORS}, auth=SIGNED_IN,
             summary="Extend a body's lifetime")
def lifetime_extend(request: SignedInApiRequest, slug: str, payload: ExtensionIn):
    b = _body(request, slug)
    e = services.lifetime_extend(actor=request.auth, body=b, new_end=payload.new_end, decided_on=payload.decided_on,
                                 reason=payload.reason, meeting=_meeting_by_ordinal(b, payload.meeting),
                                 decided_by=_body_by_slug(payload.decided_by, "decided_by"))
    return Status(201, {"decided_on": e.decided_on, "meeting": str(e.meeting) if e.meeting_id else None,
                        "decided_by": e.decided_by.slug if e.decided_by else None, "previous_end": e.previous_end,
                        "new_end": e.new_end, "reason": e.reason})


# --- Meetings ---------------------------------------------------------------------------------

@router.get("/bodies/{slug}/meetings", response={200: MeetingPage, **ERRORS}, summary="A body's meetings, newest first")
def meeting_list(request: ApiRequest, slug: str, after: str | None = None, limit: DbInt = 50):
    b = _body(request, slug)
    page = keyset_page(selectors.meetings_of(b), ordering=["-ordinal", "-id"], cursor=after, size=_limit(limit))
    return {"items": [_meeting_item(m) for m in page.items], "next": page.next_cursor}


@router.get("/bodies/{slug}/meetings/{ordinal}", response={200: MeetingOut, **ERRORS},
            summary="A meeting: agenda, documents, attendance, decisions, actions")
def meeting_detail(request: ApiRequest, slug: str, ordinal: Id):
    m = _meeting(request, slug, ordinal)
    parts = selectors.meeting_page(m, request.user)
    visible = parts["visible_agenda_documents"]
    return {
        **_meeting_item(m), "summary": m.summary, "participant_count": m.participant_count,
        "report_document_id": m.report_document_id,
        "agenda": [{"number": a.number, "title": a.title, "documents": [d.label for d in a.documents.all() if d.pk in visible]}
                   for a in parts["agenda"]],
        "decisions": [{"number": d.number, "kind": d.kind, "text": d.text} for d in parts["decisions"]],
        "actions": [{"number": a.number, "text": a.text, "owner": a.owner, "due_on": a.due_on, "status": a.status}
                    for a in parts["actions"]],
        "attendance": [str(a.person.public_label()) if a.person else str(a.organisation) for a in parts["attendance"]],
        "documents": [_document_item(d) for d in parts["documents"].select_related("body", "meeting", "meeting__body")],
    }


@router.post("/bodies/{slug}/meetings", response={201: MeetingItem, **ERRORS}, auth=SIGNED_IN,
             summary="Add the body's next meeting (number allocated automatically)")
def meeting_create(request: SignedInApiRequest, slug: str, payload: MeetingIn):
    b = _body(request, slug)
    data = payload.dict()
    m = services.meeting_create(actor=request.auth, body=b, **data)
    return Status(201, _meeting_item(m))


@router.post("/bodies/{slug}/meetings/{ordinal}/agenda", response={201: AgendaOut, **ERRORS}, auth=SIGNED_IN,
             summary="Add an agenda item")
def agenda_add(request: SignedInApiRequest, slug: str, ordinal: Id, payload: AgendaIn):
    m = _meeting(request, slug, ordinal)
    docs = _documents(request, payload.document_ids, "document_ids")
    item = services.agenda_item_add(actor=request.auth, meeting=m, title=payload.title, documents=docs)
    return Status(201, {"number": item.number, "title": item.title, "documents": [d.label for d in docs]})


@router.post("/bodies/{slug}/meetings/{ordinal}/decisions", response={201: DecisionOut, **ERRORS}, auth=SIGNED_IN,
             summary="Record a numbered decision or agreement")
def decision_add(request: SignedInApiRequest, slug: str, ordinal: Id, payload: DecisionIn):
    m = _meeting(request, slug, ordinal)
    d = services.decision_add(actor=request.auth, meeting=m, text=payload.text, kind=payload.kind)
    return Status(201, {"number": d.number, "kind": d.kind, "text": d.text})


@router.post("/bodies/{slug}/meetings/{ordinal}/actions", response={201: ActionOut, **ERRORS}, auth=SIGNED_IN,
             summary="Record an action item")
def action_add(request: SignedInApiRequest, slug: str, ordinal: Id, payload: ActionIn):
    m = _meeting(request, slug, ordinal)
    a = services.action_item_add(actor=request.auth, meeting=m, text=payload.text, owner_label=payload.owner, due_on=payload.due_on)
    return Status(201, {"number": a.number, "text": a.text, "owner": a.owner, "due_on": a.due_on, "status": a.status})


@router.post("/bodies/{slug}/meetings/{ordinal}/actions/{number}/close", response={200: ActionOut, **ERRORS},
             auth=SIGNED_IN, summary="Close an action item (done or dropped)")
def action_close(request: SignedInApiRequest, slug: str, ordinal: Id, number: Id, status: str = ActionItem.Status.DONE):
    m = _meeting(request, slug, ordinal)
    a = m.action_items.filter(number=number).first()
    if a is None:
        raise Http404
    a = services.action_item_close(actor=request.auth, item=a, status=status)
    return {"number": a.number, "text": a.text, "owner": a.owner, "due_on": a.due_on, "status": a.status}


@router.post("/bodies/{slug}/meetings/{ordinal}/materials", response={201: DocumentOut, **ERRORS}, auth=SIGNED_IN,
             summary="Upload a document to a meeting (materials)")
def meeting_materials(
    request: SignedInApiRequest, slug: str, ordinal: Id, file: File[UploadedFile], title: Form[str], source: Form[str],
    kind: Form[str] = Document.Kind.CONTRIBUTION, access_level: Form[str] = Document.Access.PUBLIC,
    agenda_item: Form[Id | None] = None,
):
    """For chairs' scripts: registers the document (next number), stores the checked file, links it to an
    agenda item if given, and makes a report the meeting's minutes if it has none.

    `curl -H "Authorization: Bearer tut_…" -F file=@report.pdf -F title="Meeting report" -F source=Co-chairs
    -F kind=report …/api/v1/coordination/bodies/jca-cop/meetings/5/materials`
    """
    m = _meeting(request, slug, ordinal)
    doc = services.meeting_material_upload(actor=request.auth, meeting=m, upload=file, title=title, source=source,
                                           kind=kind, access_level=access_level, agenda_item=agenda_item)
    return Status(201, _document_out(request, doc))


# --- The registry -----------------------------------------------------------------------------

@router.get("/documents", response={200: DocumentPage, **ERRORS}, summary="Search the registry by number, title, source")
def document_list(request: ApiRequest, q: str = "", body: str | None = None, after: str | None = None, limit: DbInt = 50):
    b = None
    if body:
        b = Body.objects.filter(slug=body).first()
        if b is None or not access.can_read(request.user, b):
            raise Http404
    qs = selectors.registry_search(request.user, q=q[:100], body=b).select_related("body", "meeting", "meeting__body")
    page = keyset_page(qs, ordering=selectors.REGISTRY_ORDERING, cursor=after, size=_limit(limit))
    return {"items": [_document_item(d) for d in page.items], "next": page.next_cursor}


@router.get("/documents/{document_id}", response={200: DocumentOut, **ERRORS}, summary="A document with files and revisions")
def document_detail(request: ApiRequest, document_id: Id):
    return _document_out(request, selectors.document_for(request.user, document_id))


@router.post("/bodies/{slug}/documents", response={201: DocumentOut, **ERRORS}, auth=SIGNED_IN,
             summary="Register a document (the number is allocated; a hand-typed number must be free)")
def document_register(
    request: SignedInApiRequest, slug: str, title: Form[str], source: Form[str], kind: Form[str] = Document.Kind.CONTRIBUTION,
    meeting: Form[Id | None] = None, document_date: Form[date | None] = None,
    access_level: Form[str] = Document.Access.PUBLIC, number: Form[str] = "", file: File[UploadedFile | None] = None,
):
    b = _body(request, slug)
    doc = services.document_register(actor=request.auth, body=b, title=title, source=source, kind=kind,
                                     meeting=_meeting_by_ordinal(b, meeting), document_date=document_date,
                                     access_level=access_level, number=number or None, upload=file)
    return Status(201, _document_out(request, doc))


@router.post("/documents/{document_id}/revisions", response={201: DocumentOut, **ERRORS}, auth=SIGNED_IN,
             summary="Issue the next revision (same number)")
def document_revise(request: SignedInApiRequest, document_id: Id, note: Form[str], title: Form[str] = "",
                    document_date: Form[date | None] = None, file: File[UploadedFile | None] = None):
    doc = selectors.document_for(request.auth, document_id)
    doc = services.document_revise(actor=request.auth, document=doc, note=note, title=title,
                                   document_date=document_date, upload=file)
    return Status(201, _document_out(request, doc))


@router.post("/documents/{document_id}/withdraw", response={200: DocumentOut, **ERRORS}, auth=SIGNED_IN,
             summary="Withdraw a document (its number is never reused)")
def document_withdraw(request: SignedInApiRequest, document_id: Id, payload: WithdrawIn):
    doc = selectors.document_for(request.auth, document_id)
    doc = services.document_withdraw(actor=request.auth, document=doc, reason=payload.reason)
    return _document_out(request, doc)


# --- Liaisons ---------------------------------------------------------------------------------

@router.get("/liaisons", response={200: LiaisonPage, **ERRORS}, summary="Liaison statements")
def liaison_list(request: ApiRequest, body: str | None = None, direction: str = Query("", pattern="^(|in|out)$"),
                 after: str | None = None, limit: DbInt = 50):
    b = None
    if body:
        b = Body.objects.filter(slug=body).first()
        if b is None or not access.can_read(request.user, b):
            raise Http404
    page = keyset_page(selectors.liaison_list(request.user, body=b, direction=direction),
                       ordering=["-created_at", "-id"], cursor=after, size=_limit(limit))
    return {"items": [_liaison_item(ls) for ls in page.items], "next": page.next_cursor}


@router.get("/liaisons/{liaison_id}", response={200: LiaisonOut, **ERRORS}, summary="A liaison statement")
def liaison_detail(request: ApiRequest, liaison_id: Id):
    ls = selectors.liaison_for(request.user, liaison_id)
    attachments = selectors.readable_documents(request.user).filter(liaisons=ls).select_related("body", "meeting", "meeting__body")
    contact = str(ls.contact_person.public_label()) if ls.contact_person else ""
    if ls.contact_email and getattr(request.user, "is_authenticated", False):
        contact = f"{contact} <{ls.contact_email}>".strip()
    return {**_liaison_item(ls), "body_text": ls.body_text, "contact": contact, "approval": ls.approval,
            "attachments": [_document_item(d) for d in attachments]}


@router.post("/liaisons", response={201: LiaisonOut, **ERRORS}, auth=SIGNED_IN,
             summary="Create (and optionally send) a liaison statement")
def liaison_create(request: SignedInApiRequest, payload: LiaisonIn):
    from_body = _body_by_slug(payload.from_body, "from_body")
    if from_body is None:
        raise ValidationError({"from_body": "Give the address (slug) of the body that sends the liaison."})
    if not access.can_read(request.auth, from_body):
        raise Http404
    recipients = [{"body": _body_by_slug(r.body, "recipients"), "purpose": r.purpose, "deadline": r.deadline}
                  for r in payload.recipients]
    reply_to = None
    if payload.reply_to:
        reply_to = selectors.liaison_for(request.auth, payload.reply_to)
    attachments = _documents(request, payload.attachment_ids, "attachment_ids")
    ls = services.liaison_create(
        actor=request.auth, from_body=from_body, subject=payload.subject, recipients=recipients,
        from_meeting=_meeting_by_ordinal(from_body, payload.from_meeting), reply_to=reply_to, attachments=attachments,
        send=payload.send, reference=payload.reference, body_text=payload.body_text, contact_email=payload.contact_email,
        approval=payload.approval,
    )
    return Status(201, liaison_detail(request, ls.pk))


@router.post("/liaisons/{liaison_id}/send", response={200: LiaisonOut, **ERRORS}, auth=SIGNED_IN, summary="Send a draft")
def liaison_send(request: SignedInApiRequest, liaison_id: Id):
    ls = selectors.liaison_for(request.auth, liaison_id)
    services.liaison_send(actor=request.auth, liaison=ls)
    return liaison_detail(request, liaison_id)


# --- Dashboard --------------------------------------------------------------------------------

def _deadline(r: LiaisonRecipient, other: str) -> dict:
    return {"liaison_id": r.liaison_id, "subject": r.liaison.subject, "other_body": other, "purpose": r.purpose,
            "deadline": r.deadline, "days_to_deadline": r.days_to_deadline()}


@router.get("/dashboard", response={200: DashboardOut, **ERRORS}, auth=SIGNED_IN, summary="The chair's dashboard")
def dashboard(request: SignedInApiRequest, body: str | None = None):
    bodies = selectors.dashboard_bodies(request.auth).order_by("short_name")
    if body:
        bodies = bodies.filter(slug=body)
        if not bodies.exists():
            raise PermissionDenied
    d = selectors.dashboard(request.auth, bodies)
    return {
        "bodies": list(bodies.values_list("slug", flat=True)),
        "actions": [{"meeting": str(a.meeting), "number": a.number, "text": a.text, "owner": a.owner, "due_on": a.due_on}
                    for a in d["actions"]],
        "owed_replies": [_deadline(r, r.liaison.from_body.slug) for r in d["owed_in"]],
        "awaiting_replies": [_deadline(r, r.body.slug) for r in d["awaiting_out"]],
        "upcoming_meetings": [_meeting_item(m) for m in d["upcoming"]],
        "new_documents": [_document_item(doc) for _b, _since, docs in d["new_documents"] for doc in docs],
        "lifetime_ending": [_body_item(b) for b in d["ending"]],
    }


# --- Membership, chairs, terms of reference, attendance ----------------------------------------

class MemberIn(Schema):
    organisation_id: Id | None = None
    person_id: Id | None = None
    role: str = "member"
    represents: str = ""
    since: date | None = None


class ChairIn(Schema):
    person_id: Id
    role: str = Field("chair", description="chair, co_chair or vice_chair")
    starts_on: date | None = None
    ends_on: date | None = None
    note: str = ""


class TorIn(Schema):
    document_id: Id
    approved_on: date
    approved_by: str | None = Field(None, description="Slug of the approving body")
    approved_by_label: str = Field("", description="Who approved it, when not a body here")
    meeting: Id | None = None
    note: str = ""


class AttendanceIn(Schema):
    organisation_ids: list[Id] = []
    person_ids: list[Id] = Field([], description="Only adults who consented to be named")
    participant_count: DbInt | None = None


class MeetingPatch(Schema):
    status: str | None = None
    summary: str | None = None
    city: str | None = None
    venue: str | None = None
    is_remote: bool | None = None
    report_document_id: Id | None = None


def _person(pk: int | None, field: str = "person_id"):
    from tutela.initiatives.models import Person

    if pk is None:
        return None
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({field: f"No person {pk}."})
    return person


def _organisations(ids: list[int]) -> list:
    from django.core.exceptions import ValidationError

    from tutela.partners.models import Organisation

    found = list(Organisation.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"organisation_ids": "Unknown organisation id(s)."})
    return found


@router.post("/bodies/{slug}/members", response={201: MemberOut, **ERRORS}, auth=SIGNED_IN, summary="Add a member")
def member_add(request: SignedInApiRequest, slug: str, payload: MemberIn):
    b = _body(request, slug)
    orgs = _organisations([payload.organisation_id]) if payload.organisation_id else [None]
    m = services.membership_add(actor=request.auth, body=b, organisation=orgs[0], person=_person(payload.person_id),
                                role=payload.role, represents=payload.represents, since=payload.since)
    return Status(201, {"organisation": str(m.organisation) if m.organisation_id else None,
                        "person": str(m.person.public_label()) if m.person else None, "role": m.role,
                        "represents": m.represents})


@router.post("/bodies/{slug}/chairs", response={201: ChairOut, **ERRORS}, auth=SIGNED_IN,
             summary="Appoint a chair, co-chair or vice-chair (secretariat)")
def chair_add(request: SignedInApiRequest, slug: str, payload: ChairIn):
    b = _body(request, slug)
    a = services.chair_appoint(actor=request.auth, body=b, person=_person(payload.person_id), role=payload.role,
                               starts_on=payload.starts_on, ends_on=payload.ends_on, note=payload.note)
    return Status(201, {"name": str(a.person.public_label()), "role": a.role, "starts_on": a.starts_on, "ends_on": a.ends_on})


@router.post("/bodies/{slug}/terms-of-reference", response={201: TorOut, **ERRORS}, auth=SIGNED_IN,
             summary="Record a version of the terms of reference (a registered document)")
def tor_add(request: SignedInApiRequest, slug: str, payload: TorIn):
    b = _body(request, slug)
    doc = selectors.document_for(request.auth, payload.document_id)
    t = services.terms_of_reference_add(actor=request.auth, body=b, document=doc, approved_on=payload.approved_on,
                                        approved_by=_body_by_slug(payload.approved_by, "approved_by"),
                                        approved_by_label=payload.approved_by_label,
                                        meeting=_meeting_by_ordinal(b, payload.meeting), note=payload.note)
    current = b.terms_of_reference.first()
    return Status(201, {"document_id": doc.pk, "number": doc.label, "title": doc.title, "approved_by": t.approver,
                        "approved_on": t.approved_on, "current": current is not None and current.pk == t.pk})


@router.post("/bodies/{slug}/meetings/{ordinal}/attendance", response={200: MeetingItem, **ERRORS}, auth=SIGNED_IN,
             summary="Record attendance: organisations, consenting named adults, a head count")
def attendance_add(request: SignedInApiRequest, slug: str, ordinal: Id, payload: AttendanceIn):
    m = _meeting(request, slug, ordinal)
    people = [_person(pk, "person_ids") for pk in payload.person_ids]
    m = services.attendance_record(actor=request.auth, meeting=m, organisations=_organisations(payload.organisation_ids),
                                   people=people, participant_count=payload.participant_count)
    return _meeting_item(m)


@router.patch("/bodies/{slug}/meetings/{ordinal}", response={200: MeetingItem, **ERRORS}, auth=SIGNED_IN,
              summary="Change a meeting's status, summary, place or minutes document")
def meeting_patch(request: SignedInApiRequest, slug: str, ordinal: Id, payload: MeetingPatch):
    m = _meeting(request, slug, ordinal)
    fields = payload.dict(exclude_unset=True)
    if "report_document_id" in fields:
        doc_id = fields.pop("report_document_id")
        fields["report_document"] = selectors.document_for(request.auth, doc_id) if doc_id else None
    m = services.meeting_update(actor=request.auth, meeting=m, **fields)
    return _meeting_item(m)
