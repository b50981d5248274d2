"""Pages for bulletins: sign-up, confirmation, the no-account subscription page, one-click
unsubscribe, the public archive (with Atom feed) and the secretariat's workspace."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tutela.core import ratelimit, translations
from tutela.core.feeds import LanguageAtom1Feed
from tutela.core.forms import add_service_errors
from tutela.core.languages import bcp47
from tutela.core.requests import SignedInRequest
from tutela.core.translation_views import translation_form_view
from tutela.core.views import form_view

from . import rendering, selectors, services, tokens
from .forms import (
    BulletinForm,
    CommitmentDeliveryForm,
    ImportForm,
    ListForm,
    ManageForm,
    ManageRequestForm,
    SendForm,
    SubscribeForm,
)
from .models import LANGUAGES, Bulletin

SIGNUP_LIMIT = ratelimit.Limit("bulletin-signup-ip", 10, 3600)
LINK_LIMIT = ratelimit.Limit("bulletin-link-ip", 5, 3600)


def _where(request: HttpRequest) -> str:
    return f"{request.path} from {request.META.get('REMOTE_ADDR', '?')}"


def _bad_token(request: HttpRequest, exc: tokens.BadToken) -> HttpResponse:
    message = (_("This link has expired. Ask for a new one below.") if exc.expired else
               _("This link is not valid: it may have been altered, or replaced by a newer one. Ask for a new one below."))
    return render(request, "bulletins/message.html", {"title": _("Link not valid"), "message": message,
                                                       "form": ManageRequestForm()}, status=400)


# --- Public -------------------------------------------------------------------------------------

def archive_index(request: HttpRequest) -> HttpResponse:
    return render(request, "bulletins/archive_index.html", {"lists": selectors.public_lists()})


def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refusal = ratelimit.hit(SIGNUP_LIMIT, request.META.get("REMOTE_ADDR"))
        if refusal:
            return ratelimit.too_many_requests(request, refusal, _("Too many sign-ups from this address; try again later."))
        data = form.cleaned_data
        try:
            services.subscribe_public(email=data["email"], lists=list(data["lists"]), language=data["language"],
                                      topics=data["topics"], consent=data["consent"], source=_where(request))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "bulletins/message.html", {
                "title": _("Check your mailbox"),
                "message": _("If the address is right, a message with a confirmation link is on its way. "
                             "Nothing will be sent to you until you open it.")})
    return render(request, "bulletins/subscribe.html", {"form": form},
                  status=422 if request.method == "POST" else 200)


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); POST confirms."""
    try:
        tokens.read(tokens.CONFIRM, token)
        if request.method == "POST":
            confirmed = services.subscription_confirm(token=token, source=_where(request))
            names = ", ".join(s.mailing_list.name for s in confirmed)
            return render(request, "bulletins/message.html", {
                "title": _("Subscribed"),
                "message": (_("You are subscribed to: %(l)s.") % {"l": names}) if confirmed else
                _("This link was used already: your subscriptions are confirmed.")})
    except tokens.BadToken as exc:
        return _bad_token(request, exc)
    return render(request, "bulletins/confirm.html", {"action": request.path})


