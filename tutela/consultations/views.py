"""Pages: public consultation and reading views with per-paragraph comment forms (no JavaScript
needed), receipts, the moderator dashboard, the disposition workspace, reports and exports."""

import uuid
from collections.abc import Callable
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tutela.core import access, ratelimit, translations
from tutela.core.lifecycle import Lifecycle
from tutela.core.pagination import keyset_page
from tutela.core.requests import Request, SignedInRequest
from tutela.core.text import isolate, query_id
from tutela.core.translation_views import translation_form_view
from tutela.core.views import form_view
from tutela.partners.models import Organisation

from . import charts, outputs, selectors, services
from .forms import (
    CommentForm,
    ConsultationForm,
    ConsultationLanguagesForm,
    DispositionForm,
    DocumentForm,
    EmailForm,
    ExtendForm,
    ImportForm,
    ModerationForm,
    ReportForm,
    VersionTranslationForm,
)
from .models import (
    CONSULTATION_LIFECYCLE,
    DOCUMENT_LIFECYCLE,
    VERSION_LIFECYCLE,
    Comment,
    CommentAttachment,
    CommentGroup,
    Consultation,
    Disposition,
    GuidelineDocument,
    GuidelineImport,
    GuidelineVersion,
    ModerationAction,
    Paragraph,
    Respondent,
    StakeholderType,
)

SESSION_KEY = "consultation_respondents"


def client_ip(request: HttpRequest) -> str | None:
    # The same notion of "the client's address" as the sign-in throttle (axes; REMOTE_ADDR unless
    # a proxy is configured there).
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def _zone(request: HttpRequest, consultation: Consultation) -> str:
    user = request.user
    return user.time_zone if user.is_authenticated and user.time_zone else consultation.time_zone


def _window(request: HttpRequest, consultation: Consultation) -> dict:
    zone = _zone(request, consultation)
    return {
        "opens": services.format_instant(consultation.opens_at, zone),
        "closes": services.format_instant(consultation.closes_at, zone),
        "refusal": services.window_refusal(consultation, zone),
    }


def _public_respondent(request: HttpRequest, consultation: Consultation) -> Respondent | None:
    rid = request.session.get(SESSION_KEY, {}).get(str(consultation.pk))
    if rid is None:
        return None
    return Respondent.objects.filter(pk=rid, consultation=consultation, confirmed_at__isnull=False).first()


def _may_comment(request: HttpRequest, consultation: Consultation) -> bool:
    return request.user.is_authenticated or _public_respondent(request, consultation) is not None


def _consultation(request: HttpRequest, pk: int, *, write: bool = False) -> Consultation:
    qs = Consultation.objects.select_related("version__document", "report", "owner_organisation")
    return access.get_for_user(request.user, qs, pk, write=write)


# --- Languages (issue 18 item 4) ----------------------------------------------------------------

def _reading_language(consultation: Consultation) -> str:
    """The language a reader of this page reads the guideline in: the page's, when the consultation
    is held in it, else English (the page then says so)."""
    code = translations.active()
    return code if code in services.comment_languages(consultation) else translations.DEFAULT


@login_required
def consultation_translate(request: SignedInRequest, pk: int, language: str) -> HttpResponse:
    """The consultation's title and summary in one language (secretariat)."""
    access.require_secretariat(request.user)
    consultation = _consultation(request, pk, write=True)
    return translation_form_view(
        request, consultation, language, back_url=reverse("consultations:consultation_detail", args=[pk]),
        back_label=consultation.title,
        save=lambda data: services.consultation_translate(actor=request.user, consultation=consultation,
                                                          language=language, values=data))


@login_required
def document_translate(request: SignedInRequest, pk: int, language: str) -> HttpResponse:
    """The guideline document's title and summary in one language (secretariat)."""
    access.require_secretariat(request.user)
    document = access.get_for_user(request.user, GuidelineDocument, pk, write=True)
    return translation_form_view(
        request, document, language, back_url=reverse("consultations:document", args=[pk]), back_label=document.title,
        save=lambda data: services.document_translate(actor=request.user, document=document, language=language,
                                                      values=data))


