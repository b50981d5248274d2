"""Consultations API: documents, versions and paragraphs, consultations, comments (submit and
read published), dispositions and reports. Writes go through the services."""

from datetime import datetime
from typing import Annotated, Any

from django.db.models import F
from django.http import Http404
from ninja import Body, Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.api import ERRORS, PUBLIC, SIGNED_IN, ApiRequest, DbInt, Id, SignedInApiRequest, Translations
from tutela.core.pagination import keyset_page

from . import selectors, services
from .models import Comment, Consultation, Disposition, GuidelineDocument, GuidelineVersion, Paragraph

router = Router(tags=["consultations"])


def _limit(limit: int) -> int:
    return max(1, min(limit, 200))


# --- Schemas ---------------------------------------------------------------------------------


class GuidelineDocumentOut(Schema):
    id: int
    title: str
    audience: str
    edition: str
    summary: str
    is_illustrative: bool
    translations: Translations


class GuidelineDocumentPage(Schema):
    items: list[GuidelineDocumentOut]
    next: str | None


class VersionOut(Schema):
    id: int
    document_id: int
    number: int
    label: str
    stage: str
    based_on_id: int | None
    is_published: bool
    published_at: datetime | None
    change_log: str


class VersionIn(Schema):
    label: str = Field(description="e.g. Draft 2, Final")
    stage: str = "draft"
    markdown: str = Field(description="# headings become sections; a trailing {#key} keeps a paragraph's identity")


class GuidelineImportOut(Schema):
    """A version import: the worker reads the text and imports it; poll until ``status`` is
    imported (then ``version_id`` is the new version) or failed (then ``error`` says why)."""

    id: int
    document_id: int
    label: str
    stage: str
    source_format: str
    original_name: str
    status: str
    version_id: int | None
    error: str
    attempts: int
    created_at: datetime
    finished_at: datetime | None


class GuidelineParagraphOut(Schema):
    id: int
    key: str = Field(description="Stable identity across versions")
    kind: str
    level: int
    number: str
    section_id: int | None
    text: str
    translations: Translations


class ParagraphPage(Schema):
    items: list[GuidelineParagraphOut]
    next: str | None


class DiffRowOut(Schema):
    key: str
    old_id: int | None
    new_id: int | None
    old_number: str | None
    new_number: str | None
    changes: list[str]
    html: str = Field(description="Escaped text with <del>/<ins> word changes")
    comment_receipts: list[str]


class ConsultationOut(Schema):
    id: int
    title: str
    code: str
    version_id: int
    status: str
    opens_at: datetime
    closes_at: datetime
    time_zone: str
    online_form: bool
    allow_public: bool
    in_person_session_ids: list[int]
    is_illustrative: bool
    summary: str
    translations: Translations
    languages: list[str] = Field(description="The languages besides English the consultation is held in: the "
                                             "paragraphs' `translations` in each are its text, comments are taken in each")


class ConsultationPage(Schema):
    items: list[ConsultationOut]
    next: str | None


class CommentIn(Schema):
    paragraph_id: Id | None = Field(None, description="A paragraph or section of the version under consultation; none for the whole document")
    quote: str = Field("", description="A passage of the paragraph, copied exactly")
    comment_type: str = "general"
    language: str = Field("en", description="The language you read the text in and write: en or one of the "
                                            "consultation's `languages`")
    text: str
    proposed_change: str = ""
    stakeholder_type: str
    industry_sector: str = ""
    organisation_name: str = ""
    country: str = ""
    is_anonymous: bool = False
    consent_to_list: bool = False
    wants_outcome: bool = False
    submission_key: str = Field("", description="Repeat it to retry safely: the comment is stored once")
    answers: dict[Id, str] = Field(default_factory=dict, description="Question id → answer")


class ReceiptOut(Schema):
    id: int
    receipt: str
    received_at: datetime
    status: str
    target: str
    paragraph_id: int | None


class CommentOut(Schema):
    id: int
    paragraph_id: int | None
    target: str
    quote: str
    comment_type: str
    text: str
    proposed_change: str
    respondent: str
    country: str
    received_at: datetime
    group_id: int | None
    language: str = Field(description="The language the commenter read the text in and wrote (en, fr, …)")


class CommentPage(Schema):
    items: list[CommentOut]
    next: str | None


class DispositionIn(Schema):
    comment_ids: list[Id] = Field(default_factory=list)
    group_id: Id | None = None
    decision: str
    rationale: str
    resulting_paragraph_ids: list[Id] = Field(default_factory=list)


class DispositionOut(Schema):
    id: int
    decision: str
    rationale: str
    comment_receipts: list[str]
    resulting_paragraph_ids: list[int]
    decided_at: datetime


