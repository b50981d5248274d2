"""Every change to lists, subscribers, consent, bulletins and deliveries (see docs/bulletins.md).

Sending: ``bulletin_send`` checks the bulletin (``bulletin_problems``), freezes what each language
will say and queues it; the worker's ``bulletin_deliver`` claims it (``tutela.core.jobs`` lease),
lists the recipients once (one ``Delivery`` row each, in one transaction) and sends the queued rows
in batches over one SMTP connection per batch, marking a batch sent in one statement. A worker
killed mid-batch leaves that batch queued: the resumed run sends it again with the same
Message-ID (receivers and the benchmark's sink count by Message-ID), and nothing is lost. A mail
server that is down leaves the bulletin queued with a growing delay (``retry_at``), picked up again
by ``sending_sweep``.
"""

import email
import email.header
import email.message
import email.policy
import email.quoprimime
import hashlib
import hmac
import re
import secrets
import smtplib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from functools import partial
from html import escape
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, mailers, send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tutela.core import access, audit, jobs, translations
from tutela.core.access import Actor
from tutela.core.jobs import ImportReport
from tutela.core.services import save_audited

from . import rendering, tasks, tokens
from .models import (
    LANGUAGES,
    Bulletin,
    CommitmentDelivery,
    ConsentRecord,
    Delivery,
    MailingList,
    Subscriber,
    SubscriberImport,
    Subscription,
)

LANGUAGE_CODES = {code for code, _name in LANGUAGES}
TOPICS = ["pillars", "events", "documents", "consultations", "figures", "training"]
MAX_BODY_CHARS = 200_000  # a bulletin is read in a mail client; 10 MB of Markdown is a mistake


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def _email(value: Any, field: str = "email") -> str:
    address = str(value or "").strip()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ValidationError({field: _("“%(e)s” is not an e-mail address.") % {"e": address[:80]}}) from exc
    local, _at, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def _language(value: Any) -> str:
    code = str(value or "en").strip().lower()
    code = {"zh": "zh-hans", "zh-cn": "zh-hans"}.get(code, code)
    if code not in LANGUAGE_CODES:
        raise ValidationError({"language": _("“%(l)s” is not one of the languages: %(all)s.")
                               % {"l": code[:20], "all": ", ".join(sorted(LANGUAGE_CODES))}})
    return code


def _topics(values: Iterable[Any]) -> list[str]:
    chosen = sorted({str(v).strip().lower() for v in values if str(v).strip()})
    unknown = [t for t in chosen if t not in TOPICS]
    if unknown:
        raise ValidationError({"topics": _("Unknown topics: %(t)s (known: %(k)s).")
                               % {"t": ", ".join(unknown)[:100], "k": ", ".join(TOPICS)}})
    return chosen


def _token_id(value: dict[str, Any], name: str) -> int:
    """The id a signed link carries; a link without one is not valid."""
    found = value.get(name)
    if not isinstance(found, int):
        raise tokens.BadToken()
    return found


def _consent(subscription: Subscription, action: str, method: str, text: str, source: str) -> ConsentRecord:
    return ConsentRecord.objects.create(subscription=subscription, action=action, method=method, text=text,
                                        source=(source or "")[:300], at=timezone.now())


# --- Lists -------------------------------------------------------------------------------------

@transaction.atomic
def list_create(*, actor: Actor, name: str, slug: str = "", kind: str = MailingList.Kind.PUBLIC, description: str = "",
                public_signup: bool = False, is_private: bool = False, consent_text: str = "") -> MailingList:
    access.require_secretariat(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the list a name.")})
    slug = slugify(slug or name)[:60]
    if not slug:
        raise ValidationError({"slug": _("Give the list an address name in Latin letters, e.g. member-states.")})
    if MailingList.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("A list called “%(s)s” exists already.") % {"s": slug}})
    if kind not in MailingList.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of list.")})
    mailing_list = MailingList(name=name[:200], slug=slug, kind=kind, description=description or "",
                               public_signup=public_signup, is_private=is_private)
    if (consent_text or "").strip():
        mailing_list.consent_text = consent_text.strip()
    return save_audited(mailing_list, actor=actor, action="mailing_list.create")


# --- Subscribers and consent -------------------------------------------------------------------

def _subscriber(address: str, language: str, name: str = "", topics: list[str] | None = None) -> tuple[Subscriber, bool]:
    # One person per address whatever the case of its local part (mail systems treat them alike).
    existing = Subscriber.objects.filter(email__iexact=address).order_by("pk").first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():  # two sign-ups at once: the unique index on lower(email) lets one in
            subscriber = Subscriber.objects.create(email=address, language=language, name=name[:200], topics=topics or [],
                                                   key=secrets.token_hex(8))
    except IntegrityError:
        return Subscriber.objects.get(email__iexact=address), False
    return subscriber, True


@transaction.atomic
def subscribe_public(*, email: str, lists: list[MailingList], language: str = "en", topics: Iterable[str] = (),
                     consent: bool, source: str) -> Subscriber:
    """The public sign-up: pending subscriptions, the consent text recorded, a confirmation mail.

    Answers the same whether the address was known or not (no enumeration); lists already
    active stay active, and no mail is sent for them."""
    address = _email(email)
    chosen_language = _language(language)
    chosen_topics = _topics(topics)
    if not consent:
        raise ValidationError({"consent": _("Tick the box to agree to receive the bulletins.")})
    lists = [m for m in lists if m.public_signup]
    if not lists:
        raise ValidationError({"lists": _("Choose at least one list.")})
    subscriber, created = _subscriber(address, chosen_language, topics=chosen_topics)
    pending = []
    for mailing_list in lists:
        subscription, _new = Subscription.objects.get_or_create(subscriber=subscriber, mailing_list=mailing_list)
        if subscription.status == Subscription.Status.ACTIVE:
            continue
        if subscription.status == Subscription.Status.UNSUBSCRIBED:
            Subscription.objects.filter(pk=subscription.pk).update(status=Subscription.Status.PENDING)
        _consent(subscription, ConsentRecord.Action.GIVEN, ConsentRecord.Method.WEB_FORM, mailing_list.consent_text, source)
        pending.append(subscription.pk)
    if created:
        audit.record(actor=None, action="subscriber.signed_up", target=subscriber,
                     changes={"lists": [None, [m.slug for m in lists]]})
    if pending:
        transaction.on_commit(partial(tasks.send_confirmation.enqueue, subscriber_id=subscriber.pk))
    return subscriber