@login_required
def version_translate(request: SignedInRequest, pk: int, language: str) -> HttpResponse:
    """Every paragraph of a version in one language, on one form (secretariat)."""
    access.require_secretariat(request.user)
    version = access.get_for_user(request.user, GuidelineVersion.objects.select_related("document"), pk, write=True)
    if language not in translations.languages():
        raise Http404
    paragraphs = list(version.paragraphs.order_by("position"))
    form = VersionTranslationForm(request.POST if request.method == "POST" else None, paragraphs=paragraphs,
                                  language=language)
    name = translations.language_name(language)
    back = reverse("consultations:version", args=[pk])
    return form_view(
        request, form, template="components/form_page.html", success_url=back,
        save=lambda data: services.version_translate(actor=request.user, version=version, language=language,
                                                     texts={int(k[1:]): v for k, v in data.items()}),
        message=_("Translation into %(language)s saved.") % {"language": name},
        context={"heading": _("%(record)s in %(language)s") % {"record": version, "language": name},
                 "back_url": back, "back_label": str(version),
                 "lede": _("Leave a paragraph empty to show the English one. A consultation can be held in "
                           "a language once every paragraph is translated.")})


@login_required
def consultation_languages(request: SignedInRequest, pk: int) -> HttpResponse:
    """The languages besides English a consultation is held in."""
    consultation = _consultation(request, pk, write=True)
    form = ConsultationLanguagesForm(request.POST or None, initial={"languages": consultation.languages})
    back = reverse("consultations:consultation_detail", args=[pk])
    return form_view(
        request, form, template="components/form_page.html", success_url=back,
        save=lambda data: services.consultation_set_languages(actor=request.user, consultation=consultation,
                                                              languages=data["languages"]),
        context={"heading": _("Languages of %(record)s") % {"record": consultation.title}, "back_url": back,
                 "back_label": consultation.title,
                 "lede": _("The guideline text is offered, and comments taken, in English and each language "
                           "chosen here.")})


# --- Public pages ----------------------------------------------------------------------------


def consultation_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.consultations_for(request.user).annotate(
        published=Count("comments", filter=Q(comments__status=Comment.Status.PUBLISHED))
    )
    page = keyset_page(qs, ordering=["-opens_at", "-id"], cursor=request.GET.get("after"), size=20)
    documents = selectors.documents_for(request.user).annotate(n_versions=Count("versions"))[:20]
    return render(request, "consultations/consultation_list.html", {
        "page": page, "documents": documents, "can_set_up": _may_set_up(request.user)})


def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    report = getattr(consultation, "report", None)
    context = {
        "consultation": consultation, "window": _window(request, consultation),
        "languages": [(code, translations.language_name(code)) for code in services.comment_languages(consultation)],
        "is_secretariat": access.is_secretariat(request.user),
        "translate_version": [(code, translations.language_name(code)) for code in translations.languages()],
        "sessions": consultation.in_person_sessions.all(), "questions": consultation.questions.all(),
        "report": report if report and report.published_at else None,
        "can_write": access.can_write(request.user, consultation),
        "may_comment": _may_comment(request, consultation),
    }
    if context["can_write"]:
        context["moves"] = [m for m in CONSULTATION_LIFECYCLE.moves(consultation.status)
                            if m.target != Consultation.Status.REPORT_PUBLISHED]
        context["may_extend"] = consultation.status in (Consultation.Status.SCHEDULED, Consultation.Status.OPEN)
    return render(request, "consultations/consultation_detail.html", context)