def manage_request(request: HttpRequest) -> HttpResponse:
    form = ManageRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refusal = ratelimit.hit(LINK_LIMIT, request.META.get("REMOTE_ADDR"))
        if refusal:
            return ratelimit.too_many_requests(request, refusal, _("Too many requests; try again later."))
        try:
            services.manage_link_send(email=form.cleaned_data["email"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "bulletins/message.html", {
                "title": _("Check your mailbox"),
                "message": _("If this address receives bulletins, a link to your subscriptions is on its way.")})
    return render(request, "bulletins/message.html", {"title": _("Your subscriptions"), "form": form,
                                                       "message": _("We will mail you a link to see and change them.")},
                  status=422 if request.method == "POST" else 200)


def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = services._manage_subscriber(token)
    except tokens.BadToken as exc:
        return _bad_token(request, exc)
    active = list(subscriber.subscriptions.exclude(status="unsubscribed").values_list("mailing_list_id", flat=True))
    form = ManageForm(request.POST or None, subscriber=subscriber,
                      initial={"language": subscriber.language, "topics": subscriber.topics, "lists": active})
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            subscriber = services.subscriptions_manage(
                token=token, language=form.cleaned_data["language"], topics=form.cleaned_data["topics"],
                keep=[m.pk for m in form.cleaned_data["lists"]], source=_where(request))
            saved = True
        except ValidationError as exc:
            add_service_errors(form, exc)
        except tokens.BadToken as exc:
            return _bad_token(request, exc)
    return render(request, "bulletins/manage.html", {"form": form, "subscriber": subscriber, "saved": saved},
                  status=422 if request.method == "POST" and not saved else 200)


@csrf_exempt  # RFC 8058: the one-click POST comes from a mail client, with no session or CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        tokens.read(tokens.UNSUBSCRIBE, token)
        if request.method == "POST":
            one_click = request.POST.get("List-Unsubscribe") == "One-Click"
            result = services.unsubscribe(token=token, method="one_click" if one_click else "manage",
                                          source=_where(request))
            message = (_("You had already left “%(l)s”; nothing changed.") if result.already else
                       _("You have left “%(l)s”. No more bulletins from this list will be sent to you.")) \
                % {"l": result.subscription.mailing_list.name}
            return render(request, "bulletins/message.html", {"title": _("Unsubscribed"), "message": message})
    except tokens.BadToken as exc:
        return _bad_token(request, exc)
    return render(request, "bulletins/unsubscribe.html", {"action": request.path})


def archive(request: HttpRequest, slug: str) -> HttpResponse:
    mailing_list = selectors.archive_list(slug)
    wanted = translations.active()
    rows = []
    for bulletin in selectors.archived(mailing_list)[:200]:
        frozen = bulletin.rendered.get(wanted) or {}
        english = not frozen or "subject" in frozen.get("english", [])
        rows.append({"bulletin": bulletin, "subject": frozen.get("subject") or bulletin.rendered.get("en", {}).get(
            "subject", bulletin.subject), "english": english and wanted != "en"})
    return render(request, "bulletins/archive.html", {
        "list": mailing_list, "rows": rows,
        "note": translations.note_html(wanted) if any(r["english"] for r in rows) else ""})


def _language(request: HttpRequest, bulletin: Bulletin) -> str:
    wanted = request.GET.get("lang") or str(getattr(request, "LANGUAGE_CODE", "en"))
    return wanted if wanted in bulletin.rendered else "en"


def archive_bulletin(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The bulletin as sent, in the page's language (or ``?lang=``) when it was sent in it; otherwise
    the English, marked ``lang="en"`` with the note (as are texts left untranslated in that language)."""
    bulletin = selectors.archived_bulletin(slug, pk)
    wanted = (request.GET.get("lang") or translations.active()).lower()
    language = _language(request, bulletin)
    frozen = bulletin.rendered.get(language) or {}
    english = language != wanted or bool(frozen.get("english"))
    names = dict(LANGUAGES)
    return render(request, "bulletins/archive_bulletin.html", {
        "bulletin": bulletin, "frozen": frozen, "language": language,
        "note": translations.note_html(wanted) if english and wanted in translations.languages() else "",
        "languages": [(code, names.get(code, code)) for code in sorted(bulletin.rendered)]})


def archive_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The archive as Atom in the page's language (``/fr/bulletins/archive/<slug>/feed.atom``): each bulletin as
    sent in that language, else its English, the entry then marked ``xml:lang="en"`` and its content opened
    by the note "This text is not yet available in …; shown in English." (as the archive's pages show it)."""
    mailing_list = selectors.archive_list(slug)
    wanted = translations.active()
    link = settings.SITE_URL + reverse("bulletins:archive", args=[slug])
    feed = LanguageAtom1Feed(title=mailing_list.name, link=link, description=mailing_list.description,
                       feed_url=settings.SITE_URL + request.path, language=bcp47(wanted))
    for bulletin in selectors.archived(mailing_list)[:50]:
        frozen = bulletin.rendered.get(wanted) or {}
        shown = frozen or bulletin.rendered.get("en") or {}
        language = wanted if frozen else "en"
        english = set(frozen.get("english", [])) if frozen else {"subject", "body"}
        note = translations.note_html(wanted) if english and wanted != "en" else ""
        direction = "rtl" if language == "ar" else "ltr"
        content = format_html('{}<div lang="{}" dir="{}">{}</div>', note, bcp47(language), direction,
                              mark_safe(shown.get("fragment", "")))  # noqa: S308 — rendered and escaped at sending
        url = settings.SITE_URL + reverse("bulletins:archive_bulletin", args=[slug, bulletin.pk])
        feed.add_item(title=shown.get("subject", bulletin.subject), link=url, description=content,
                      pubdate=bulletin.sent_at, unique_id=url, lang="en" if "subject" in english and wanted != "en" else "")
    return HttpResponse(feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


# --- Secretariat --------------------------------------------------------------------------------

@login_required
def index(request: SignedInRequest) -> HttpResponse:
    return render(request, "bulletins/index.html", {"lists": selectors.lists_for(request.user),
                                                    "bulletins": selectors.bulletins_for(request.user)[:100]})


@login_required
def list_create(request: SignedInRequest) -> HttpResponse:
    selectors.lists_for(request.user)
    return form_view(request, ListForm(request.POST or None),
                     save=lambda data: services.list_create(actor=request.user, **data),
                     template="bulletins/form_page.html", context={"title": _("New list")},
                     success_url=lambda created: reverse("bulletins:list_detail", args=[created.pk]))


@login_required
def list_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    mailing_list = selectors.list_for(request.user, pk)
    return render(request, "bulletins/list_detail.html", {
        "list": mailing_list, "form": ImportForm(), "imports": mailing_list.imports.all()[:10],
        "subscriptions": mailing_list.subscriptions.select_related("subscriber").order_by("subscriber__email")[:200]})


@login_required
@require_POST
def list_import(request: SignedInRequest, pk: int) -> HttpResponse:
    mailing_list = selectors.list_for(request.user, pk)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.subscriber_import_queue(actor=request.user, mailing_list=mailing_list, upload=upload,
                                               name=upload.name, dry_run=form.cleaned_data["dry_run"])
        return redirect("bulletins:import_job", pk=job.pk)
    return render(request, "bulletins/list_detail.html", {
        "list": mailing_list, "form": form, "imports": mailing_list.imports.all()[:10], "subscriptions": []}, status=422)


@login_required
def import_job(request: SignedInRequest, pk: int) -> HttpResponse:
    selectors.lists_for(request.user)
    from .models import SubscriberImport

    job = SubscriberImport.objects.select_related("mailing_list").filter(pk=pk).first()
    if job is None:
        raise Http404
    if job.is_dead:
        services.imports_sweep(job_id=job.pk)
        job.refresh_from_db()
    template = "bulletins/import_job.html#job" if request.headers.get("HX-Request") else "bulletins/import_job.html"
    return render(request, template, {"job": job})


def _bulletin_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {"subject": data["subject"], "body": data["body"], "blocks": list(data["blocks"]),
            "blocks_since": data["blocks_since"], "topics": list(data["topics"]), "commitment": data["commitment"]}


@login_required
def bulletin_create(request: SignedInRequest) -> HttpResponse:
    form = BulletinForm(request.POST or None)
    form.fields["mailing_list"] = forms.ModelChoiceField(label=_("List"), queryset=selectors.lists_for(request.user))
    return form_view(request, form, template="bulletins/form_page.html", context={"title": _("New bulletin")},
                     save=lambda data: services.bulletin_create(actor=request.user, mailing_list=data["mailing_list"],
                                                                organisations=data["organisations"], **_bulletin_fields(data)),
                     success_url=lambda created: reverse("bulletins:bulletin_detail", args=[created.pk]))


@login_required
def bulletin_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_for(request.user, pk)
    initial = {"subject": bulletin.subject, "body": bulletin.body, "blocks": bulletin.blocks,
               "blocks_since": bulletin.blocks_since, "topics": bulletin.topics, "commitment": bulletin.commitment,
               "organisations": list(bulletin.organisations.all())}
    return form_view(request, BulletinForm(request.POST or None, initial=initial), template="bulletins/form_page.html",
                     context={"title": _("Edit %(s)s") % {"s": bulletin.subject}},
                     save=lambda data: services.bulletin_update(actor=request.user, bulletin=bulletin,
                                                                organisations=data["organisations"], **_bulletin_fields(data)),
                     success_url=reverse("bulletins:bulletin_detail", args=[bulletin.pk]))


@login_required
def bulletin_translate(request: SignedInRequest, pk: int, language: str) -> HttpResponse:
    """The bulletin's subject and text in one language (secretariat), from the bulletin's page."""
    bulletin = selectors.bulletin_for(request.user, pk)  # secretariat only
    return translation_form_view(
        request, bulletin, language, back_url=reverse("bulletins:bulletin_detail", args=[pk]), back_label=bulletin.subject,
        save=lambda data: services.bulletin_translate(actor=request.user, bulletin=bulletin, language=language,
                                                      values=data))


@login_required
def bulletin_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_for(request.user, pk)
    editable = bulletin.status in {Bulletin.Status.DRAFT, Bulletin.Status.SCHEDULED}
    counts = selectors.delivery_counts(bulletin)
    progress = selectors.send_progress(bulletin, request.path, counts)
    if request.headers.get("HX-Request") and progress is not None:  # the progress polling itself
        return render(request, "components/progress.html", {"progress": progress})
    names = dict(LANGUAGES)
    return render(request, "bulletins/bulletin_detail.html", {
        "bulletin": bulletin, "problems": services.bulletin_problems(bulletin) if editable else [],
        "counts": counts, "send_form": SendForm(), "editable": editable, "progress": progress,
        "versions": [(code, names[code]) for code in sorted(bulletin.translations or {}) if code in names],
        "languages": LANGUAGES,
        "cadence": selectors.cadence_against_deliveries(bulletin.commitment) if bulletin.commitment else None})


@login_required
def bulletin_preview(request: SignedInRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_for(request.user, pk)
    language = request.GET.get("lang", "en")
    try:
        content = rendering.content(bulletin, language if language in dict(LANGUAGES) else "en")
    except rendering.TemplateProblem as exc:
        return render(request, "bulletins/message.html", {"title": _("Preview"), "message": str(exc)}, status=422)
    return render(request, "bulletins/preview.html", {"bulletin": bulletin, "content": content, "languages": LANGUAGES})


@login_required
@require_POST
def bulletin_test(request: SignedInRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_for(request.user, pk)
    try:
        services.bulletin_test_send(actor=request.user, bulletin=bulletin, language=request.POST.get("language", "en"))
    except ValidationError as exc:
        return render(request, "bulletins/message.html", {"title": _("Not sent"), "message": " ".join(exc.messages)}, status=422)
    return redirect("bulletins:bulletin_detail", pk=bulletin.pk)


@login_required
@require_POST
def bulletin_send(request: SignedInRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_for(request.user, pk)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            services.bulletin_send(actor=request.user, bulletin=bulletin, send_at=form.cleaned_data["send_at"])
            return redirect("bulletins:bulletin_detail", pk=bulletin.pk)
        except ValidationError as exc:
            return render(request, "bulletins/message.html", {"title": _("Not sent"), "messages_list": exc.messages,
                                                               "message": _("Nothing was sent:")}, status=422)
    return render(request, "bulletins/message.html", {"title": _("Not sent"), "message": _("Give a valid date and time.")},
                  status=422)


@login_required
@require_POST
def bulletin_unschedule(request: SignedInRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_for(request.user, pk)
    try:
        services.bulletin_unschedule(actor=request.user, bulletin=bulletin)
    except ValidationError as exc:
        return render(request, "bulletins/message.html", {"title": _("Not changed"), "message": " ".join(exc.messages)},
                      status=422)
    return redirect("bulletins:bulletin_detail", pk=bulletin.pk)


# --- What delivered a commitment (reached from its agreement's page) -----------------------------

def _agreement_url(commitment: Any) -> str:
    return reverse("partners:agreement_detail", args=[commitment.agreement_id]) + "#commitment-deliveries"


@login_required
def commitment_delivery_create(request: SignedInRequest, pk: int) -> HttpResponse:
    """Name the activity, document or bulletin that delivered a commitment once (its parties, the secretariat)."""
    commitment = selectors.commitment_for(request.user, pk, write=True)
    form = CommitmentDeliveryForm(request.POST or None,
                                  candidates=selectors.delivery_candidates(request.user, commitment))
    return form_view(
        request, form,
        save=lambda data: services.commitment_delivery_add(actor=request.user, commitment=commitment, **data),
        template="components/form_page.html", message=_("Delivery recorded."), success_url=_agreement_url(commitment),
        context={"heading": _("Record a delivery"), "back_url": _agreement_url(commitment),
                 "back_label": commitment.agreement.title,
                 "lede": _("Which record fulfilled “%(commitment)s” (%(cadence)s)? Name one.") % {
                     "commitment": commitment.text, "cadence": commitment.get_cadence_display().lower()}},
    )


@require_POST
@login_required
def commitment_delivery_remove(request: SignedInRequest, pk: int) -> HttpResponse:
    """Remove a wrong link (the ``delivery`` named in the form) from the commitment."""
    commitment = selectors.commitment_for(request.user, pk, write=True)
    if not request.POST.get("delivery", "").isdigit():
        return render(request, "bulletins/message.html", {"title": _("Not changed"),
                                                          "message": _("Name the delivery to remove.")}, status=422)
    services.commitment_delivery_remove(actor=request.user,
                                        delivery=selectors.delivery_of(commitment, request.POST["delivery"]))
    messages.success(request, _("The link was removed: that record no longer counts as a delivery."))
    return redirect(_agreement_url(commitment))