def confirmation_send(*, subscriber_id: int) -> int:
    """Mail the confirmation link for every pending subscription (the worker's half of sign-up)."""
    subscriber = Subscriber.objects.get(pk=subscriber_id)
    pending = list(subscriber.subscriptions.filter(status=Subscription.Status.PENDING).select_related("mailing_list"))
    if not pending:
        return 0
    token = tokens.make(tokens.CONFIRM, s=subscriber.pk, k=subscriber.key, p=[s.pk for s in pending])
    link = settings.SITE_URL + reverse("bulletins:confirm", args=[token])
    days = _setting("BULLETINS_CONFIRM_DAYS", 7)
    names = "\n".join(f"- {s.mailing_list.name}" for s in pending)
    send_mail(
        _("Confirm your subscription"),
        _("Someone (we hope you) asked to receive these bulletins at this address:\n\n%(lists)s\n\n"
          "Open this link within %(days)s days to confirm:\n\n%(link)s\n\n"
          "If you did not ask for this, ignore this message: nothing will be sent.")
        % {"lists": names, "link": link, "days": days},
        None, [subscriber.email])
    return len(pending)


@transaction.atomic
def subscription_confirm(*, token: str, source: str) -> list[Subscription]:
    """Double opt-in, second half: the pending subscriptions named in the link become active."""
    value = tokens.read(tokens.CONFIRM, token)
    subscriber = Subscriber.objects.filter(pk=_token_id(value, "s"), key=value.get("k")).first()
    if subscriber is None:
        raise tokens.BadToken()
    confirmed = []
    for subscription in subscriber.subscriptions.select_for_update().filter(
            pk__in=value.get("p") or [], status=Subscription.Status.PENDING).select_related("mailing_list"):
        subscription.status = Subscription.Status.ACTIVE
        subscription.save(update_fields=["status", "changed_at"])
        _consent(subscription, ConsentRecord.Action.CONFIRMED, ConsentRecord.Method.CONFIRMATION,
                 subscription.mailing_list.consent_text, source)
        audit.record(actor=None, action="subscription.confirm", target=subscription,
                     changes={"status": ["pending", "active"]})
        confirmed.append(subscription)
    return confirmed


@transaction.atomic
def subscriber_add(*, actor: Actor | None, mailing_list: MailingList, email: str, language: str = "en", name: str = "",
                   topics: Iterable[str] = (), consent_text: str, consent_source: str,
                   method: str = ConsentRecord.Method.STAFF) -> Subscription:
    """Add someone whose consent was given elsewhere (a form on paper, a registration): the text they
    agreed to and where it was given are required, and are recorded."""
    access.require_secretariat(actor)
    address = _email(email)
    chosen_language = _language(language)
    chosen_topics = _topics(topics)
    if not (consent_text or "").strip():
        raise ValidationError({"consent": _("Say what the person agreed to (the consent text); without it they cannot be added.")})
    if not (consent_source or "").strip():
        raise ValidationError({"consent_source": _("Say where the consent was given (form, meeting, file).")})
    subscriber, created = _subscriber(address, chosen_language, name=name or "", topics=chosen_topics)
    subscription, _new = Subscription.objects.get_or_create(subscriber=subscriber, mailing_list=mailing_list)
    if subscription.status == Subscription.Status.ACTIVE:
        raise ValidationError({"email": _("%(e)s is already on this list.") % {"e": address}})
    Subscription.objects.filter(pk=subscription.pk).update(status=Subscription.Status.ACTIVE, changed_at=timezone.now())
    subscription.refresh_from_db()
    _consent(subscription, ConsentRecord.Action.GIVEN, method, consent_text.strip(), consent_source)
    audit.record(actor=actor, action="subscription.add", target=subscription,
                 changes={"email": [None, address], "list": [None, mailing_list.slug], "method": [None, method]})
    return subscription


def _manage_subscriber(token: str) -> Subscriber:
    value = tokens.read(tokens.MANAGE, token)
    subscriber = Subscriber.objects.filter(pk=_token_id(value, "s"), key=value.get("k")).first()
    if subscriber is None:
        raise tokens.BadToken()
    return subscriber


def manage_link(subscriber: Subscriber) -> str:
    return settings.SITE_URL + reverse("bulletins:manage", args=[
        tokens.make(tokens.MANAGE, s=subscriber.pk, k=subscriber.key)])


def manage_link_send(*, email: str) -> None:
    """"Send me my link": mails the manage link if the address is known; says nothing either way."""
    try:
        address = _email(email)
    except ValidationError:
        raise
    subscriber = Subscriber.objects.filter(email__iexact=address).first()
    if subscriber is not None:
        transaction.on_commit(partial(tasks.send_manage_link.enqueue, subscriber_id=subscriber.pk))


def manage_link_mail(*, subscriber_id: int) -> None:
    subscriber = Subscriber.objects.get(pk=subscriber_id)
    send_mail(_("Your bulletin subscriptions"),
              _("Open this link to see and change the bulletins you receive (no account needed):\n\n%(link)s\n")
              % {"link": manage_link(subscriber)}, None, [subscriber.email])


@transaction.atomic
def subscriptions_manage(*, token: str, language: str, topics: Iterable[str], keep: Iterable[int], source: str) -> Subscriber:
    """The no-account page: change language and topics, leave lists (consent withdrawn), join public lists."""
    subscriber = _manage_subscriber(token)
    wanted = {int(pk) for pk in keep}

    def lists(subscriber: Subscriber) -> None:
        current = {s.mailing_list_id: s for s in subscriber.subscriptions.select_related("mailing_list")}
        for list_id, subscription in current.items():
            if subscription.status != Subscription.Status.UNSUBSCRIBED and list_id not in wanted:
                _withdraw(subscription, ConsentRecord.Method.MANAGE, source)
        for mailing_list in MailingList.objects.filter(pk__in=wanted, public_signup=True):
            existing = current.get(mailing_list.pk)
            if existing is not None and existing.status == Subscription.Status.ACTIVE:
                continue
            if existing is None:
                subscription = Subscription.objects.create(subscriber=subscriber, mailing_list=mailing_list,
                                                           status=Subscription.Status.ACTIVE)
            else:
                subscription = existing
                Subscription.objects.filter(pk=subscription.pk).update(status=Subscription.Status.ACTIVE,
                                                                       changed_at=timezone.now())
            # The link came to this mailbox, so the address is confirmed: consent is given here, once.
            _consent(subscription, ConsentRecord.Action.GIVEN, ConsentRecord.Method.MANAGE, mailing_list.consent_text,
                     source)

    return save_audited(subscriber, actor=None, action="subscriber.manage", allowed=["language", "topics"],
                        fields={"language": _language(language), "topics": _topics(topics)}, after=lists)