class DispositionPage(Schema):
    items: list[DispositionOut]
    next: str | None


class ConsultationReportOut(Schema):
    published: bool
    published_at: datetime | None
    summary: str
    final_version_id: int | None
    synopsis: dict[str, Any]


# --- Helpers ---------------------------------------------------------------------------------


def _consultation_out(c: Consultation) -> dict:
    return {**{f: getattr(c, f) for f in ["id", "title", "code", "version_id", "opens_at", "closes_at", "time_zone",
                                         "online_form", "allow_public", "is_illustrative", "summary",
                                         "translations", "languages"]},
            "status": c.status, "in_person_session_ids": [a.pk for a in c.in_person_sessions.all()]}


def _paragraph_out(p: Paragraph) -> dict:
    return {"id": p.pk, "key": p.anchor.key, "kind": p.kind, "level": p.level, "number": p.number,
            "section_id": p.section_id, "text": p.text, "translations": p.translations}


def _comment_out(c: Comment) -> dict:
    r = c.respondent
    return {"id": c.pk, "paragraph_id": c.paragraph_id, "target": c.target, "quote": c.quote,
            "comment_type": c.comment_type, "text": c.text, "proposed_change": c.proposed_change,
            "respondent": r.public_label, "country": "" if r.is_anonymous else str(r.country),
            "language": c.language, "received_at": c.received_at, "group_id": getattr(c, "group_id", None)}  # annotated by comment_list


def _report_visible(user: Actor, c: Consultation) -> bool:
    report = getattr(c, "report", None)
    return bool(report and report.published_at) or access.can_write(user, c)


# --- Documents and versions ------------------------------------------------------------------


@router.get("/documents", response={200: GuidelineDocumentPage, **ERRORS}, auth=PUBLIC, summary="Guideline documents")
def document_list(request: ApiRequest, after: str | None = None, limit: DbInt = 50):
    page = keyset_page(selectors.documents_for(request.user), ordering=["-id"], cursor=after, size=_limit(limit))
    return {"items": page.items, "next": page.next_cursor}


@router.get("/documents/{pk}", response={200: GuidelineDocumentOut, **ERRORS}, auth=PUBLIC, summary="One guideline document")
def document_get(request: ApiRequest, pk: Id):
    return access.get_for_user(request.user, GuidelineDocument, pk)


@router.get("/documents/{pk}/versions", response={200: list[VersionOut], **ERRORS}, auth=PUBLIC,
            summary="A document's versions")
def version_list(request: ApiRequest, pk: Id):
    document = access.get_for_user(request.user, GuidelineDocument, pk)
    return list(access.readable(request.user, document.versions.all()).order_by("number"))


@router.post("/documents/{pk}/versions", response={202: GuidelineImportOut, **ERRORS}, auth=SIGNED_IN,
             summary="Import a new version from Markdown (in the worker; paragraph identity kept)")
def version_create(request: SignedInApiRequest, pk: Id, payload: VersionIn):
    """Answers 202 with the import job; poll ``GET /documents/{pk}/imports/{job_id}``."""
    document = access.get_for_user(request.user, GuidelineDocument, pk, write=True)
    job = services.guideline_import_queue(actor=request.user, document=document, label=payload.label,
                                          stage=payload.stage, markdown=payload.markdown)
    return Status(202, job)


@router.post("/documents/{pk}/versions/docx", response={202: GuidelineImportOut, **ERRORS}, auth=SIGNED_IN,
             summary="Import a new version from a Word file (in the worker; paragraph identity kept)")
def version_create_docx(request: SignedInApiRequest, pk: Id, label: Form[str], file: File[UploadedFile],
                        stage: Form[str] = "draft"):
    """The file is checked (type by content, size, package limits) before it is stored; the worker
    reads it. Answers 202 with the import job; poll ``GET /documents/{pk}/imports/{job_id}``."""
    document = access.get_for_user(request.user, GuidelineDocument, pk, write=True)
    job = services.guideline_import_queue(actor=request.user, document=document, label=label, stage=stage,
                                          upload=file)
    return Status(202, job)


@router.get("/documents/{pk}/imports/{job_id}", response={200: GuidelineImportOut, **ERRORS}, auth=SIGNED_IN,
            summary="A version import's status")
def import_get(request: SignedInApiRequest, pk: Id, job_id: Id):
    document = access.get_for_user(request.user, GuidelineDocument, pk, write=True)
    job = document.imports.filter(pk=job_id).first()
    if job is None:
        raise Http404
    if job.is_dead:
        services.guideline_imports_sweep(job_id=job.pk)
        job.refresh_from_db()
    return job


