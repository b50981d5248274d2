"""Reports API: define a report, draft it, read its paragraphs with their sources, translate them, export it."""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from tutela.core import access
from tutela.core.api import ERRORS, PUBLIC, SIGNED_IN, ApiRequest, Id, SignedInApiRequest
from tutela.initiatives.models import Initiative

from . import rendering, selectors, services
from .models import Report, ReportFile

router = Router(tags=["reports"])


class ReportIn(Schema):
    title: str
    initiative_id: Id
    period_start: date
    period_end: date
    presented_to: str = ""
    meeting: str = ""
    meeting_place: str = ""
    meeting_date: date | None = None
    document_number: str = ""
    document_date: date | None = None
    author: str = ""
    language: str = "en"
    include_ongoing: bool = True
    structure: str = "chronological"
    includes: list[str] = []


class SourceOut(Schema):
    model: str
    id: int
    label: str
    url: str = ""
    deleted: bool = False


class SentenceOut(Schema):
    text: str
    sources: list[SourceOut]


class ParagraphOut(Schema):
    number: int
    text: str
    bullets: list[str]
    edited: bool
    stale: bool
    sentences: list[SentenceOut]
    sources: list[SourceOut]


class ReportOut(Schema):
    id: int
    title: str
    status: str
    presented_to: str
    meeting: str
    document_number: str
    period_start: date
    period_end: date
    drafted_at: datetime | None
    drafting: str = Field("", description="A background draft: queued, running, done or failed (empty: none ran)")
    drafting_error: str = Field("", description="Why the background draft failed, in plain words")
    finalised_at: datetime | None


class ReportDetailOut(ReportOut):
    paragraphs: list[ParagraphOut]


class ReportFileOut(Schema):
    status: str
    progress: int
    url: str


class DraftSummaryOut(Schema):
    added: int
    updated: int
    unchanged: int
    pending: int
    stale: int
    deleted: int = 0


def _out(report: Report) -> dict:
    job = selectors.draft_job(report) if report.draft_status else None
    return {
        "drafting": job.state if job else "", "drafting_error": job.reason if job else "",
        "id": report.pk, "title": report.title, "status": report.status, "presented_to": report.presented_to,
        "meeting": report.meeting, "document_number": report.document_number, "period_start": report.period_start,
        "period_end": report.period_end, "drafted_at": report.drafted_at, "finalised_at": report.finalised_at,
    }


@router.get("/", response={200: list[ReportOut], **ERRORS}, auth=PUBLIC, summary="Reports you may read")
def list_reports(request: ApiRequest):
    return [_out(r) for r in access.readable(request.user, Report.objects.all())]


@router.post("/", response={201: ReportOut, **ERRORS}, auth=SIGNED_IN, summary="Define a report")
def create_report(request: SignedInApiRequest, payload: ReportIn):
    access.require_secretariat(request.auth)
    data = payload.dict()
    try:
        initiative = Initiative.objects.get(pk=data.pop("initiative_id"))
    except Initiative.DoesNotExist as exc:
        raise HttpError(422, "Unknown initiative_id.") from exc
    report = services.report_create(actor=request.auth, initiative=initiative, **data)
    return Status(201, _out(report))


@router.post("/{report_id}/draft", response={200: DraftSummaryOut, **ERRORS}, auth=SIGNED_IN,
             summary="Draft or redraft the paragraphs from the records")
def draft_report(request: SignedInApiRequest, report_id: Id):
    report = access.get_for_user(request.auth, Report, report_id)
    if not access.is_secretariat(request.auth):
        raise PermissionDenied
    return services.report_draft(actor=request.auth, report=report)


@router.get("/{report_id}", response={200: ReportDetailOut, **ERRORS}, auth=PUBLIC,
            summary="A report with its paragraphs, sentences and sources")
def get_report(request: ApiRequest, report_id: Id):
    report = access.get_for_user(request.user, Report, report_id)
    doc = rendering.document(report)
    return {**_out(report), "paragraphs": doc["paragraphs"]}