def _withdraw(subscription: Subscription, method: str, source: str) -> None:
    Subscription.objects.filter(pk=subscription.pk).update(status=Subscription.Status.UNSUBSCRIBED, changed_at=timezone.now())
    subscription.status = Subscription.Status.UNSUBSCRIBED
    _consent(subscription, ConsentRecord.Action.WITHDRAWN, method, "", source)
    audit.record(actor=None, action="subscription.unsubscribe", target=subscription,
                 changes={"status": ["active", "unsubscribed"], "method": [None, method]})


def unsubscribe_token(delivery: Delivery) -> str:
    return tokens.make(tokens.UNSUBSCRIBE, d=delivery.pk, k=delivery.subscriber.key)


@dataclass
class Unsubscribed:
    subscription: Subscription
    already: bool


@transaction.atomic
def unsubscribe(*, token: str, method: str, source: str) -> Unsubscribed:
    """One-click (RFC 8058), the page's button, or a mail to the unsubscribe address: leave the list
    the bulletin came from. A second use of the same link changes nothing and says so."""
    value = tokens.read(tokens.UNSUBSCRIBE, token)
    delivery = Delivery.objects.select_related("subscriber", "bulletin").filter(pk=_token_id(value, "d")).first()
    if delivery is None or delivery.subscriber.key != value.get("k"):
        raise tokens.BadToken()
    subscription = Subscription.objects.select_for_update().select_related("mailing_list").get(
        subscriber=delivery.subscriber, mailing_list_id=delivery.bulletin.mailing_list_id)
    if subscription.status == Subscription.Status.UNSUBSCRIBED:
        return Unsubscribed(subscription, already=True)
    _withdraw(subscription, method, source)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.UNSUBSCRIBED)
    return Unsubscribed(subscription, already=False)


# --- Import ------------------------------------------------------------------------------------

IMPORT_COLUMNS = ["email", "name", "language", "topics", "consent", "consent_source"]
YES = {"yes", "y", "true", "1", "oui", "si", "sí", "x"}


def subscribers_import(*, actor: Actor | None, mailing_list: MailingList, rows: list[dict[str, Any]], dry_run: bool = True,
                       file_name: str = "") -> ImportReport:
    """Add many subscribers at once, all or nothing; a dry run checks every row and saves nothing.

    Every row needs ``consent`` = yes: the list's consent text is what was agreed to, and
    ``consent_source`` (or the file name and line) is where."""
    access.require_secretariat(actor)
    if rows and "consent" not in rows[0]:
        raise ValidationError({"file": _("The file has no “consent” column. Add one (yes for each person who agreed "
                                         "to receive the bulletins); nobody was imported.")})
    seen: dict[str, int] = {}

    def text(row: dict[str, Any], name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value).strip()

    def add(line: int, row: dict[str, Any]) -> None:
        address = _email(text(row, "email"))
        if address.lower() in seen:
            raise ValidationError({"email": _("%(e)s is also on line %(l)s.") % {"e": address, "l": seen[address.lower()]}})
        seen[address.lower()] = line
        if text(row, "consent").lower() not in YES:
            raise ValidationError({"consent": _("No consent on this line (the consent column must say yes).")})
        subscriber_add(actor=actor, mailing_list=mailing_list, email=address, language=text(row, "language") or "en",
                       name=text(row, "name"), topics=[t for t in re.split(r"[;,]", text(row, "topics")) if t.strip()],
                       consent_text=mailing_list.consent_text,
                       consent_source=text(row, "consent_source") or f"{file_name}, line {line}",
                       method=ConsentRecord.Method.IMPORT)

    return jobs.import_rows(
        rows, add, dry_run=dry_run, label=lambda row: text(row, "email")[:80],
        done=lambda report: audit.record(actor=actor, action="mailing_list.subscribers_imported", target=mailing_list,
                                         changes={"subscribers": [None, report.created], "file": [None, file_name]}))


def subscriber_import_queue(*, actor: Actor, mailing_list: MailingList, upload: Any, name: str, dry_run: bool) -> SubscriberImport:
    """Store a subscriber file (vetted by ``forms.ImportForm``) and queue it for the worker."""
    access.require_secretariat(actor)
    return jobs.queue_file_import(SubscriberImport(mailing_list=mailing_list, dry_run=dry_run,
                                                   created_by=access.signed_in(actor)),
                                  upload=upload, name=name, stem="subscribers", actor=actor,
                                  action="subscriber_import.queued",
                                  enqueue=lambda pk: tasks.run_subscriber_import.enqueue(job_id=pk))


def subscriber_import_run(*, job_id: int) -> SubscriberImport:
    """The worker's half: read the file within the limits, import, and write the outcome in one transaction."""
    from .forms import read_rows

    return jobs.run_file_import(
        SubscriberImport, job_id, read_rows=read_rows, related=("mailing_list", "created_by"), keep_rows=200,
        apply=lambda job, rows: subscribers_import(actor=job.created_by, mailing_list=job.mailing_list, rows=rows,
                                                   dry_run=job.dry_run, file_name=job.original_name),
        refused=_("You may no longer add subscribers."))


def imports_sweep(*, job_id: int | None = None) -> int:
    return jobs.sweep_file_imports(SubscriberImport, action="subscriber_import", job_id=job_id,
                                   enqueue=lambda pk: tasks.run_subscriber_import.enqueue(job_id=pk))


# --- Bulletins ---------------------------------------------------------------------------------

BULLETIN_FIELDS = ["subject", "body", "blocks", "blocks_since", "topics", "commitment"]


def _check_bulletin(bulletin: Bulletin) -> None:
    bulletin.subject = (bulletin.subject or "").strip()
    if not (bulletin.subject or "").strip():
        raise ValidationError({"subject": _("Give the bulletin a subject.")})
    if len(bulletin.body or "") > MAX_BODY_CHARS:
        raise ValidationError({"body": _("The text is %(n)s characters; a bulletin may have at most %(m)s. "
                                         "Link to a document instead.") % {"n": len(bulletin.body), "m": MAX_BODY_CHARS}})
    bulletin.topics = _topics(bulletin.topics or [])
    unknown = [b for b in bulletin.blocks if b not in Bulletin.Block.values]
    if unknown or len(set(bulletin.blocks)) != len(bulletin.blocks):
        raise ValidationError({"blocks": _("Choose each block once, from: %(b)s.") % {"b": ", ".join(Bulletin.Block.values)}})
    try:
        rendering.to_html(bulletin.body)
    except rendering.TemplateProblem as exc:
        raise ValidationError({"body": str(exc)}) from exc


def _editable(actor: Actor, bulletin: Bulletin) -> None:
    access.require_secretariat(actor)
    if bulletin.status not in {Bulletin.Status.DRAFT, Bulletin.Status.SCHEDULED}:
        raise ValidationError({"status": _("This bulletin is being sent or was sent; it can no longer change.")})