@router.get("/versions/{pk}", response={200: VersionOut, **ERRORS}, auth=PUBLIC, summary="One version")
def version_get(request: ApiRequest, pk: Id):
    return access.get_for_user(request.user, GuidelineVersion.objects.select_related("document"), pk)


@router.get("/versions/{pk}/paragraphs", response={200: ParagraphPage, **ERRORS}, auth=PUBLIC,
            summary="A version's sections and paragraphs, in order")
def paragraph_list(request: ApiRequest, pk: Id, after: str | None = None, limit: DbInt = 200):
    version = access.get_for_user(request.user, GuidelineVersion.objects.select_related("document"), pk)
    page = keyset_page(version.paragraphs.select_related("anchor"), ordering=["position"], cursor=after,
                       size=_limit(limit))
    return {"items": [_paragraph_out(p) for p in page.items], "next": page.next_cursor}


@router.get("/versions/{pk}/diff/{other}", response={200: list[DiffRowOut], **ERRORS}, auth=PUBLIC,
            summary="Paragraph- and word-level diff, with the comments behind each change")
def version_diff(request: ApiRequest, pk: Id, other: Id):
    old = access.get_for_user(request.user, GuidelineVersion.objects.select_related("document"), pk)
    new = access.get_for_user(request.user, GuidelineVersion.objects.select_related("document"), other)
    if old.document_id != new.document_id:
        raise Http404
    keys = dict(old.document.anchors.values_list("pk", "key"))
    return [
        {"key": keys.get(r.anchor_id, ""), "old_id": r.old.pk if r.old else None, "new_id": r.new.pk if r.new else None,
         "old_number": r.old.number if r.old else None, "new_number": r.new.number if r.new else None,
         "changes": r.changes, "html": r.html, "comment_receipts": [c.receipt for c in r.comments]}
        for r in selectors.version_diff(old, new)
    ]


# --- Consultations and comments --------------------------------------------------------------


@router.get("", response={200: ConsultationPage, **ERRORS}, auth=PUBLIC, summary="Consultations")
def consultation_list(request: ApiRequest, after: str | None = None, limit: DbInt = 50):
    qs = selectors.consultations_for(request.user).prefetch_related("in_person_sessions")
    page = keyset_page(qs, ordering=["-opens_at", "-id"], cursor=after, size=_limit(limit))
    return {"items": [_consultation_out(c) for c in page.items], "next": page.next_cursor}


@router.get("/{pk}", response={200: ConsultationOut, **ERRORS}, auth=PUBLIC, summary="One consultation")
def consultation_get(request: ApiRequest, pk: Id):
    return _consultation_out(access.get_for_user(request.user, Consultation.objects.select_related("report"), pk))


@router.get("/{pk}/comments", response={200: CommentPage, **ERRORS}, auth=PUBLIC,
            summary="Published comments (optionally on one paragraph)")
def comment_list(request: ApiRequest, pk: Id, paragraph_id: Id | None = None, after: str | None = None,
                 limit: DbInt = 50):
    consultation = access.get_for_user(request.user, Consultation, pk)
    qs = consultation.comments.public().select_related("respondent").annotate(group_id=F("group_member__group_id"))
    if paragraph_id is not None:
        qs = qs.filter(paragraph_id=paragraph_id)
    page = keyset_page(qs, ordering=["id"], cursor=after, size=_limit(limit))
    return {"items": [_comment_out(c) for c in page.items], "next": page.next_cursor}


@router.post("/{pk}/comments", response={201: ReceiptOut, **ERRORS}, auth=SIGNED_IN,
             summary="Submit a comment; answers with its receipt number once stored")
def comment_create(request: SignedInApiRequest, pk: Id, payload: CommentIn):
    consultation = access.get_for_user(request.user, Consultation, pk)
    data = payload.dict()
    details = {k: data.pop(k) for k in ["stakeholder_type", "industry_sector", "organisation_name", "country",
                                        "is_anonymous", "consent_to_list", "wants_outcome"]}
    comment = services.comment_submit(consultation=consultation, actor=request.user, details=details,
                                      channel=Comment.Channel.API, **data)
    return Status(201, comment)


@router.get("/{pk}/dispositions", response={200: DispositionPage, **ERRORS}, auth=PUBLIC,
            summary="Decisions on comments (public once the report is published)")