def consultation_read(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    paragraphs = selectors.paragraphs_with_counts(consultation.version, consultation)
    document_count = selectors.published_comments(consultation, document_level=True).count()
    reading = translations.active()
    held = reading in services.comment_languages(consultation)
    context = {
        # The note covers the headings too: the consultation's title and the guideline's, translated on their own forms.
        "translation_note": translations.note_html(reading) if reading != translations.DEFAULT and (
            not held or any(translations.missing(p, reading) for p in paragraphs)
            or translations.shown(consultation, "title", reading).fallback
            or translations.shown(consultation.version.document, "title", reading).fallback) else "",
        "consultation": consultation, "paragraphs": paragraphs, "window": _window(request, consultation),
        "document_count": document_count, "may_comment": _may_comment(request, consultation),
    }
    return render(request, "consultations/read.html", context)


def _comment_page(request: Request, consultation: Consultation, paragraph: Paragraph | None) -> HttpResponse:
    window = _window(request, consultation)
    respondent = _public_respondent(request, consultation)
    may_comment = request.user.is_authenticated or respondent is not None
    questions = consultation.questions.all() if paragraph is None else []
    status = 200
    form = None
    refusal = None
    if request.method == "POST":
        try:
            data, files = request.POST, request.FILES
        except RequestDataTooBig:
            messages.error(request, _("Your comment is far too long to send: keep it under 10,000 characters "
                                      "and attach a document for more."))
            data, files, status = None, None, 413
        if data is not None:
            form = CommentForm(data, files, questions=questions)
            if not may_comment:
                raise PermissionDenied
            if form.is_valid():
                try:
                    comment = services.comment_submit(
                        consultation=consultation, actor=request.user, respondent=respondent,
                        details=form.details(), paragraph_id=paragraph.pk if paragraph else None,
                        quote=form.cleaned_data["quote"], comment_type=form.cleaned_data["comment_type"],
                        text=form.cleaned_data["text"], proposed_change=form.cleaned_data["proposed_change"],
                        attachments=form.cleaned_data["attachments"],
                        submission_key=form.cleaned_data["submission_key"], time_zone=_zone(request, consultation),
                        answers=form.answers(), ip=client_ip(request), language=_reading_language(consultation),
                    )
                except ratelimit.LimitReached as exc:
                    form.add_error(None, exc.text)
                    refusal = exc.refusal
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        target = field if field in form.fields else None
                        for error in errors:
                            form.add_error(target, error)
                else:
                    # Only now, after the commit, is the comment acknowledged.
                    return redirect("consultations:receipt", receipt=comment.receipt)
            status = 422
    if form is None:
        initial = {"submission_key": uuid.uuid4().hex}
        last = Respondent.objects.filter(consultation=consultation, user=request.user).first() if \
            request.user.is_authenticated else respondent
        if last is not None:
            initial.update({k: getattr(last, k) for k in ["stakeholder_type", "industry_sector", "organisation_name",
                                                          "is_anonymous", "consent_to_list", "wants_outcome"]})
            initial["country"] = str(last.country)
        if paragraph is not None and request.GET.get("quote"):
            # From the select-to-quote helper of the reading view; offered only if it is in the paragraph.
            read = services.read_text(consultation, paragraph, _reading_language(consultation))
            initial["quote"] = services.passage_in(read, request.GET["quote"][:2000]) or ""
        form = CommentForm(initial=initial, questions=questions)
    comments = selectors.published_comments(consultation, paragraph, document_level=paragraph is None)
    page = keyset_page(comments, ordering=["id"], cursor=request.GET.get("after"), size=20)
    neighbours = {}
    if paragraph is not None:
        siblings = consultation.version.paragraphs
        neighbours = {
            "previous": siblings.filter(position__lt=paragraph.position).order_by("-position").first(),
            "next": siblings.filter(position__gt=paragraph.position).order_by("position").first(),
        }
    context = {
        "consultation": consultation, "paragraph": paragraph, "form": form, "page": page, "window": window,
        "may_comment": may_comment, "respondent": respondent, **neighbours,
        # confirming the address brings the person back to this paragraph
        "email_start": reverse("consultations:email_start", args=[consultation.pk])
        + (f"?paragraph={paragraph.pk}" if paragraph else ""),
        "show_disposition": consultation.status == Consultation.Status.REPORT_PUBLISHED,
    }
    template = "consultations/paragraph.html"
    if request.htmx and request.method == "GET":
        template += "#comment-form"
    response = render(request, template, context, status=status)
    return ratelimit.refused(response, refusal) if refusal else response


def paragraph_detail(request: Request, pk: int, paragraph_id: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    paragraph = get_object_or_404(Paragraph, pk=paragraph_id, version_id=consultation.version_id)
    return _comment_page(request, consultation, paragraph)


def document_comment(request: Request, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    return _comment_page(request, consultation, None)


def receipt(request: HttpRequest, receipt: str) -> HttpResponse:
    # The receipt number is random and known only to its author: it is the key to this page.
    comment = get_object_or_404(Comment.objects.select_related("consultation", "paragraph", "disposition"),
                                receipt=receipt.upper())
    zone = _zone(request, comment.consultation)
    context = {"comment": comment, "received": services.format_instant(comment.received_at, zone),
               "place": services.comment_place(comment)}
    return render(request, "consultations/receipt.html", context)


def email_start(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    form = EmailForm(request.POST or None, initial={"paragraph": request.GET.get("paragraph", "")[:20]})
    sent = False
    status = 200
    refusal = None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.respondent_request_confirmation(consultation=consultation, email=form.cleaned_data["email"],
                                                         ip=client_ip(request),
                                                         paragraph_id=form.cleaned_data["paragraph"])
                sent, status = True, 200
            except ratelimit.LimitReached as exc:
                form.add_error("email", exc.text)
                refusal = exc.refusal
            except ValidationError as exc:
                form.add_error("email", exc.message_dict.get("email", exc.messages))
    response = render(request, "consultations/email_start.html",
                      {"consultation": consultation, "form": form, "sent": sent,
                       "window": _window(request, consultation)}, status=status)
    return ratelimit.refused(response, refusal) if refusal else response


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        respondent, paragraph = services.respondent_confirm(token=token)
    except ValidationError as exc:
        return render(request, "consultations/confirm_failed.html", {"message": exc.messages[0]}, status=400)
    known = request.session.get(SESSION_KEY, {})
    known[str(respondent.consultation_id)] = respondent.pk
    request.session[SESSION_KEY] = known
    read = reverse("consultations:read", args=[respondent.consultation_id])
    if paragraph is None:
        messages.success(request, _("Your address is confirmed: you can now comment on any paragraph."))
        return redirect(read)
    # Back to the paragraph the person was reading when they asked for the link.
    messages.success(request, _("Your address is confirmed: you can now comment on %(label)s or any other "
                                "paragraph.") % {"label": paragraph.label})
    return redirect(f"{read}#p-{paragraph.anchor.key}")


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(CommentAttachment.objects.select_related("comment__consultation"), pk=pk)
    if not access.can_read(request.user, attachment.comment):
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


def report(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    can_write = access.can_write(request.user, consultation)
    published = getattr(consultation, "report", None)
    published = published if published and published.published_at else None
    if published is None and not can_write:
        raise Http404
    data = selectors.synopsis(consultation)
    form = None
    if can_write and published is None:
        form = ReportForm(request.POST or None)
        cast(forms.ModelChoiceField, form.fields["final_version"]).queryset = consultation.version.document.versions.filter(
            number__gt=consultation.version.number)
        if request.method == "POST" and form.is_valid():
            try:
                services.report_publish(actor=request.user, consultation=consultation,
                                        summary=form.cleaned_data["summary"],
                                        final_version=form.cleaned_data["final_version"])
            except ValidationError as exc:
                for error in exc.messages:
                    form.add_error(None, error)
            else:
                messages.success(request, _("The report is published."))
                return redirect("consultations:report", pk=consultation.pk)
    context = {"consultation": consultation, "report": published, "synopsis": data, "form": form,
               "paragraph_chart": charts.paragraph_decisions(consultation),
               "undecided": services.undecided(consultation).count() if can_write else None}
    return render(request, "consultations/report.html", context,
                  status=422 if form is not None and form.errors else 200)


def resolution_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    consultation = _consultation(request, pk)
    published = getattr(consultation, "report", None)
    if not access.can_write(request.user, consultation) and not (published and published.published_at):
        raise Http404
    rows = selectors.resolution_rows(consultation)
    name = f"comment-resolution-{consultation.code}"
    if fmt == "csv":
        response = HttpResponse(outputs.resolution_csv(rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(outputs.resolution_xlsx(rows, consultation.title),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    elif fmt == "pdf":
        response = HttpResponse(outputs.pdf("consultations/resolution_pdf.html",
                                            {"consultation": consultation, "rows": rows}),
                                content_type="application/pdf")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def answers_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The questionnaire's answers, for the secretariat and the owning organisation only (they name
    organisations, including those that asked to be published anonymously)."""
    consultation = _consultation(request, pk)
    if not access.can_write(request.user, consultation):
        raise Http404
    questions, rows = selectors.questionnaire_answers(consultation)
    name = f"questionnaire-answers-{consultation.code}"
    if fmt == "csv":
        response = HttpResponse(outputs.answers_csv(questions, rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(outputs.answers_xlsx(questions, rows, consultation.title),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- Documents and versions ------------------------------------------------------------------


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_for_user(request.user, GuidelineDocument, pk)
    can_write = access.can_write(request.user, document)
    versions = access.readable(request.user, document.versions.all()) if not can_write else document.versions.all()
    form = ImportForm(request.POST or None, request.FILES or None) if can_write else None
    if request.method == "POST":
        if form is None:  # not can_write
            raise PermissionDenied
        if form.is_valid():
            try:
                job = services.guideline_import_queue(
                    actor=request.user, document=document, label=form.cleaned_data["label"],
                    stage=form.cleaned_data["stage"], markdown=form.cleaned_data["markdown"],
                    upload=form.cleaned_data.get("file"))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                # The worker reads and imports it; the job's page follows it.
                return redirect("consultations:import_job", pk=document.pk, job=job.pk)
    context = {"document": document, "versions": versions.order_by("number"), "form": form, "can_write": can_write,
               "is_secretariat": access.is_secretariat(request.user),
               "state_label": DOCUMENT_LIFECYCLE.label(document.state),
               "moves": DOCUMENT_LIFECYCLE.moves(document.state) if can_write else [],
               "consultations": selectors.consultations_for(request.user).filter(version__document=document)}
    return render(request, "consultations/document_detail.html", context, status=422 if form and form.errors else 200)


def _import_job(request: HttpRequest, pk: int, job: int) -> tuple[GuidelineDocument, GuidelineImport]:
    document = access.get_for_user(request.user, GuidelineDocument, pk, write=True)
    found = document.imports.select_related("version").filter(pk=job).first()
    if found is None:
        raise Http404
    return document, found


@login_required
def import_job(request: SignedInRequest, pk: int, job: int) -> HttpResponse:
    """An import's progress (htmx polls the #job part until it is finished), its outcome, and "Try again"."""
    document, found = _import_job(request, pk, job)
    if found.is_dead:  # its worker died: resume or fail it now, not at the next sweep
        services.guideline_imports_sweep(job_id=found.pk)
        found.refresh_from_db()
    template = "consultations/import_job.html#job" if request.htmx else "consultations/import_job.html"
    return render(request, template, {"document": document, "job": found,
                                      "progress": selectors.import_progress(found)})


@require_POST
@login_required
def import_retry(request: SignedInRequest, pk: int, job: int) -> HttpResponse:
    _document, found = _import_job(request, pk, job)
    try:
        services.guideline_import_retry(actor=request.user, job=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("consultations:import_job", pk=pk, job=found.pk)


def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = access.get_for_user(request.user, GuidelineVersion.objects.select_related("document"), pk)
    others = access.readable(request.user, version.document.versions.exclude(pk=version.pk)).order_by("number")
    can_write = access.can_write(request.user, version)
    context = {"version": version, "paragraphs": version.paragraphs.order_by("position"), "others": others,
               "translate_version": [(code, translations.language_name(code)) for code in translations.languages()]
               if access.is_secretariat(request.user) else [],
               "can_write": can_write, "state_label": VERSION_LIFECYCLE.label(version.state),
               "moves": VERSION_LIFECYCLE.moves(version.state) if can_write else []}
    return render(request, "consultations/version_detail.html", context)


@require_POST
@login_required
def version_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    version = access.get_for_user(request.user, GuidelineVersion.objects.select_related("document"), pk, write=True)
    services.version_publish(actor=request.user, version=version, change_log=request.POST.get("change_log", ""))
    messages.success(request, _("%(label)s is published.") % {"label": version.label})
    return redirect("consultations:version", pk=version.pk)


def version_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    version = access.get_for_user(request.user, GuidelineVersion.objects.select_related("document"), pk)
    name = f"{version.document.title}-{version.label}".replace(" ", "-").replace('"', "")
    if fmt == "md":
        response = HttpResponse(outputs.version_markdown(version), content_type="text/markdown; charset=utf-8")
    elif fmt == "docx":
        response = HttpResponse(outputs.version_docx(version),
                                content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    elif fmt == "pdf":
        response = HttpResponse(outputs.pdf("consultations/version_pdf.html", {
            "version": version, "paragraphs": version.paragraphs.order_by("position")}), content_type="application/pdf")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def version_diff(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    old = access.get_for_user(request.user, GuidelineVersion.objects.select_related("document"), pk)
    new = access.get_for_user(request.user, GuidelineVersion.objects.select_related("document"), other)
    if old.document_id != new.document_id:
        raise Http404
    rows = selectors.version_diff(old, new)
    only_changes = request.GET.get("changes") == "1"
    context = {"old": old, "new": new, "rows": [r for r in rows if r.changed] if only_changes else rows,
               "only_changes": only_changes, "changed": sum(1 for r in rows if r.changed),
               "renumbered": sum(1 for r in rows if r.changes == ["renumbered"])}
    return render(request, "consultations/diff.html", context)


# --- Staff: dashboard, moderation, dispositions ------------------------------------------------


@login_required
def dashboard(request: SignedInRequest) -> HttpResponse:
    if access.role_of(request.user) not in {"secretariat", "focal_point"}:
        raise PermissionDenied
    return render(request, "consultations/dashboard.html", {"rows": selectors.dashboard(request.user)})


@login_required
def moderation(request: SignedInRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk, write=True)
    if request.method == "POST":
        form = ModerationForm(request.POST)
        try:
            if request.POST.get("regroup"):
                n = services.comments_group(actor=request.user, consultation=consultation)
                messages.success(request, _("Found %(n)s group(s) of near-identical comments.") % {"n": n})
            elif form.is_valid():
                action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
                if request.POST.get("group"):
                    group = get_object_or_404(CommentGroup, pk=request.POST["group"], consultation=consultation)
                    n = services.comment_group_moderate(actor=request.user, group=group, action=action, reason=reason)
                    messages.success(request, _("%(n)s comments in the group decided.") % {"n": n})
                else:
                    comment = get_object_or_404(Comment, pk=request.POST.get("comment"), consultation=consultation)
                    services.comment_moderate(actor=request.user, comment=comment, action=action, reason=reason)
                    messages.success(request, _("Comment %(r)s: %(a)s.") % {
                        "r": isolate(comment.receipt), "a": Comment.Status(action).label})
            else:
                messages.error(request, _("Choose publish, hide or spam."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("consultations:moderation", pk=consultation.pk)
    groups, singles = selectors.moderation_queue(consultation)
    page = keyset_page(singles, ordering=["id"], cursor=request.GET.get("after"), size=50)
    log = ModerationAction.objects.filter(comment__consultation=consultation).select_related("comment", "actor")[:20]
    context = {"consultation": consultation, "groups": groups[:50], "page": page, "log": log}
    return render(request, "consultations/moderation.html", context)


@login_required
def dispositions(request: SignedInRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk, write=True)
    filters = {k: request.GET.get(k, "") for k in ["paragraph", "type", "stakeholder", "undecided", "decision"]}
    bound = None  # the form that failed, shown again on its own row with what was typed
    if request.method == "POST":
        group_id = query_id(request.POST.get("group", ""))
        ids = [i for i in map(query_id, request.POST.getlist("comments")) if i is not None]
        prefix = f"g{group_id}" if group_id else f"c{ids[0] if ids else ''}"
        form = DispositionForm(request.POST, auto_id=f"{prefix}_%s")
        if group_id:
            group = get_object_or_404(CommentGroup, pk=group_id, consultation=consultation)
            ids = selectors.group_comment_ids(group)
        if form.is_valid():
            try:
                resulting = _resulting_paragraphs(consultation, form.cleaned_data["resulting"])
                # One call decides every comment of a group at once (atomic, one audit entry).
                services.disposition_record(actor=request.user, consultation=consultation, comment_ids=ids,
                                            decision=form.cleaned_data["decision"],
                                            rationale=form.cleaned_data["rationale"],
                                            resulting_paragraph_ids=resulting)
            except ValidationError as exc:
                for field, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else
                                      [(None, exc.messages)]):
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("Decision recorded for %(n)s comment(s).") % {"n": len(ids)})
                return redirect(request.get_full_path())
        bound = (prefix, form)
    rows = selectors.disposition_rows(consultation, filters)
    page = keyset_page(rows, ordering=["id"], cursor=request.GET.get("after"), size=30)
    for comment in page.items:  # one form per row, with its own ids, so every label points at its field
        comment.form = DispositionForm(auto_id=f"c{comment.pk}_%s")
    groups = selectors.undecided_groups(consultation)
    for group in groups:
        group.form = DispositionForm(auto_id=f"g{group.pk}_%s")
    if bound is not None:
        prefix, form = bound
        for item in [*page.items, *groups]:
            if f"{'g' if isinstance(item, CommentGroup) else 'c'}{item.pk}" == prefix:
                item.form = form
        messages.error(request, _("The decision was not recorded: see the form marked below."))
    next_version = consultation.version.document.versions.filter(number__gt=consultation.version.number).order_by(
        "number").first()
    context = {
        "consultation": consultation, "page": page, "filters": filters,
        "types": Comment.Type.choices, "stakeholders": StakeholderType.choices,
        "decisions": Disposition.Decision.choices, "next_version": next_version,
        "undecided": services.undecided(consultation).count(),
        "groups": groups,
    }
    return render(request, "consultations/dispositions.html", context, status=422 if bound else 200)


def _resulting_paragraphs(consultation: Consultation, text: str) -> list[int]:
    numbers = [n.strip().lstrip("¶§ ").strip() for n in (text or "").replace(";", ",").split(",") if n.strip()]
    if not numbers:
        return []
    version = consultation.version.document.versions.filter(number__gt=consultation.version.number).order_by(
        "number").first()
    if version is None:
        raise ValidationError(_("There is no later version yet: import it first, then link paragraphs."))
    found = dict(version.paragraphs.filter(kind="paragraph", number__in=numbers).values_list("number", "pk"))
    missing = [n for n in numbers if n not in found]
    if missing:
        raise ValidationError(_("%(version)s has no paragraph %(n)s.") % {"version": version.label,
                                                                          "n": ", ".join(missing)})
    return list(found.values())



# --- Setting up: guideline documents and consultations (open, extend, close) ------------------

def _may_set_up(user) -> bool:
    return access.is_secretariat(user) or bool(access.user_organisation_ids(user))


@login_required
def document_create(request: SignedInRequest) -> HttpResponse:
    if not _may_set_up(request.user):
        raise PermissionDenied
    mine = access.user_organisation_ids(request.user)
    organisations = Organisation.objects.all() if access.is_secretariat(request.user) else Organisation.objects.filter(pk__in=mine)
    return form_view(
        request, DocumentForm(request.POST or None, organisations=organisations),
        save=lambda data: services.document_create(actor=request.user, **data),
        template="components/form_page.html", message=_("Guideline document created: import its first version."),
        context={"heading": _("New guideline document"), "stylesheet": "consultations.css", "back_url": reverse("consultations:consultation_list"),
                 "back_label": _("Consultations")},
        success_url=lambda document: reverse("consultations:document", args=[document.pk]),
    )


@login_required
def consultation_create(request: SignedInRequest) -> HttpResponse:
    """Open a consultation on a version the user may write (``?version=N`` chooses it)."""
    versions = access.writable(request.user, GuidelineVersion.objects.all())
    if not _may_set_up(request.user) or not versions.exists():
        raise PermissionDenied
    mine = access.user_organisation_ids(request.user)
    organisations = Organisation.objects.all() if access.is_secretariat(request.user) else Organisation.objects.filter(pk__in=mine)
    initial = {}
    if (version_id := query_id(request.GET.get("version", ""))) is not None:
        initial["version"] = version_id
    form = ConsultationForm(request.POST or None, initial=initial, versions=versions, organisations=organisations)
    return form_view(
        request, form, save=lambda data: services.consultation_create(actor=request.user, **data),
        template="components/form_page.html", message=_("Consultation created."),
        context={"heading": _("Open a consultation"), "stylesheet": "consultations.css", "back_url": reverse("consultations:consultation_list"),
                 "back_label": _("Consultations")},
        success_url=lambda consultation: reverse("consultations:consultation_detail", args=[consultation.pk]),
    )


@login_required
def consultation_extend(request: SignedInRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk, write=True)
    return form_view(
        request, ExtendForm(request.POST or None, zone_name=consultation.time_zone),
        save=lambda data: services.consultation_extend(actor=request.user, consultation=consultation, **data),
        template="components/form_page.html", message=_("The consultation is extended."),
        context={"heading": _("Extend: %(title)s") % {"title": consultation.title}, "stylesheet": "consultations.css",
                 "back_url": reverse("consultations:consultation_detail", args=[consultation.pk]),
                 "back_label": consultation.title,
                 "lede": _("It closes on %(closes)s now.") % {
                     "closes": services.format_instant(consultation.closes_at, consultation.time_zone)}},
        success_url=reverse("consultations:consultation_detail", args=[consultation.pk]),
    )


@login_required
def consultation_move(request: SignedInRequest, pk: int) -> HttpResponse:
    """Open now or close now (``status``); closing asks for confirmation first (``confirm=1``)."""
    consultation = _consultation(request, pk, write=True)
    back = reverse("consultations:consultation_detail", args=[consultation.pk])
    if request.method != "POST":
        return redirect(back)
    target = request.POST.get("status", "").strip()
    current = consultation.status
    if (CONSULTATION_LIFECYCLE.refusal(current, target) is None and target != current
            and CONSULTATION_LIFECYCLE.is_irreversible(target) and request.POST.get("confirm") != "1"):
        verbs = {m.target: m.verb for m in CONSULTATION_LIFECYCLE.moves(current)}
        return render(request, "components/confirm_move.html", {
            "object": consultation, "back_url": back, "field": "status", "target": target, "verb": verbs[target],
            "action_url": reverse("consultations:consultation_move", args=[consultation.pk]),
            "current_label": CONSULTATION_LIFECYCLE.label(current), "target_label": CONSULTATION_LIFECYCLE.label(target),
            "consequence": _("Comments stop at once; the consultation cannot be reopened or extended afterwards."),
        })
    try:
        services.consultation_move(actor=request.user, consultation=consultation, status=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.message_dict.get("status", exc.messages)))
    else:
        messages.success(request, _("The consultation is now %(status)s.") % {
            "status": CONSULTATION_LIFECYCLE.label(target)})
    return redirect(back)


# --- Lifecycles of guideline documents and versions (core.lifecycle) ---------------------------

def _move(request: SignedInRequest, obj: GuidelineDocument | GuidelineVersion, lifecycle: Lifecycle, *, back: str,
          action_url: str, move: Callable[[str], object], consequence: str = "") -> HttpResponse:
    """The buttons' POST: ``state`` names the target; an irreversible move asks for confirmation first
    (``confirm=1``); a refused one comes back as a message saying why."""
    if request.method != "POST":
        return redirect(back)
    target = request.POST.get("state", "").strip()
    current = obj.state
    if (lifecycle.refusal(current, target) is None and target != current and lifecycle.is_irreversible(target)
            and request.POST.get("confirm") != "1"):
        verbs = {m.target: m.verb for m in lifecycle.moves(current)}
        return render(request, "components/confirm_move.html", {
            "object": obj, "back_url": back, "action_url": action_url, "field": "state", "target": target,
            "verb": verbs[target], "current_label": lifecycle.label(current), "target_label": lifecycle.label(target),
            "consequence": consequence,
        })
    try:
        move(target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.message_dict.get("state", exc.messages)))
    else:
        messages.success(request, _("It is now %(state)s.") % {"state": lifecycle.label(target)})
    return redirect(back)


@login_required
def version_move(request: SignedInRequest, pk: int) -> HttpResponse:
    version = access.get_for_user(request.user, GuidelineVersion.objects.select_related("document"), pk, write=True)
    return _move(
        request, version, VERSION_LIFECYCLE, back=reverse("consultations:version", args=[version.pk]),
        action_url=reverse("consultations:version_move", args=[version.pk]),
        move=lambda state: services.version_move(actor=request.user, version=version, state=state,
                                                 change_log=request.POST.get("change_log", "")),
        consequence=_("The final text is the adopted guideline: it is published as such (and in the library) "
                      "and cannot return to being a draft."))


@login_required
def document_move(request: SignedInRequest, pk: int) -> HttpResponse:
    document = access.get_for_user(request.user, GuidelineDocument, pk, write=True)
    return _move(
        request, document, DOCUMENT_LIFECYCLE, back=reverse("consultations:document", args=[document.pk]),
        action_url=reverse("consultations:document_move", args=[document.pk]),
        move=lambda state: services.document_move(actor=request.user, document=document, state=state),
        consequence=_("It stays readable, marked as withdrawn, and no consultation can be opened on it again."))