@transaction.atomic
def bulletin_create(*, actor: Actor, mailing_list: MailingList, subject: str, body: str = "", blocks: list[str] | None = None,
                    blocks_since: Any = None, topics: Iterable[str] = (), organisations: Iterable[Any] = (),
                    commitment: Any = None) -> Bulletin:
    access.require_secretariat(actor)
    bulletin = Bulletin(mailing_list=mailing_list, subject=subject or "", body=body or "", blocks=list(blocks or []),
                        blocks_since=blocks_since, topics=list(topics), commitment=commitment,
                        created_by=access.signed_in(actor))
    return save_audited(bulletin, actor=actor, action="bulletin.create", check=_check_bulletin,
                        m2m={"organisations": list(organisations)})


@transaction.atomic
def bulletin_update(*, actor: Actor, bulletin: Bulletin, organisations: Iterable[Any] | None = None, **fields: Any) -> Bulletin:
    _editable(actor, bulletin)
    return save_audited(bulletin, actor=actor, action="bulletin.update", fields=fields, allowed=BULLETIN_FIELDS,
                        check=_check_bulletin, m2m={"organisations": None if organisations is None else list(organisations)})


@transaction.atomic
def bulletin_translate(*, actor: Actor, bulletin: Bulletin, language: str, values: dict[str, Any]) -> Bulletin:
    """The bulletin's subject and text in ``language`` (``core.translations``; English is the bulletin
    itself), while it can still be edited: what was sent is frozen. Audited as ``bulletin.translated``;
    the same checks as the English text (a template error, the length) besides the translation's own."""
    _editable(actor, bulletin)
    texts = translations.clean(Bulletin, language, values)
    have = (bulletin.translations or {}).get(language.strip().lower()) or {}
    merged = {**have, **texts}
    _check_bulletin(Bulletin(subject=merged.get("subject") or bulletin.subject, body=merged.get("body", ""), blocks=[]))
    return translations.save(bulletin, actor=actor, action="bulletin.translated", language=language, values=values)


def _texts(bulletin: Bulletin) -> list[tuple[str, str, str]]:
    """(language, subject, body) of the English text and of each language it is translated into, as sent."""
    texts = [("en", bulletin.subject, bulletin.body)]
    for code in sorted(bulletin.translations or {}):
        texts.append((code, str(translations.shown(bulletin, "subject", code)),
                      str(translations.shown(bulletin, "body", code))))
    return texts


def bulletin_problems(bulletin: Bulletin) -> list[str]:
    """Why the bulletin cannot be sent now; empty when it can. Every link to this site must open for
    the public, and every block must have something in it."""
    problems: list[str] = []
    texts = _texts(bulletin)
    for language, subject, body in texts:
        try:
            _check_bulletin(Bulletin(subject=subject, body=body, blocks=list(bulletin.blocks)))
        except ValidationError as exc:
            problems += [f"[{language}] {m}" for m in exc.messages]
    for kind in bulletin.blocks:
        found = rendering.block(kind, bulletin.blocks_since)
        if not found.items:
            problems.append(_("The block “%(b)s” is empty: nothing was published since %(d)s. Remove it or choose "
                              "an earlier date.") % {"b": found.heading, "d": bulletin.blocks_since or _("30 days ago")})
    checked: set[str] = set()
    for language, _subject, body in texts:
        for label, url in rendering.links(body):
            if url in checked:
                continue
            checked.add(url)
            problem = link_problem(url)
            if problem:
                problems.append(f"[{language}] “{label[:60]}” → {url[:120]}: {problem}")
    if next(recipients(bulletin), None) is None:
        problems.append(_("Nobody is subscribed to “%(l)s” yet.") % {"l": bulletin.mailing_list.name} if not bulletin.topics
                        else _("Nobody on “%(l)s” follows the topics %(t)s.")
                        % {"l": bulletin.mailing_list.name, "t": ", ".join(bulletin.topics)})
    return problems


def link_problem(url: str) -> str:
    """Why a link is broken, or "" (a page of this site must answer 200 to the public; other links
    must be well-formed http(s) or mailto: we do not call third parties)."""
    from urllib.parse import urlsplit

    from django.test import Client

    if url.startswith(settings.SITE_URL + "/"):
        url = url[len(settings.SITE_URL):]
    if url.startswith("/"):
        path = urlsplit(url).path
        try:
            resolve(path)
        except Resolver404:
            return _("no such page on this site")
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        allowed = settings.ALLOWED_HOSTS
        server = host if ("*" in allowed or host in allowed) else (allowed[0].lstrip(".") if allowed else "localhost")
        status = Client(raise_request_exception=False, SERVER_NAME=server).get(url).status_code
        return "" if status == 200 else _("the page answers %(s)s to the public") % {"s": status}
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"} and parts.netloc:
        return ""
    if parts.scheme == "mailto" and "@" in parts.path:
        return ""
    return _("not a web address (use https://… or a path starting with /)")


@transaction.atomic
def bulletin_send(*, actor: Actor, bulletin: Bulletin, send_at: datetime | None = None) -> Bulletin:
    """Check, freeze the text in every language, and queue (or schedule) the sending."""
    _editable(actor, bulletin)
    problems = bulletin_problems(bulletin)
    if problems:
        raise ValidationError({"__all__": problems})
    now = timezone.now()
    before = audit.snapshot(bulletin, ["status", "scheduled_at"])
    bulletin.rendered = _freeze(bulletin)
    if send_at is not None and send_at > now + timedelta(minutes=1):
        bulletin.status, bulletin.scheduled_at = Bulletin.Status.SCHEDULED, send_at
    else:
        bulletin.status, bulletin.scheduled_at = Bulletin.Status.QUEUED, now
    bulletin.save(update_fields=["rendered", "status", "scheduled_at"])
    audit.record(actor=actor, action="bulletin.send", target=bulletin, before=before)
    if bulletin.status == Bulletin.Status.QUEUED:
        transaction.on_commit(partial(tasks.deliver_bulletin.enqueue, bulletin_id=bulletin.pk))
    else:
        transaction.on_commit(partial(_enqueue_at, bulletin.pk, send_at))
    return bulletin


def _enqueue_at(bulletin_id: int, when: datetime | None) -> None:
    """Queue the sending for later where the task backend can defer; otherwise the worker's sweep
    (``sending_sweep``, every few heartbeats) starts it when it is due."""
    from django.tasks import default_task_backend

    if when is not None and default_task_backend.supports_defer:
        tasks.deliver_bulletin.using(run_after=when).enqueue(bulletin_id=bulletin_id)


def _freeze(bulletin: Bulletin) -> dict[str, dict[str, Any]]:
    languages = {"en"} | set(bulletin.translations or {})
    frozen = {}
    for language in sorted(languages):
        content = rendering.content(bulletin, language)
        frozen[language] = {"subject": content.subject, "html": content.html, "text": content.text,
                            "fragment": content.fragment, "english": list(content.english)}
    return frozen