def disposition_list(request: ApiRequest, pk: Id, after: str | None = None, limit: DbInt = 50):
    consultation = access.get_for_user(request.user, Consultation.objects.select_related("report"), pk)
    if not _report_visible(request.user, consultation):
        raise Http404
    qs = Disposition.objects.filter(consultation=consultation).prefetch_related("comments", "resulting_paragraphs")
    page = keyset_page(qs, ordering=["id"], cursor=after, size=_limit(limit))
    items = [{"id": d.pk, "decision": d.decision, "rationale": d.rationale, "decided_at": d.decided_at,
              "comment_receipts": [c.receipt for c in d.comments.all()],
              "resulting_paragraph_ids": [p.pk for p in d.resulting_paragraphs.all()]} for d in page.items]
    return {"items": items, "next": page.next_cursor}


@router.post("/{pk}/dispositions", response={201: DispositionOut, **ERRORS}, auth=SIGNED_IN,
             summary="Decide one comment, several, or a near-duplicate group")
def disposition_create(request: SignedInApiRequest, pk: Id, payload: DispositionIn):
    consultation = access.get_for_user(request.user, Consultation, pk, write=True)
    ids = list(payload.comment_ids)
    if payload.group_id is not None:
        group = consultation.comment_groups.filter(pk=payload.group_id).first()
        if group is None:
            raise Http404
        ids += selectors.group_comment_ids(group)
    d = services.disposition_record(actor=request.user, consultation=consultation, comment_ids=ids,
                                    decision=payload.decision, rationale=payload.rationale,
                                    resulting_paragraph_ids=payload.resulting_paragraph_ids)
    return Status(201, {"id": d.pk, "decision": d.decision, "rationale": d.rationale, "decided_at": d.decided_at,
                        "comment_receipts": list(d.comments.values_list("receipt", flat=True)),
                        "resulting_paragraph_ids": list(d.resulting_paragraphs.values_list("pk", flat=True))})


@router.get("/{pk}/report", response={200: ConsultationReportOut, **ERRORS}, auth=PUBLIC,
            summary="The published report with its synopsis (staff also see the live synopsis before)")
def report_get(request: ApiRequest, pk: Id):
    consultation = access.get_for_user(request.user, Consultation.objects.select_related("report"), pk)
    if not _report_visible(request.user, consultation):
        raise Http404
    report = getattr(consultation, "report", None)
    published = report is not None and report.published_at is not None
    return {"published": published, "published_at": report.published_at if report and published else None,
            "summary": report.summary if report and published else "",
            "final_version_id": report.final_version_id if report and published else None,
            "synopsis": selectors.synopsis(consultation)}


# --- Languages (issue 18 item 4) ----------------------------------------------------------------

TextsBody = Annotated[dict[str, str | None], Body(description='{"title": …, "summary": …}; an empty text removes that '
                                                                'translation')]


class LanguagesIn(Schema):
    languages: list[str] = Field(description="Besides English: fr, es, ar, ru, zh-hans (each needs the whole "
                                             "guideline text translated)")


@router.put("/documents/{pk}/translations/{language}", response={200: GuidelineDocumentOut, **ERRORS}, auth=SIGNED_IN,
            summary="Translate a guideline document's title and summary (secretariat)")
def document_translate(request: SignedInApiRequest, pk: Id, language: str, payload: TextsBody):
    document = access.get_for_user(request.user, GuidelineDocument, pk, write=True)
    return services.document_translate(actor=request.user, document=document, language=language, values=payload)


@router.put("/versions/{pk}/translations/{language}", response={200: dict[str, int], **ERRORS}, auth=SIGNED_IN,
            summary="Translate a version's paragraphs (secretariat)")
def version_translate(request: SignedInApiRequest, pk: Id, language: str,
                      payload: Annotated[dict[str, str | None], Body(description="{paragraph id: text}; an empty "
                                                                                 "text removes that translation")]):
    version = access.get_for_user(request.user, GuidelineVersion, pk, write=True)
    return {"changed": services.version_translate(actor=request.user, version=version, language=language, texts=payload)}


@router.put("/{pk}/translations/{language}", response={200: ConsultationOut, **ERRORS}, auth=SIGNED_IN,
            summary="Translate a consultation's title and summary (secretariat)")
def consultation_translate(request: SignedInApiRequest, pk: Id, language: str, payload: TextsBody):
    consultation = access.get_for_user(request.user, Consultation, pk, write=True)
    services.consultation_translate(actor=request.user, consultation=consultation, language=language, values=payload)
    return _consultation_out(consultation)


@router.put("/{pk}/languages", response={200: ConsultationOut, **ERRORS}, auth=SIGNED_IN,
            summary="The languages besides English a consultation is held in")
def consultation_languages(request: SignedInApiRequest, pk: Id, payload: LanguagesIn):
    consultation = access.get_for_user(request.user, Consultation, pk, write=True)
    services.consultation_set_languages(actor=request.user, consultation=consultation, languages=payload.languages)
    return _consultation_out(consultation)