@router.post("/{report_id}/sign-off", response={200: ReportOut, **ERRORS}, auth=SIGNED_IN, summary="Sign off (freeze)")
def finalise_report(request: SignedInApiRequest, report_id: Id):
    report = access.get_for_user(request.auth, Report, report_id)
    return _out(services.report_finalise(actor=request.auth, report=report))


LANGUAGE_HELP = ("The language of the export's labels, header dates and direction, one of "
                 + ", ".join(code for code, _name in settings.LANGUAGES)
                 + " (ar: right to left). The report's own text stays as written.")


def _export_language(code: str) -> str:
    """``?language=`` checked as the HTML export checks it: one of ``settings.LANGUAGES``."""
    codes = [c for c, _name in settings.LANGUAGES]
    if code not in codes:
        raise ValidationError({"language": [f"Unknown language '{code[:20]}': use one of {', '.join(codes)}."]})
    return code


@router.get("/{report_id}/export.{fmt}", auth=PUBLIC, response={200: None, 202: ReportFileOut, **ERRORS},
            summary="Export as md, html, pdf or docx (a long PDF: 202 while the worker makes it)",
            description="`?language=fr` sets the labels, dates and direction (default English); an unknown "
                        "language is a 422.")
def export_report(request: ApiRequest, report_id: Id, fmt: str,
                  language: str = Query("en", description=LANGUAGE_HELP)):
    report = access.get_for_user(request.user, Report, report_id)
    language = _export_language(language)
    if fmt in ReportFile.Format.values:
        result = services.report_file_get(actor=request.user, report=report, fmt=fmt, language=language)
        if isinstance(result, bytes):
            return HttpResponse(result, content_type=ReportFile(format=fmt).content_type)
        if not result.is_done:
            with translation.override(language):  # the progress page in the export's language (/fr/…)
                url = reverse("reports:report_file", args=[report.pk, result.pk])
            return Status(202, {"status": result.status, "progress": result.progress, "url": url})
        response = HttpResponse(bytes(result.content or b""), content_type=result.content_type)
        response["Repr-Digest"] = services.repr_digest(result)
        return response
    with translation.override(language):
        if fmt == "md":
            return HttpResponse(rendering.to_markdown(rendering.document(report, version=language)),
                                content_type="text/markdown; charset=utf-8")
        if fmt == "html":  # the document cites no sources
            return HttpResponse(rendering.to_html(rendering.document(report, links=False, version=language)))
    raise HttpError(404, "Unknown format: use md, html, pdf or docx.")


# --- Translations of the paragraphs (issue 18 item 4) --------------------------------------------

TRANSLATION_STATE = ('"current": translates the paragraph as it is now; "outdated": the paragraph changed after it '
                     'was translated (the exports show the original instead until the translation is saved again, '
                     'or confirmed); "missing": not translated')


class ParagraphTranslationText(Schema):
    text: str
    bullets: list[str] = Field(description="The paragraph's points in translation, in its points' order")


class ParagraphTranslationOut(Schema):
    number: int = Field(description="The paragraph's number, as every export shows it")
    id: int = Field(description="The paragraph's id: the key to send its translation under")
    section: str
    text: str = Field(description="The paragraph as the report has it now, in the report's own language")
    bullets: list[str]
    translation: ParagraphTranslationText | None = Field(description="null: not translated")
    state: str = Field(description=TRANSLATION_STATE)
    outdated: bool = Field(description='state == "outdated"')


class ReportTranslationsOut(Schema):
    report_id: int
    language: str = Field(description="The language of the translations")
    original_language: str = Field(description="The report's own language, that the paragraphs are written in")
    languages: list[str] = Field(description="Every language the report may be translated into")
    frozen: bool = Field(description="Signed off: the translations are read only")
    counts: dict[str, int] = Field(description="How many paragraphs are current, outdated and missing")
    paragraphs: list[ParagraphTranslationOut]


class ReportTranslationsSavedOut(ReportTranslationsOut):
    changed: int = Field(description="How many paragraphs' translations the request changed")