@transaction.atomic
def bulletin_unschedule(*, actor: Actor, bulletin: Bulletin) -> Bulletin:
    access.require_secretariat(actor)
    if bulletin.status != Bulletin.Status.SCHEDULED:
        raise ValidationError({"status": _("Only a scheduled bulletin can go back to draft.")})
    before = audit.snapshot(bulletin, ["status", "scheduled_at"])
    Bulletin.objects.filter(pk=bulletin.pk, status=Bulletin.Status.SCHEDULED).update(
        status=Bulletin.Status.DRAFT, scheduled_at=None)
    bulletin.refresh_from_db()
    audit.record(actor=actor, action="bulletin.unschedule", target=bulletin, before=before)
    return bulletin


def bulletin_test_send(*, actor: Actor, bulletin: Bulletin, language: str = "en") -> None:
    """Send the bulletin, as it stands, to the person asking (their own address only)."""
    access.require_secretariat(actor)
    user = access.signed_in(actor)
    if user is None:
        raise PermissionDenied
    code = _language(language)
    try:
        rendering.content(bulletin, code)
    except rendering.TemplateProblem as exc:
        raise ValidationError({"body": str(exc)}) from exc
    audit.record(actor=actor, action="bulletin.test_send", target=bulletin, changes={"language": [None, code]})
    transaction.on_commit(partial(tasks.send_test.enqueue, bulletin_id=bulletin.pk, user_id=user.pk, language=code))


def test_mail_send(*, bulletin_id: int, user_id: int, language: str) -> None:
    from django.contrib.auth import get_user_model

    bulletin = Bulletin.objects.select_related("mailing_list").get(pk=bulletin_id)
    user = get_user_model().objects.get(pk=user_id)
    content = rendering.content(bulletin, language)
    frozen = {"subject": "[" + _("Test") + "] " + content.subject, "html": content.html, "text": content.text}
    mailing = Mailing(bulletin, frozen, from_header=_from_address(bulletin))
    message = mailing.message(to=user.email, message_id=f"<bulletin-{bulletin.pk}.test-{secrets.token_hex(6)}@"
                              f"{rendering.mail_domain()}>", unsubscribe_url=settings.SITE_URL + reverse("bulletins:archive_index"),
                              mailto="", manage_url="", return_path=None)
    with mailers.default as connection:
        connection.send_messages([message])


# --- Sending -----------------------------------------------------------------------------------

def _verp(delivery_id: int) -> str:
    """The return path of one delivery: bounces+<id>-<signature>@domain (VERP)."""
    sig = hmac.new(settings.SECRET_KEY.encode(), f"verp:{delivery_id}".encode(), hashlib.sha256).hexdigest()[:10]
    return f"{_setting('BULLETINS_BOUNCE_LOCAL', 'bounces')}+{delivery_id}-{sig}@{rendering.mail_domain()}"


VERP = re.compile(r"\+(\d+)-([0-9a-f]{10})@")


def verp_delivery(address: str) -> int | None:
    match = VERP.search(address or "")
    if match and _verp(int(match.group(1))).split("@")[0].endswith(f"{match.group(1)}-{match.group(2)}"):
        return int(match.group(1))
    return None


def _from_address(bulletin: Bulletin) -> str:
    from email.utils import formataddr, parseaddr

    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    senders = [o.acronym or o.name for o in bulletin.organisations.all()]
    display = " & ".join(senders) if senders else (name or "Tutela")
    return formataddr((f"{display} · {bulletin.mailing_list.name}"[:120], address), charset="utf-8")


CRLF = "\r\n"


def _qp(text: str) -> str:
    """Quoted-printable of UTF-8 text with CRLF line ends. Pieces encoded apart join with a soft line
    break ("=\\r\\n", which decodes to nothing), so a body is encoded once and only the footer per recipient."""
    return email.quoprimime.body_encode(text.replace("\r\n", "\n").encode("utf-8").decode("latin-1"), 76, CRLF)


def _phrase(text: str) -> str:
    """A header's words: as they are in ASCII, else RFC 2047 encoded (folded)."""
    text = " ".join(text.split())
    if text.isascii() and len(text) < 900:
        return text
    return email.header.Header(text, "utf-8", maxlinelen=76, header_name="Subject").encode(linesep=CRLF)


def _address(address: str) -> str:
    local, _at, domain = address.rpartition("@")
    return address if address.isascii() else f"{local}@{domain.encode('idna').decode('ascii')}"


def _url_template(name: str) -> str:
    return settings.SITE_URL + reverse(name, args=["TOKEN"]).replace("TOKEN", "{}")


