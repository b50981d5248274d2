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
import email.policy
import re
import secrets
import smtplib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, mailers, send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tutela.core import access, audit, jobs
from tutela.core.access import Actor
from tutela.core.jobs import ImportReport

from . import rendering, tasks, tokens
from .models import (
    LANGUAGES,
    Bulletin,
    BulletinVersion,
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
    mailing_list.save()
    audit.record(actor=actor, action="mailing_list.create", target=mailing_list)
    return mailing_list


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
    subscriber = Subscriber.objects.filter(pk=value.get("s"), key=value.get("k")).first()
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
def subscriber_add(*, actor: Actor, mailing_list: MailingList, email: str, language: str = "en", name: str = "",
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
    subscriber = Subscriber.objects.filter(pk=value.get("s"), key=value.get("k")).first()
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
    before = audit.snapshot(subscriber, ["language", "topics"])
    subscriber.language = _language(language)
    subscriber.topics = _topics(topics)
    subscriber.save(update_fields=["language", "topics"])
    wanted = {int(pk) for pk in keep}
    current = {s.mailing_list_id: s for s in subscriber.subscriptions.select_related("mailing_list")}
    for list_id, subscription in current.items():
        if subscription.status != Subscription.Status.UNSUBSCRIBED and list_id not in wanted:
            _withdraw(subscription, ConsentRecord.Method.MANAGE, source)
    for mailing_list in MailingList.objects.filter(pk__in=wanted, public_signup=True):
        subscription = current.get(mailing_list.pk)
        if subscription is not None and subscription.status == Subscription.Status.ACTIVE:
            continue
        if subscription is None:
            subscription = Subscription.objects.create(subscriber=subscriber, mailing_list=mailing_list,
                                                       status=Subscription.Status.ACTIVE)
        else:
            Subscription.objects.filter(pk=subscription.pk).update(status=Subscription.Status.ACTIVE, changed_at=timezone.now())
        # The link came to this mailbox, so the address is confirmed: consent is given here, once.
        _consent(subscription, ConsentRecord.Action.GIVEN, ConsentRecord.Method.MANAGE, mailing_list.consent_text, source)
    audit.record(actor=None, action="subscriber.manage", target=subscriber, before=before)
    return subscriber


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
    delivery = Delivery.objects.select_related("subscriber", "bulletin").filter(pk=value.get("d")).first()
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


class _Rollback(Exception):
    pass


def subscribers_import(*, actor: Actor, mailing_list: MailingList, rows: list[dict[str, Any]], dry_run: bool = True,
                       file_name: str = "") -> ImportReport:
    """Add many subscribers at once, all or nothing; a dry run checks every row and saves nothing.

    Every row needs ``consent`` = yes: the list's consent text is what was agreed to, and
    ``consent_source`` (or the file name and line) is where."""
    access.require_secretariat(actor)
    if rows and "consent" not in rows[0]:
        raise ValidationError({"file": _("The file has no “consent” column. Add one (yes for each person who agreed "
                                         "to receive the bulletins); nobody was imported.")})
    report = ImportReport(dry_run=dry_run)
    seen: dict[str, int] = {}
    try:
        with transaction.atomic():
            for line, row in enumerate(rows, start=2):
                def text(name: str, row: dict = row) -> str:
                    value = row.get(name)
                    return "" if value is None else str(value).strip()

                entry: dict[str, Any] = {"line": line, "errors": [], "label": text("email")[:80]}
                report.rows.append(entry)
                try:
                    address = _email(text("email"))
                    if address.lower() in seen:
                        raise ValidationError({"email": _("%(e)s is also on line %(l)s.") % {"e": address, "l": seen[address.lower()]}})
                    seen[address.lower()] = line
                    if text("consent").lower() not in YES:
                        raise ValidationError({"consent": _("No consent on this line (the consent column must say yes).")})
                    with transaction.atomic():
                        subscriber_add(actor=actor, mailing_list=mailing_list, email=address,
                                       language=text("language") or "en", name=text("name"),
                                       topics=[t for t in re.split(r"[;,]", text("topics")) if t.strip()],
                                       consent_text=mailing_list.consent_text,
                                       consent_source=text("consent_source") or f"{file_name}, line {line}",
                                       method=ConsentRecord.Method.IMPORT)
                    report.created += 1
                except ValidationError as exc:
                    entry["errors"] = [str(m) for msgs in getattr(exc, "message_dict", {"": exc.messages}).values() for m in msgs]
            if dry_run or not report.ok:
                raise _Rollback
            audit.record(actor=actor, action="mailing_list.subscribers_imported", target=mailing_list,
                         changes={"subscribers": [None, report.created], "file": [None, file_name]})
    except _Rollback:
        if not dry_run:
            report.created = 0
    return report


def subscriber_import_queue(*, actor: Actor, mailing_list: MailingList, upload: Any, name: str, dry_run: bool) -> SubscriberImport:
    """Store a subscriber file (vetted by ``forms.ImportForm``) and queue it for the worker."""
    access.require_secretariat(actor)
    return jobs.queue_file_import(SubscriberImport(mailing_list=mailing_list, dry_run=dry_run, created_by=actor),
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

BULLETIN_FIELDS = ["subject", "body", "blocks", "blocks_since", "commitment"]


def _check_bulletin(bulletin: Bulletin) -> None:
    if not (bulletin.subject or "").strip():
        raise ValidationError({"subject": _("Give the bulletin a subject.")})
    if len(bulletin.body or "") > MAX_BODY_CHARS:
        raise ValidationError({"body": _("The text is %(n)s characters; a bulletin may have at most %(m)s. "
                                         "Link to a document instead.") % {"n": len(bulletin.body), "m": MAX_BODY_CHARS}})
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
                    blocks_since: Any = None, organisations: Iterable[Any] = (), commitment: Any = None) -> Bulletin:
    access.require_secretariat(actor)
    bulletin = Bulletin(mailing_list=mailing_list, subject=(subject or "").strip(), body=body or "", blocks=list(blocks or []),
                        blocks_since=blocks_since, commitment=commitment, created_by=actor)
    _check_bulletin(bulletin)
    bulletin.save()
    bulletin.organisations.set(list(organisations))
    audit.record(actor=actor, action="bulletin.create", target=bulletin)
    return bulletin


@transaction.atomic
def bulletin_update(*, actor: Actor, bulletin: Bulletin, organisations: Iterable[Any] | None = None, **fields: Any) -> Bulletin:
    _editable(actor, bulletin)
    before = audit.snapshot(bulletin, [f if f != "commitment" else "commitment_id" for f in BULLETIN_FIELDS])
    for name, value in fields.items():
        if name not in BULLETIN_FIELDS:
            raise ValidationError({name: _("This field cannot be changed here.")})
        setattr(bulletin, name, value)
    if "subject" in fields:
        bulletin.subject = (bulletin.subject or "").strip()
    _check_bulletin(bulletin)
    bulletin.save()
    if organisations is not None:
        bulletin.organisations.set(list(organisations))
    audit.record(actor=actor, action="bulletin.update", target=bulletin, before=before)
    return bulletin


@transaction.atomic
def bulletin_version_set(*, actor: Actor, bulletin: Bulletin, language: str, subject: str, body: str) -> BulletinVersion:
    """The bulletin in another language (English is the bulletin itself)."""
    _editable(actor, bulletin)
    code = _language(language)
    if code == "en":
        raise ValidationError({"language": _("English is the bulletin's own text; edit the bulletin.")})
    probe = Bulletin(subject=subject, body=body, blocks=[])
    _check_bulletin(probe)
    version, created = BulletinVersion.objects.update_or_create(
        bulletin=bulletin, language=code, defaults={"subject": subject.strip(), "body": body})
    audit.record(actor=actor, action="bulletin.version_set", target=bulletin,
                 changes={"language": [None, code], "created": [None, created]})
    return version


def bulletin_problems(bulletin: Bulletin) -> list[str]:
    """Why the bulletin cannot be sent now; empty when it can. Every link to this site must open for
    the public, and every block must have something in it."""
    problems: list[str] = []
    texts = [("en", bulletin.subject, bulletin.body)] + [(v.language, v.subject, v.body) for v in bulletin.versions.all()]
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
    if not bulletin.mailing_list.subscriptions.filter(status=Subscription.Status.ACTIVE).exists():
        problems.append(_("Nobody is subscribed to “%(l)s” yet.") % {"l": bulletin.mailing_list.name})
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


def _freeze(bulletin: Bulletin) -> dict[str, dict[str, str]]:
    languages = {"en"} | {v.language for v in bulletin.versions.all()}
    frozen = {}
    for language in sorted(languages):
        content = rendering.content(bulletin, language)
        frozen[language] = {"subject": content.subject, "html": content.html, "text": content.text,
                            "fragment": content.fragment}
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
    code = _language(language)
    try:
        rendering.content(bulletin, code)
    except rendering.TemplateProblem as exc:
        raise ValidationError({"body": str(exc)}) from exc
    audit.record(actor=actor, action="bulletin.test_send", target=bulletin, changes={"language": [None, code]})
    transaction.on_commit(partial(tasks.send_test.enqueue, bulletin_id=bulletin.pk, user_id=actor.pk, language=code))


def test_mail_send(*, bulletin_id: int, user_id: int, language: str) -> None:
    from django.contrib.auth import get_user_model

    bulletin = Bulletin.objects.select_related("mailing_list").get(pk=bulletin_id)
    user = get_user_model().objects.get(pk=user_id)
    content = rendering.content(bulletin, language)
    frozen = {"subject": "[" + _("Test") + "] " + content.subject, "html": content.html, "text": content.text}
    message = _message(bulletin, frozen, to=user.email, message_id=f"<bulletin-{bulletin.pk}.test-{secrets.token_hex(6)}@"
                       f"{rendering.mail_domain()}>", unsubscribe_url=settings.SITE_URL + reverse("bulletins:archive_index"),
                       mailto="", manage_url="", return_path=None)
    with mailers.default as connection:
        connection.send_messages([message])


# --- Sending -----------------------------------------------------------------------------------

def _verp(delivery_id: int) -> str:
    """The return path of one delivery: bounces+<id>-<signature>@domain (VERP)."""
    import hashlib
    import hmac

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
    return formataddr((f"{display} · {bulletin.mailing_list.name}"[:120], address))


def _message(bulletin: Bulletin, frozen: dict[str, str], *, to: str, message_id: str, unsubscribe_url: str, mailto: str,
             manage_url: str, return_path: str | None, sent_at: datetime | None = None) -> EmailMultiAlternatives:
    from email.utils import format_datetime

    footer_text = "\n\n-- \n" + _("You receive this because you subscribed to %(l)s.") % {"l": bulletin.mailing_list.name}
    footer_html = ('<hr><p class="footer">' + _("You receive this because you subscribed to %(l)s.")
                   % {"l": bulletin.mailing_list.name})
    if manage_url:
        footer_text += "\n" + _("Change your subscriptions: %(u)s") % {"u": manage_url}
        footer_html += f' <a href="{manage_url}">' + _("Change your subscriptions") + "</a>."
    footer_text += "\n" + _("Unsubscribe: %(u)s") % {"u": unsubscribe_url}
    footer_html += f' <a href="{unsubscribe_url}">' + _("Unsubscribe") + "</a>.</p>"
    list_id = f"{bulletin.mailing_list.name} <{bulletin.mailing_list.slug}.{rendering.mail_domain()}>"
    unsubscribe = f"<{unsubscribe_url}>" + (f", <{mailto}>" if mailto else "")
    headers = {
        "From": _from_address(bulletin),
        "Message-ID": message_id,
        "Date": format_datetime(sent_at or timezone.now()),
        "List-Id": list_id.replace("\n", " "),
        "List-Unsubscribe": unsubscribe,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Archive": f"<{settings.SITE_URL}{reverse('bulletins:archive', args=[bulletin.mailing_list.slug])}>",
        "Precedence": "bulk",
        "Auto-Submitted": "auto-generated",
    }
    message = EmailMultiAlternatives(subject=frozen["subject"], body=frozen["text"] + footer_text,
                                     from_email=return_path or settings.DEFAULT_FROM_EMAIL, to=[to], headers=headers)
    message.attach_alternative(frozen["html"].replace("<!--footer-->", footer_html), "text/html")
    return message


def delivery_message(bulletin: Bulletin, delivery: Delivery) -> EmailMultiAlternatives:
    frozen = bulletin.rendered.get(delivery.language) or bulletin.rendered["en"]
    token = tokens.make(tokens.UNSUBSCRIBE, d=delivery.pk, k=delivery.subscriber.key)
    url = settings.SITE_URL + reverse("bulletins:unsubscribe", args=[token])
    local = _setting("BULLETINS_UNSUBSCRIBE_LOCAL", "unsubscribe")
    mailto = f"mailto:{local}@{rendering.mail_domain()}?subject=unsubscribe%20{token}"
    return _message(bulletin, frozen, to=delivery.email, message_id=delivery.message_id, unsubscribe_url=url, mailto=mailto,
                    manage_url=manage_link(delivery.subscriber), return_path=_verp(delivery.pk))


class _LostLease(Exception):
    pass


def _list_recipients(bulletin: Bulletin) -> int:
    """One delivery row per active subscriber of an active subscription, in one transaction (once)."""
    domain = rendering.mail_domain()
    with transaction.atomic():
        if Delivery.objects.filter(bulletin=bulletin).exists():
            return 0
        rows = []
        subscribers = (Subscriber.objects.filter(subscriptions__mailing_list=bulletin.mailing_list_id,
                                                 subscriptions__status=Subscription.Status.ACTIVE,
                                                 status=Subscriber.Status.ACTIVE)
                       .values_list("pk", "email", "language").order_by("pk").iterator(chunk_size=2000))
        languages = set(bulletin.rendered)
        for pk, address, language in subscribers:
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
        while True:
            batch = list(Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.QUEUED)
                         .select_related("subscriber").order_by("pk")[:batch_size])
            if not batch:
                break
            sent, refused, error = _send_batch(bulletin, batch)
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
    if bulletin.commitment_id is None:
        return
    from tutela.partners.services import commitment_update

    commitment = bulletin.commitment
    day = timezone.localdate(bulletin.sent_at)
    if commitment.last_done_on is None or commitment.last_done_on < day:
        commitment_update(actor=None, commitment=commitment, last_done_on=day)


def _send_batch(bulletin: Bulletin, batch: list[Delivery]) -> tuple[list[int], dict[int, str], str]:
    """Send a batch over one connection: (sent ids, permanently refused ids with the reason, error that
    stopped the batch or "")."""
    sent: list[int] = []
    refused: dict[int, str] = {}
    try:
        connection = mailers.default
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        return sent, refused, _("The mail server could not be reached: %(e)s") % {"e": exc}
    try:
        for delivery in batch:
            try:
                connection.send_messages([delivery_message(bulletin, delivery)])
            except smtplib.SMTPRecipientsRefused as exc:
                code, reason = next(iter(exc.recipients.values()), (550, b""))
                if 500 <= code < 600:
                    refused[delivery.pk] = f"{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}"
                    continue
                return sent, refused, f"{code} {reason!r}"
            except smtplib.SMTPResponseException as exc:  # refused at DATA: 5xx for this message, 4xx try later
                if 500 <= exc.smtp_code < 600:
                    refused[delivery.pk] = f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}"
                    continue
                return sent, refused, f"{exc.smtp_code} {exc.smtp_error!r}"[:300]
            except (OSError, smtplib.SMTPException) as exc:
                return sent, refused, _("The mail server stopped the batch: %(e)s") % {"e": exc}
            sent.append(delivery.pk)
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
                status = status or str(block.get("Status", "")).strip()
                diagnostic = diagnostic or str(block.get("Diagnostic-Code", "")).strip()
        elif ctype == "message/feedback-report":
            feedback = True
        elif ctype in {"message/rfc822", "text/rfc822-headers"}:
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else email.message_from_string(str(payload))
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