class ParagraphTranslationIn(Schema):
    text: str | None = Field("", description="The translation; empty (or null) removes it")
    bullets: list[str] = Field([], description="A paragraph with points: each of them translated, in order")
    confirmed: bool = Field(False, description="An outdated translation sent unchanged with true: it still fits "
                                               "the changed paragraph (it is current again)")


class ReportTranslationsIn(Schema):
    paragraphs: dict[Id, ParagraphTranslationIn] = Field(description=(
        "{paragraph id: translation} (ids from GET): only the paragraphs sent change. All or nothing: if one is "
        "refused, none is saved, and the error's fields name each refused one as paragraphs.<id>.text or "
        "paragraphs.<id>.bullets."))


def _translations_out(report: Report, language: str) -> dict:
    rows = selectors.paragraph_translations(report, language)
    counts = {"current": 0, "outdated": 0, "missing": 0}
    for row in rows:
        counts[row["state"]] += 1
    return {"report_id": report.pk, "language": language, "original_language": report.language,
            "languages": [code for code, _name in selectors.translation_languages(report)],
            "frozen": report.is_final, "counts": counts, "paragraphs": rows}


def _paragraph_errors(report: Report, exc: ValidationError) -> ValidationError:
    """The service's refusal with its fields named as the body names them (``p12`` -> ``paragraphs.12.text``,
    ``p12_bullets`` -> ``paragraphs.12.bullets``, ids not in the report -> ``paragraphs``), each message about one
    paragraph starting with its number."""
    if not hasattr(exc, "error_dict"):
        unknown = any(e.code == "unknown_paragraph" for e in exc.error_list)
        return ValidationError({"paragraphs": exc.messages}) if unknown else exc
    numbers = selectors.paragraph_numbers(report)
    fields: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        pk, _sep, part = key.removeprefix("p").partition("_")
        if not key.startswith("p") or not pk.isdigit() or int(pk) not in numbers:
            fields[key] = messages
            continue
        fields[f"paragraphs.{pk}.{part or 'text'}"] = [
            _("Paragraph %(n)s: %(error)s") % {"n": numbers[int(pk)], "error": m} for m in messages]
    return ValidationError(fields)


@router.get("/{report_id}/translations/{language}", response={200: ReportTranslationsOut, **ERRORS}, auth=SIGNED_IN,
            summary="A report's paragraphs beside their translation into one language (secretariat)",
            description="Every paragraph, numbered as the exports number them, with its translation into `language` "
                        "(one of the languages but the report's own; another is a 422 listing them) and whether "
                        "that translation is out of date. A report signed off still answers (`frozen`: true).")
def report_translations(request: SignedInApiRequest, report_id: Id, language: str):
    report = access.get_for_user(request.auth, Report, report_id, write=True)
    return _translations_out(report, selectors.translation_language(report, language))


@router.put("/{report_id}/translations/{language}", response={200: ReportTranslationsSavedOut, **ERRORS},
            auth=SIGNED_IN, summary="Translate some of a report's paragraphs into one language (secretariat)",
            description="Saves the paragraphs sent (the others stay as they are) through the same service as the "
                        "report's Translations page, audited as report.translated. Refused with a 422: a report "
                        "signed off, the report's own language or an unknown one (the message lists the others), "
                        "a paragraph id not in this report, a text longer than 20,000 characters, points that do "
                        "not match the paragraph's, a control character or an unclosed direction control; then "
                        "nothing is saved. Answers the translations after the change, and how many changed.")
def report_translations_save(request: SignedInApiRequest, report_id: Id, language: str,
                             payload: ReportTranslationsIn):
    report = access.get_for_user(request.auth, Report, report_id, write=True)
    texts = {pk: item.dict() for pk, item in payload.paragraphs.items()}
    try:
        changed = services.report_translate(actor=request.auth, report=report, language=language, texts=texts)
    except ValidationError as exc:
        raise _paragraph_errors(report, exc) from exc
    code = selectors.translation_language(report, language)
    return {**_translations_out(report, code), "changed": changed}