class _Wire(email.message.Message):
    """A message already in its wire form: what Django's mail backends ask of a message."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data

    def as_bytes(self, unixfrom: bool = False, policy: Any = None) -> bytes:
        return self.data

    def as_string(self, unixfrom: bool = False, maxheaderlen: int = 0, policy: Any = None) -> str:
        return self.data.decode("utf-8", "replace")


class PreparedMessage(EmailMessage):
    """A bulletin message assembled by ``Mailing`` from parts encoded once; any configured mail backend sends it."""

    def __init__(self, data: bytes, *, from_email: str, to: str) -> None:
        super().__init__(from_email=from_email, to=[to])
        self.data = data

    def message(self, *, policy: email.policy.Policy = email.policy.default) -> _Wire:  # type: ignore[override]  # bytes are ready; nothing to build
        return _Wire(self.data)


class Mailing:
    """One bulletin in one language, rendered and encoded once when sending starts. ``message`` adds
    per recipient only what differs: To, Message-ID, Date, the unsubscribe and subscription links (in
    the List-Unsubscribe header and the footer) and the envelope sender (VERP). The one way a bulletin
    becomes mail: deliveries and the test send both come through here."""

    def __init__(self, bulletin: Bulletin, frozen: dict[str, str], *, from_header: str) -> None:
        mailing_list = bulletin.mailing_list
        domain = rendering.mail_domain()
        self.boundary = f"=_bulletin-{bulletin.pk}-{secrets.token_hex(6)}"  # "=_" cannot occur in quoted-printable
        archive = settings.SITE_URL + reverse("bulletins:archive", args=[mailing_list.slug])
        self.head = CRLF.join([
            f"From: {from_header}",
            f"Subject: {_phrase(frozen['subject'])}",
            f"List-Id: {_phrase(mailing_list.name)} <{mailing_list.slug}.{domain}>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            f"List-Archive: <{archive}>",
            "Precedence: bulk",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{self.boundary}"',
        ]) + CRLF
        part = '--{b}\r\nContent-Type: text/{t}; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
        self.text_head = part.format(b=self.boundary, t="plain")
        self.html_head = part.format(b=self.boundary, t="html")
        self.text = _qp(frozen["text"])
        before, _mark, after = frozen["html"].partition("<!--footer-->")
        self.html_before, self.html_after = _qp(before), _qp(after)
        notice = _("You receive this because you subscribed to %(l)s.") % {"l": mailing_list.name}
        self.footer_text = "\n\n-- \n" + notice
        self.footer_html = '<hr><p class="footer">' + escape(notice)
        self.manage_label, self.unsubscribe_label = _("Change your subscriptions"), _("Unsubscribe")
        self.manage_line, self.unsubscribe_line = _("Change your subscriptions: %(u)s"), _("Unsubscribe: %(u)s")
        self.manage_url = _url_template("bulletins:manage")
        self.unsubscribe_url = _url_template("bulletins:unsubscribe")
        self.mailto = f"mailto:{_setting('BULLETINS_UNSUBSCRIBE_LOCAL', 'unsubscribe')}@{domain}?subject=unsubscribe%20{{}}"

    def message(self, *, to: str, message_id: str, unsubscribe_url: str, mailto: str, manage_url: str,
                return_path: str | None, date: str = "") -> PreparedMessage:
        footer_text, footer_html = self.footer_text, self.footer_html
        if manage_url:
            footer_text += "\n" + self.manage_line % {"u": manage_url}
            footer_html += f' <a href="{escape(manage_url)}">{escape(self.manage_label)}</a>.'
        footer_text += "\n" + self.unsubscribe_line % {"u": unsubscribe_url} + "\n"
        footer_html += f' <a href="{escape(unsubscribe_url)}">{escape(self.unsubscribe_label)}</a>.</p>'
        unsubscribe = f"<{unsubscribe_url}>" + (f",{CRLF} <{mailto}>" if mailto else "")
        wire = "".join([
            f"To: {_address(to)}{CRLF}Message-ID: {message_id}{CRLF}Date: {date or format_datetime(timezone.now())}{CRLF}",
            f"List-Unsubscribe: {unsubscribe}{CRLF}", self.head, CRLF,
            self.text_head, self.text, "=" + CRLF, _qp(footer_text), CRLF,
            self.html_head, self.html_before, "=" + CRLF, _qp(footer_html), "=" + CRLF, self.html_after, CRLF,
            f"--{self.boundary}--{CRLF}"])
        return PreparedMessage(wire.encode("utf-8"), from_email=return_path or settings.DEFAULT_FROM_EMAIL, to=to)

    def for_delivery(self, *, delivery_id: int, email_address: str, message_id: str, subscriber_id: int,
                     key: str, date: str = "") -> PreparedMessage:
        token = tokens.make(tokens.UNSUBSCRIBE, d=delivery_id, k=key)
        return self.message(to=email_address, message_id=message_id, unsubscribe_url=self.unsubscribe_url.format(token),
                            mailto=self.mailto.format(token), return_path=_verp(delivery_id), date=date,
                            manage_url=self.manage_url.format(tokens.make(tokens.MANAGE, s=subscriber_id, k=key)))


def mailings(bulletin: Bulletin) -> dict[str, Mailing]:
    """Each language's ``Mailing`` of a bulletin being sent (from what was frozen when sending started)."""
    sender = _from_address(bulletin)
    return {language: Mailing(bulletin, frozen, from_header=sender) for language, frozen in bulletin.rendered.items()}


def delivery_message(bulletin: Bulletin, delivery: Delivery, prepared: dict[str, Mailing] | None = None) -> PreparedMessage:
    prepared = prepared or mailings(bulletin)
    mailing = prepared.get(delivery.language) or prepared["en"]
    return mailing.for_delivery(delivery_id=delivery.pk, email_address=delivery.email, message_id=delivery.message_id,
                                subscriber_id=delivery.subscriber_id, key=delivery.subscriber.key)


class _LostLease(Exception):
    pass


def recipients(bulletin: Bulletin) -> Iterator[tuple[int, str, str]]:
    """Who gets the bulletin: (subscriber id, address, language) of each active subscriber of an active
    subscription, in id order. A bulletin with topics goes to those who chose one of them, and to those who
    chose none (all news); one without topics goes to everyone on the list."""
    wanted = set(bulletin.topics or [])
    for pk, address, language, topics in (
            Subscriber.objects.filter(subscriptions__mailing_list=bulletin.mailing_list_id,
                                      subscriptions__status=Subscription.Status.ACTIVE, status=Subscriber.Status.ACTIVE)
            .values_list("pk", "email", "language", "topics").order_by("pk").iterator(chunk_size=2000)):
        if wanted and topics and not wanted.intersection(topics):
            continue
        yield pk, address, language


def _list_recipients(bulletin: Bulletin) -> int:
    """One delivery row per active subscriber of an active subscription, in one transaction (once)."""
    domain = rendering.mail_domain()
    with transaction.atomic():
        if Delivery.objects.filter(bulletin=bulletin).exists():
            return 0
        rows = []
        languages = set(bulletin.rendered)
        for pk, address, language in recipients(bulletin):
            rows.append(Delivery(bulletin_id=bulletin.pk, subscriber_id=pk, email=address,
                                 language=language if language in languages else "en",
                                 message_id=f"<bulletin-{bulletin.pk}.{pk}@{domain}>"))
            if len(rows) >= 2000:
                Delivery.objects.bulk_create(rows, ignore_conflicts=True)
                rows = []
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        return Delivery.objects.filter(bulletin=bulletin).count()


def _backoff(failures: int) -> timedelta:
    base = int(_setting("BULLETINS_RETRY_SECONDS", 60))
    return timedelta(seconds=min(base * (2 ** max(0, failures - 1)), 6 * 3600))


