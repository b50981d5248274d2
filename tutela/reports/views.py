from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tutela.core import access, jobs
from tutela.core.forms import add_service_errors
from tutela.core.requests import SignedInRequest

from . import rendering, selectors, services
from .forms import ParagraphForm, ReportEditForm, ReportForm, translation_form, translation_texts
from .models import REPORT_LIFECYCLE, DraftStatus, Report, ReportFile, ReportParagraph


def report_list(request: HttpRequest) -> HttpResponse:
    reports = selectors.reports_for(request.user).select_related("initiative")
    return render(request, "reports/report_list.html", {"reports": reports})


@login_required
def report_create(request: SignedInRequest) -> HttpResponse:
    access.require_secretariat(request.user)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            report = services.report_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if services.report_draft_or_schedule(actor=request.user, report=report) is None:
                messages.info(request, _("Report defined. Drafting a large report in the background; "
                                         "this page updates when it is done."))
            else:
                messages.success(request, _("Report defined and drafted from the records. Review each paragraph."))
            return redirect("reports:report_detail", report.pk)
    return render(request, "reports/report_form.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def report_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    """Change a draft's details (title, number, dates, period, opening, grouping…) until it is signed off."""
    access.require_secretariat(request.user)
    report = get_object_or_404(Report, pk=pk)
    form = ReportEditForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.report_update(actor=request.user, report=Report.objects.get(pk=pk), **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved. Redraft from the records if the period or the records included changed."))
            return redirect("reports:report_detail", report.pk)
    return render(request, "reports/report_form.html", {"form": form, "report": report},
                  status=422 if form.errors else 200)


# The editor shows this many paragraphs per page (paragraph numbers are contiguous: 1..N).
PAGE_SIZE = 100


def _page_of(number: int) -> int:
    return max(1, (number - 1) // PAGE_SIZE + 1)


def _at(report: Report, number: int, pk: int | None = None) -> str:
    """The editor's URL for the page holding paragraph ``number``, anchored on paragraph ``pk``."""
    page = _page_of(number)
    url = report.get_absolute_url() + (f"?page={page}" if page > 1 else "")
    return f"{url}#p{pk}" if pk else url


def _landing(report: Report, pk: int, fallback: int) -> str:
    """Where to return after an action on paragraph ``pk``: its page now, or (deleted) the page of its old place."""
    number = ReportParagraph.objects.filter(pk=pk).values_list("order", flat=True).first()
    if number is not None:
        return _at(report, number, pk)
    neighbour = (report.paragraphs.filter(order__gte=fallback).order_by("order").values_list("pk", "order").first()
                 or report.paragraphs.order_by("-order").values_list("pk", "order").first())
    return _at(report, neighbour[1], neighbour[0]) if neighbour else report.get_absolute_url()


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_for_user(request.user, Report.objects.select_related("initiative", "finalised_by"), pk)
    can_edit = access.is_secretariat(request.user) and not report.is_final
    frozen = report.snapshot["paragraphs"] if report.is_final and report.snapshot else None
    total = len(frozen) if frozen is not None else report.paragraphs.count()
    pages = _page_of(total)
    jump = _int(request.GET.get("p"))
    if jump is not None and total:  # "go to paragraph N": its page, anchored on it
        jump = min(max(jump, 1), total)
        if frozen is not None:
            target = next((p["id"] for p in frozen if p["number"] == jump), None)
        else:
            target = report.paragraphs.filter(order=jump).values_list("pk", flat=True).first()
        return redirect(_at(report, jump, target))
    page = min(_int(request.GET.get("page")) or 1, pages)
    first, last = (page - 1) * PAGE_SIZE + 1, min(page * PAGE_SIZE, total)
    doc = rendering.document(report, numbers=(first, last) if pages > 1 else None)
    sections: list[tuple[int, str]] = []
    if pages > 1 and report.structure == Report.Structure.BY_PILLAR:
        if frozen is not None:
            seen: dict[str, int] = {}
            for p in frozen:
                if p["section"]:
                    seen.setdefault(p["section"], p["number"])
            sections = sorted(((n, s) for s, n in seen.items()))
        else:
            sections = [(row["first"], row["section"]) for row in report.paragraphs.exclude(section="")
                        .values("section").annotate(first=Min("order")).order_by("first")]
    # the section the page opens in is the one selected in "Go to section"
    current = max((n for n, _name in sections if n <= first), default=None)
    section_menu = [(n, name, n == current) for n, name in sections]
    context = {
        "report": report, "doc": doc, "can_edit": can_edit, "total": total,
        "moves": REPORT_LIFECYCLE.moves(report.status) if access.is_secretariat(request.user) else [],
        "internal": access.is_secretariat(request.user),  # the internal copy: it alone says who signed off
        "translation_languages": selectors.translation_languages(report) if access.is_secretariat(request.user) else [],
        "job": (job := _draft_job(report) if report.draft_status else None), "poll_seconds": DRAFT_POLL_SECONDS,
        "progress": selectors.draft_progress(report, job) if job else None,
        "pager": {"page": page, "pages": pages, "first": first, "last": last, "sections": section_menu,
                  "previous": page - 1 if page > 1 else None, "next": page + 1 if page < pages else None,
                  "near": [n for n in range(max(1, page - 2), min(pages, page + 2) + 1)]} if pages > 1 else None,
    }
    return render(request, "reports/report_detail.html", context)


@login_required
def report_period(request: SignedInRequest, pk: int) -> HttpResponse:
    """The period, chosen in the open: every candidate record with its reason; include or exclude each."""
    access.require_secretariat(request.user)
    report = get_object_or_404(Report, pk=pk)
    status = 200
    if request.method == "POST":
        key = request.POST.get("key", "")
        try:
            services.report_choose(actor=request.user, report=report, key=key, choice=request.POST.get("choice", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 422
        else:
            messages.success(request, _("Saved. Redraft from the records to apply it."))
            group, page = selectors.candidate_place(selectors.period_preview(report), key)
            where = f"?group={group}&page={page}" if group else ""
            return redirect(f"{reverse('reports:report_period', args=[report.pk])}{where}#c-{key.replace(':', '-')}")
        report.refresh_from_db()
    candidates = selectors.period_preview(report)
    return render(request, "reports/report_period.html", {
        "report": report, "candidates": candidates, "can_edit": not report.is_final,
        "included": sum(c.included for c in candidates),
        "groups": selectors.period_groups(candidates, group=request.GET.get("group", ""),
                                          page=_int(request.GET.get("page")) or 1),
    }, status=status)


def report_sources(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.get_for_user(request.user, Report, pk)
    return render(request, "reports/report_sources.html", {"report": report, "doc": rendering.document(report)})


@login_required
def report_translations(request: SignedInRequest, pk: int, language: str) -> HttpResponse:
    """A report's paragraphs beside their translation into ``language``, a page of ``PAGE_SIZE`` at a time, saved
    through ``services.report_translate``. After sign-off the page shows them, no longer editable."""
    access.require_secretariat(request.user)
    report = get_object_or_404(Report, pk=pk)
    names = dict(selectors.translation_languages(report))
    if language not in names:
        raise Http404(_("Translations of this report are into %(languages)s.") % {"languages": ", ".join(names)})
    base = reverse("reports:report_translations", args=[report.pk, language])
    total = report.paragraphs.count()
    pages = _page_of(total)
    jump = _int(request.GET.get("p"))
    if jump is not None and total:
        jump = min(max(jump, 1), total)
        return redirect(f"{base}?page={_page_of(jump)}#n{jump}")
    page = min(_int(request.GET.get("page")) or 1, pages)
    first, last = (page - 1) * PAGE_SIZE + 1, min(page * PAGE_SIZE, total)
    paragraphs = list(report.paragraphs.filter(order__gte=first, order__lte=last).order_by("order"))
    form = translation_form(paragraphs, language, request.POST if request.method == "POST" else None,
                            disabled=report.is_final)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.report_translate(actor=request.user, report=report, language=language,
                                              texts=translation_texts(form, paragraphs))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, ngettext("Translation saved: %(n)s paragraph changed.",
                                                       "Translation saved: %(n)s paragraphs changed.", saved) % {"n": saved})
            return redirect(f"{base}?page={page}" if page > 1 else base)
    if form.errors:
        status = 422
    rows = [{"paragraph": p, "state": p.translation_state(language), "field": form[f"p{p.pk}"],
             "bullets": form[f"p{p.pk}_bullets"] if f"p{p.pk}_bullets" in form.fields else None,
             "confirmed": form[f"p{p.pk}_confirmed"] if f"p{p.pk}_confirmed" in form.fields else None}
            for p in paragraphs]
    return render(request, "reports/report_translations.html", {
        "report": report, "form": form, "rows": rows, "language": language, "language_name": names[language],
        "original_name": rendering.language_name(report.language), "counts": selectors.translation_counts(report, language),
        "total": total, "can_edit": not report.is_final,
        "pager": {"page": page, "pages": pages, "first": first, "last": last, "sections": [],
                  "previous": page - 1 if page > 1 else None, "next": page + 1 if page < pages else None,
                  "near": [n for n in range(max(1, page - 2), min(pages, page + 2) + 1)]} if pages > 1 else None,
    }, status=status)


def report_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = access.get_for_user(request.user, Report, pk)
    name = slugify(f"{report.title} {report.meeting}")[:80] or "report"
    language = rendering.export_language(request)
    if fmt in ReportFile.Format.values:
        try:
            result = services.report_file_get(actor=request.user, report=report, fmt=fmt, language=language)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(report.get_absolute_url())
        if isinstance(result, bytes):
            response = HttpResponse(result, content_type=ReportFile(format=fmt).content_type)
        elif result.is_done:
            return _file_response(result, name)
        else:  # a long PDF: the worker makes it; its page shows the progress
            return redirect("reports:report_file", report.pk, result.pk)
    elif fmt == "md":
        with translation.override(language):
            doc = rendering.document(report, version=language)
            response = HttpResponse(rendering.to_markdown(doc, site_url=settings.SITE_URL),
                                    content_type="text/markdown; charset=utf-8")
    elif fmt == "html":
        with translation.override(language):  # the document cites no sources
            return HttpResponse(rendering.to_html(rendering.document(report, links=False, version=language)))
    else:
        raise Http404(_("No such format: HTML, PDF, DOCX or Markdown (md)."))
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _file_response(file: ReportFile, name: str) -> HttpResponse:
    response = HttpResponse(bytes(file.content or b""), content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{file.format}"'
    response["Repr-Digest"] = services.repr_digest(file)
    response["ETag"] = f'"{file.sha256}"'
    return response


def report_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """A file the worker is making: a progress bar, polled by htmx (the page refreshes itself without JS)."""
    report = access.get_for_user(request.user, Report, pk)
    file = get_object_or_404(report.files.defer("content"), pk=file_pk)
    template = "reports/report_file.html#progress" if request.headers.get("HX-Request") else "reports/report_file.html"
    return render(request, template, {"report": report, "file": file, "poll_seconds": 3,
                                      "progress": selectors.file_progress(file)})


def report_file_download(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    report = access.get_for_user(request.user, Report, pk)
    file = get_object_or_404(report.files, pk=file_pk)
    if not file.is_done:
        return redirect("reports:report_file", report.pk, file.pk)
    return _file_response(file, slugify(f"{report.title} {report.meeting}")[:80] or "report")


@require_POST
@login_required
def report_draft(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_secretariat(request.user)
    report = get_object_or_404(Report, pk=pk)
    try:
        summary = services.report_draft_or_schedule(actor=request.user, report=report)
        if summary is None:
            messages.info(request, _("Drafting a large report in the background; this page updates when it is done."))
        else:
            messages.success(request, _(
                "Redrafted from the records: %(added)s new, %(updated)s updated, %(unchanged)s unchanged, "
                "%(pending)s edited paragraphs with new text waiting for you, %(stale)s no longer backed by records, "
                "%(deleted)s deleted by an editor left out."
            ) % summary)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:report_detail", report.pk)


# The report page asks for its background draft's state this often while the draft runs.
DRAFT_POLL_SECONDS = 3


def _draft_job(report: Report) -> selectors.DraftJob:
    job = selectors.draft_job(report)
    if job.state == DraftStatus.RUNNING and report.draft_task_id:
        # Nobody else may be sweeping (no worker alive): a page that follows a running draft asks for it.
        if jobs.sweep_tasks():
            report.refresh_from_db()
            job = selectors.draft_job(report)
    return job


def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The background draft's state: the page's polling fragment (htmx), or JSON."""
    report = access.get_for_user(request.user, Report, pk)
    job = _draft_job(report)
    if request.headers.get("HX-Request"):
        response = render(request, "reports/report_detail.html#drafting",
                          {"report": report, "job": job, "progress": selectors.draft_progress(report, job),
                           "can_edit": access.is_secretariat(request.user)
                           and not report.is_final, "poll_seconds": DRAFT_POLL_SECONDS})
        if job.state == DraftStatus.DONE:
            response["HX-Refresh"] = "true"  # show the drafted paragraphs
        return response
    return JsonResponse({"progress": selectors.draft_progress(report, job).done, "drafted_at": report.drafted_at,
                         "state": job.state,
                         "finished": not job.active, "failed": job.failed, "reason": job.reason})


@require_POST
@login_required
def report_draft_retry(request: SignedInRequest, pk: int) -> HttpResponse:
    """The "Try again" of a background draft that failed."""
    access.require_secretariat(request.user)
    report = get_object_or_404(Report, pk=pk)
    try:
        services.report_draft_retry(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, _("Drafting again in the background; this page updates when it is done."))
    return redirect("reports:report_detail", report.pk)


@login_required
def report_move(request: SignedInRequest, pk: int) -> HttpResponse:
    """The lifecycle's buttons (``REPORT_LIFECYCLE``): ``status`` names the target. Signing off cannot be undone,
    so it asks for confirmation first (``confirm=1``); a refused move comes back as a message saying why."""
    report = access.get_for_user(request.user, Report, pk)
    access.require_secretariat(request.user)
    back = reverse("reports:report_detail", args=[report.pk])
    if request.method != "POST":
        return redirect(back)
    target = request.POST.get("status", "").strip()
    if (REPORT_LIFECYCLE.refusal(report.status, target) is None and target != report.status
            and REPORT_LIFECYCLE.is_irreversible(target) and request.POST.get("confirm") != "1"):
        verbs = {m.target: m.verb for m in REPORT_LIFECYCLE.moves(report.status)}
        return render(request, "components/confirm_move.html", {
            "object": report, "back_url": back, "action_url": reverse("reports:report_move", args=[report.pk]),
            "field": "status", "target": target, "verb": verbs[target],
            "current_label": REPORT_LIFECYCLE.label(report.status), "target_label": REPORT_LIFECYCLE.label(target),
            "consequence": _("The text and its sources are frozen, and the PDF and DOCX are stored as signed off: "
                             "later changes to the records will not alter them. The report becomes public and "
                             "cannot return to draft."),
        })
    try:
        services.report_move(actor=request.user, report=report, status=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.message_dict.get("status", exc.messages)))
    else:
        if target == Report.Status.FINAL:
            messages.success(request, _("Signed off. The text is frozen; later changes to the records will not alter it."))
    return redirect(back)


def _paragraph_for(request: HttpRequest, pk: int) -> ReportParagraph:
    access.require_secretariat(request.user)
    return get_object_or_404(ReportParagraph.objects.select_related("report"), pk=pk)


@login_required
def paragraph_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    paragraph = _paragraph_for(request, pk)
    form = ParagraphForm(request.POST or None, initial={"text": paragraph.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.paragraph_edit(actor=request.user, paragraph=paragraph, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(_at(paragraph.report, paragraph.order, paragraph.pk))
    back = _at(paragraph.report, paragraph.order, paragraph.pk)
    return render(request, "reports/paragraph_form.html", {"form": form, "paragraph": paragraph, "back": back},
                  status=422 if form.errors else 200)


@require_POST
@login_required
def paragraph_action(request: SignedInRequest, pk: int, action: str) -> HttpResponse:
    paragraph = _paragraph_for(request, pk)
    report = paragraph.report
    try:
        if action == "accept":
            services.paragraph_accept_pending(actor=request.user, paragraph=paragraph)
        elif action == "dismiss":
            services.paragraph_dismiss_pending(actor=request.user, paragraph=paragraph)
        elif action == "revert":
            services.paragraph_revert(actor=request.user, paragraph=paragraph)
        elif action == "up":
            services.paragraph_move(actor=request.user, paragraph=paragraph, to=max(1, paragraph.order - 1))
        elif action == "down":
            services.paragraph_move(actor=request.user, paragraph=paragraph,
                                    to=min(report.paragraphs.count(), paragraph.order + 1))
        elif action == "merge":
            services.paragraph_merge_next(actor=request.user, paragraph=paragraph)
        elif action == "split":
            services.paragraph_split(actor=request.user, paragraph=paragraph,
                                     after_sentence=int(request.POST.get("after", "0") or 0))
        elif action == "delete":
            services.paragraph_delete(actor=request.user, paragraph=paragraph)
        else:
            return HttpResponse(status=404)
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect(_landing(report, paragraph.pk, paragraph.order))


@require_POST
@login_required
def paragraph_add(request: SignedInRequest, pk: int) -> HttpResponse:
    access.require_secretariat(request.user)
    report = get_object_or_404(Report, pk=pk)
    after = _int(request.POST.get("after"))
    try:
        added = services.paragraph_add(actor=request.user, report=report, text=request.POST.get("text", ""), after=after)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_at(report, after) if after else report.get_absolute_url())
    return redirect(_at(report, added.order, added.pk))