def bulletin_deliver(*, bulletin_id: int) -> Bulletin:
    """The worker's half: claim the bulletin, list recipients once, send what is still queued."""
    from tutela.core import jobs

    now = timezone.now()
    Bulletin.objects.filter(pk=bulletin_id, status=Bulletin.Status.SCHEDULED, scheduled_at__lte=now).update(
        status=Bulletin.Status.QUEUED)
    if not jobs.claim(Bulletin, bulletin_id, from_status=Bulletin.Status.QUEUED, retry_at=None):
        return Bulletin.objects.get(pk=bulletin_id)
    # organisations prefetched: the From line of every message reads them
    bulletin = Bulletin.objects.select_related("mailing_list").prefetch_related("organisations").get(pk=bulletin_id)
    me = jobs.worker_name()
    batch_size = max(1, int(_setting("BULLETINS_BATCH_SIZE", 50)))
    rate = float(_setting("BULLETINS_RATE_PER_SECOND", 20))
    started, sent_total = time.monotonic(), 0
    try:
        _list_recipients(bulletin)
        prepared = mailings(bulletin)  # each language rendered and encoded once for the whole run
        while True:
            batch = list(Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.QUEUED).order_by("pk")
                         .values_list("pk", "email", "language", "message_id", "subscriber_id", "subscriber__key")
                         [:batch_size])
            if not batch:
                break
            sent, refused, error = _send_batch(prepared, batch)
            with transaction.atomic():
                if not Bulletin.objects.filter(pk=bulletin.pk, status=Bulletin.Status.RUNNING, worker=me).exists():
                    raise _LostLease
                stamp = timezone.now()
                Delivery.objects.filter(pk__in=sent, status=Delivery.Status.QUEUED).update(status=Delivery.Status.SENT, sent_at=stamp)
                for pk, detail in refused.items():
                    Delivery.objects.filter(pk=pk, status=Delivery.Status.QUEUED).update(
                        status=Delivery.Status.BOUNCED, detail=detail[:300], sent_at=stamp)
            jobs.renew()
            sent_total += len(sent)
            if error:
                failures = bulletin.failures + 1
                Bulletin.objects.filter(pk=bulletin.pk, worker=me).update(
                    status=Bulletin.Status.QUEUED, worker="", lease_until=None, failures=failures,
                    retry_at=timezone.now() + _backoff(failures), last_error=error[:300])
                _enqueue_at(bulletin.pk, timezone.now() + _backoff(failures))
                return Bulletin.objects.get(pk=bulletin.pk)
            if rate > 0:
                ahead = sent_total / rate - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
        with transaction.atomic():
            done = Bulletin.objects.filter(pk=bulletin.pk, status=Bulletin.Status.RUNNING, worker=me).update(
                status=Bulletin.Status.SENT, sent_at=timezone.now(), failures=0, last_error="")
            if done:
                bulletin.refresh_from_db()
                counts = _counts(bulletin)
                audit.record(actor=None, action="bulletin.sent", target=bulletin,
                             changes={"status": ["running", "sent"], "deliveries": [None, counts]})
                _commitment_done(bulletin)
    except _LostLease:
        pass
    finally:
        jobs.release(Bulletin, bulletin_id)
    return Bulletin.objects.get(pk=bulletin_id)


def _counts(bulletin: Bulletin) -> dict[str, int]:
    from django.db.models import Count

    return dict(bulletin.deliveries.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


def _commitment_done(bulletin: Bulletin) -> None:
    """A sent bulletin is the commitment done once more (partners' own service writes it)."""
    commitment = bulletin.commitment
    if commitment is None or bulletin.sent_at is None:
        return
    from tutela.partners.services import commitment_update

    day = timezone.localdate(bulletin.sent_at)
    if commitment.last_done_on is None or commitment.last_done_on < day:
        commitment_update(actor=None, commitment=commitment, last_done_on=day)


Row = tuple[int, str, str, str, int, str]  # delivery id, address, language, Message-ID, subscriber id, key


def _send_batch(prepared: dict[str, Mailing], batch: list[Row]) -> tuple[list[int], dict[int, str], str]:
    """Send a batch over one connection: (sent ids, permanently refused ids with the reason, error that
    stopped the batch or "")."""
    sent: list[int] = []
    refused: dict[int, str] = {}
    try:
        connection = mailers.default
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        return sent, refused, _("The mail server could not be reached: %(e)s") % {"e": exc}
    date = format_datetime(timezone.now())  # one Date for a batch sent within seconds
    try:
        for pk, address, language, message_id, subscriber_id, key in batch:
            mailing = prepared.get(language) or prepared["en"]
            message = mailing.for_delivery(delivery_id=pk, email_address=address, message_id=message_id,
                                           subscriber_id=subscriber_id, key=key, date=date)
            try:
                connection.send_messages([message])
            except smtplib.SMTPRecipientsRefused as exc:
                code, reason = next(iter(exc.recipients.values()), (550, b""))
                if 500 <= code < 600:
                    refused[pk] = f"{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}"
                    continue
                return sent, refused, f"{code} {reason!r}"
            except smtplib.SMTPResponseException as exc:  # refused at DATA: 5xx for this message, 4xx try later
                if 500 <= exc.smtp_code < 600:
                    refused[pk] = f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}"
                    continue
                return sent, refused, f"{exc.smtp_code} {exc.smtp_error!r}"[:300]
            except (OSError, smtplib.SMTPException) as exc:
                return sent, refused, _("The mail server stopped the batch: %(e)s") % {"e": exc}
            sent.append(pk)
    finally:
        try:
            connection.close()
        except Exception:  # a server that went away: the outcome is already known
            pass
    return sent, refused, ""


def sending_sweep() -> int:
    """Start what is due (scheduled, or waiting to retry) and take back sending whose worker died."""
    now = timezone.now()
    handled = 0
    dead = Bulletin.objects.filter(status=Bulletin.Status.RUNNING, lease_until__lt=now)
    for bulletin in dead:
        if Bulletin.objects.filter(pk=bulletin.pk, status=Bulletin.Status.RUNNING, worker=bulletin.worker,
                                   lease_until__lt=now).update(status=Bulletin.Status.QUEUED, worker="", lease_until=None):
            audit.record(actor=None, action="bulletin.resumed", target=bulletin,
                         changes={"worker": [bulletin.worker, ""], "reason": ["", "the worker stopped while sending"]})
            handled += 1
            tasks.deliver_bulletin.enqueue(bulletin_id=bulletin.pk)
    due = Bulletin.objects.filter(status=Bulletin.Status.SCHEDULED, scheduled_at__lte=now).values_list("pk", flat=True)
    retry = Bulletin.objects.filter(status=Bulletin.Status.QUEUED, retry_at__lte=now).values_list("pk", flat=True)
    for pk in [*due, *retry]:
        handled += 1
        tasks.deliver_bulletin.enqueue(bulletin_id=pk)
    return handled


# --- Bounces and complaints ---------------------------------------------------------------------

@transaction.atomic
def bounce_record(*, delivery: Delivery, hard: bool, detail: str) -> Subscriber:
    """A hard bounce suspends the address; soft bounces do after ``BULLETINS_SOFT_BOUNCE_LIMIT`` [3]."""
    subscriber = Subscriber.objects.select_for_update().get(pk=delivery.subscriber_id)
    Delivery.objects.filter(pk=delivery.pk).exclude(status=Delivery.Status.UNSUBSCRIBED).update(
        status=Delivery.Status.BOUNCED, detail=(("hard: " if hard else "soft: ") + detail)[:300])
    before = audit.snapshot(subscriber, ["status", "soft_bounces"])
    if hard:
        subscriber.status = Subscriber.Status.SUSPENDED
    else:
        subscriber.soft_bounces += 1
        if subscriber.soft_bounces >= int(_setting("BULLETINS_SOFT_BOUNCE_LIMIT", 3)):
            subscriber.status = Subscriber.Status.SUSPENDED
    subscriber.save(update_fields=["status", "soft_bounces"])
    audit.record(actor=None, action="subscriber.bounce", target=subscriber, before=before)
    return subscriber


@transaction.atomic
def complaint_record(*, delivery: Delivery, detail: str = "") -> None:
    """A spam complaint (ARF): the person leaves the list, as if they had unsubscribed."""
    subscription = Subscription.objects.select_for_update().get(
        subscriber_id=delivery.subscriber_id, mailing_list_id=delivery.bulletin.mailing_list_id)
    if subscription.status != Subscription.Status.UNSUBSCRIBED:
        _withdraw(subscription, ConsentRecord.Method.MAILTO, "complaint " + detail[:200])
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.COMPLAINED, detail=detail[:300])


@dataclass
class Inbound:
    kind: str  # "bounce", "complaint", "unsubscribe", "ignored"
    delivery_id: int | None = None
    detail: str = ""


def inbound_process(raw: bytes) -> Inbound:
    """One mail that came back: a delivery status notification (RFC 3464), a complaint (RFC 5965)
    or an unsubscribe by mail. Found by the VERP return path, else by the original Message-ID."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    to = " ".join(message.get_all("To", []) + message.get_all("Delivered-To", []) + message.get_all("X-Original-To", []))
    subject = str(message.get("Subject", ""))
    unsubscribe_match = re.search(r"unsubscribe\s+(\S+)", subject)
    if unsubscribe_match and "unsubscribe" in to.lower():
        try:
            unsubscribe(token=unsubscribe_match.group(1), method=ConsentRecord.Method.MAILTO,
                        source=f"mail from {message.get('From', '')}"[:300])
        except tokens.BadToken:
            return Inbound("ignored", detail="bad unsubscribe token")
        return Inbound("unsubscribe")
    delivery_id = verp_delivery(to)
    status, diagnostic, feedback, original_id = "", "", False, ""
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            for block in part.get_payload() or []:
                if not isinstance(block, email.message.Message):
                    continue
                status = status or str(block.get("Status", "")).strip()
                diagnostic = diagnostic or str(block.get("Diagnostic-Code", "")).strip()
        elif ctype == "message/feedback-report":
            feedback = True
        elif ctype in {"message/rfc822", "text/rfc822-headers"}:
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else email.message_from_string(str(payload))
            if not isinstance(inner, email.message.Message):
                continue
            original_id = original_id or str(inner.get("Message-ID", "")).strip()
    delivery = None
    if delivery_id is not None:
        delivery = Delivery.objects.select_related("bulletin").filter(pk=delivery_id).first()
    if delivery is None and original_id:
        delivery = Delivery.objects.select_related("bulletin").filter(message_id=original_id).first()
    if delivery is None:
        return Inbound("ignored", detail="no delivery found")
    if feedback:
        complaint_record(delivery=delivery, detail="abuse report")
        return Inbound("complaint", delivery.pk)
    if not status:
        return Inbound("ignored", delivery.pk, "no delivery status")
    if status.startswith("2"):
        return Inbound("ignored", delivery.pk, "delivered")
    hard = status.startswith("5")
    bounce_record(delivery=delivery, hard=hard, detail=f"{status} {diagnostic}")
    return Inbound("bounce", delivery.pk, status)


@transaction.atomic
def organisation_replaced(*, actor: Actor, old: Any, new: Any) -> dict[str, int]:
    """Bulletins co-branded by ``old`` are ``new``'s (an organisation merged away), audited."""
    from tutela.core.services import repoint_m2m

    moved = repoint_m2m(actor=actor, owners=Bulletin.objects.all(), name="organisations", old=old, new=new,
                        action="bulletin.organisation_replaced")
    return {"bulletins.Bulletin.organisations": moved} if moved else {}


# --- What fulfilled a commitment (partners sits below: the link lives here) -----------------------

@transaction.atomic
def commitment_delivery_add(*, actor: Actor | None, commitment: Any, activity: Any = None, bulletin: Any = None,
                            document: Any = None, delivered_on: Any = None) -> CommitmentDelivery:
    """Record that one activity, sent bulletin or coordination document fulfilled ``commitment`` once.
    Whoever may change the commitment (its agreement's parties, the secretariat) may record it; the record
    must be readable to them. ``delivered_on`` defaults to the record's own date. Audited as
    commitment_delivery.added."""
    if actor is not None and not access.can_write(actor, commitment):
        raise PermissionDenied
    given = [r for r in (activity, bulletin, document) if r is not None]
    if len(given) != 1:
        raise ValidationError({"activity": _("Name exactly one record that fulfilled the commitment: an activity, "
                                             "a bulletin or a document.")})
    record = given[0]
    if actor is not None and not access.can_read(actor, record):
        raise ValidationError({"activity": _("That record does not exist.")})
    if bulletin is not None and bulletin.status != Bulletin.Status.SENT:
        raise ValidationError({"bulletin": _("Only a sent bulletin fulfils a commitment; this one is %(s)s.")
                               % {"s": bulletin.get_status_display()}})
    if delivered_on is None:
        if activity is not None:
            delivered_on = activity.starts_on
        elif document is not None:
            delivered_on = document.document_date
        else:
            delivered_on = timezone.localdate(bulletin.sent_at) if bulletin.sent_at else timezone.localdate()
    taken = CommitmentDelivery.objects.filter(commitment=commitment, activity=activity, bulletin=bulletin,
                                              document=document)
    if taken.exists():
        raise ValidationError({"activity": _("This record is already linked to the commitment.")})
    return save_audited(CommitmentDelivery(commitment=commitment, activity=activity, bulletin=bulletin,
                                           document=document, delivered_on=delivered_on),
                        actor=actor, action="commitment_delivery.added")


@transaction.atomic
def commitment_delivery_remove(*, actor: Actor | None, delivery: CommitmentDelivery) -> None:
    """Undo a wrong link: the record no longer counts as a delivery of the commitment. Whoever may change the
    commitment may remove it (as they may add it). Audited as commitment_delivery.removed, with what it named."""
    commitment = delivery.commitment
    if actor is not None and not access.can_write(actor, commitment):
        raise PermissionDenied
    audit.record(actor=actor, action="commitment_delivery.removed", target=delivery,
                 changes={k: [v, None] for k, v in audit.snapshot(delivery).items() if v not in (None, "")})
    delivery.delete()
