"""Writes for guideline documents, versions, consultations, comments, moderation,
near-duplicate groups, dispositions and reports. Each checks, writes, audits and schedules
its side effects on commit."""

import os
import re
import secrets
import time
import uuid
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import cache, partial
from typing import Any, NamedTuple, cast

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_countries import countries

from tutela.core import access, audit, files, jobs, panels, ratelimit, translations
from tutela.core import progress as job_progress
from tutela.core.access import Actor
from tutela.core.files import MIME_TYPES, sniff
from tutela.core.services import repoint, save_audited
from tutela.partners.models import Organisation

from . import similarity, structure, tasks
from .models import (
    CONSULTATION_LIFECYCLE,
    DOCUMENT_LIFECYCLE,
    VERSION_LIFECYCLE,
    Anchor,
    Answer,
    Comment,
    CommentAttachment,
    CommentGroup,
    CommentGroupMember,
    Consultation,
    ConsultationReport,
    Disposition,
    GuidelineDocument,
    GuidelineImport,
    GuidelineVersion,
    ModerationAction,
    Paragraph,
    Question,
    Respondent,
    StakeholderType,
)

MAX_COMMENT_CHARS = 10_000
MAX_ATTACHMENTS = 3
CONFIRM_SALT = "consultations.respondent.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600
CONFIRM_INTERVAL = 10 * 60
# Per client IP: at most this many confirmation e-mails per window, across all addresses, so the
# public form cannot be used to send mail to many strangers. Enough for a room sharing one address.
MAIL_PER_IP = 20
MAIL_PER_IP_WINDOW = 60 * 60
MAIL_LIMIT = ratelimit.Limit("confirmation-mail-ip", MAIL_PER_IP, MAIL_PER_IP_WINDOW)
# Anonymous comments (a confirmed e-mail, no account): per respondent's address and per client IP.
# A person commenting paragraph by paragraph stays far below; a script posting in a loop does not.
COMMENTS_PER_RESPONDENT = ratelimit.Limit("comment-respondent", 20, 10 * 60)
COMMENTS_PER_IP = ratelimit.Limit("comment-ip", 60, 60 * 60)
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U


def _require_write(actor: Actor | None, obj: Any) -> None:
    if actor is not None and not access.can_write(actor, obj):
        raise PermissionDenied


def _clean_text(value: str | None) -> str:
    # PostgreSQL text cannot hold NUL; everything else (HTML, bidi controls…) is kept as text.
    return (value or "").replace("\x00", "").strip()


def _zone(name: str | None, fallback: str = "UTC") -> zoneinfo.ZoneInfo:
    for candidate in (name, fallback, "UTC"):
        try:
            if candidate:
                return zoneinfo.ZoneInfo(candidate)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")


def format_instant(when: datetime, zone_name: str | None) -> str:
    """``1 December 2013, 09:00 (Europe/Zurich)`` in the given zone."""
    zone = _zone(zone_name)
    local = timezone.localtime(when, zone)
    return f"{date_format(local, 'DATETIME_FORMAT')} ({zone.key})"


# --- Documents and versions ------------------------------------------------------------------


@transaction.atomic
def document_create(
    *, actor: Actor, title: str, audience: str, edition: str, owner_organisation: Any = None,
    deliverable: Any = None, summary: str = "", is_published: bool = True, is_illustrative: bool = False,
) -> GuidelineDocument:
    """Create a guideline document (one edition of a set)."""
    if actor is not None and not access.can_create(actor, {owner_organisation.pk} if owner_organisation else None):
        raise PermissionDenied
    return save_audited(GuidelineDocument(
        title=_clean_text(title), audience=audience, edition=_clean_text(edition), summary=_clean_text(summary),
        owner_organisation=owner_organisation, deliverable=deliverable, is_published=is_published,
        is_illustrative=is_illustrative,
    ), actor=actor, action="guideline_document.created")


def _new_key(document: GuidelineDocument, taken: set[str]) -> str:
    while True:
        key = "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(6))
        if key not in taken:
            taken.add(key)
            return key


@transaction.atomic
def version_import(
    *, actor: Actor | None, document: GuidelineDocument, label: str, source: str | bytes, fmt: str = "markdown",
    stage: str = GuidelineVersion.Stage.DRAFT, based_on: GuidelineVersion | None = None, publish: bool = False,
    change_log: str = "", progress: Callable[[int, int], None] | None = None,
) -> GuidelineVersion:
    """Import a new version from Markdown or DOCX; headings become sections.

    Paragraphs keep the identity (anchor) of the previous version's paragraph they continue:
    by an explicit ``{#key}``, by identical text, or by the most similar text. ``progress(done, total)``,
    if given, is told how many of the paragraphs read have been matched (the worker's job page shows it).
    """
    _require_write(actor, document)
    label = _clean_text(label)
    if not label:
        raise ValidationError({"label": _("Give the version a label, e.g. “Draft 2” or “Final”.")})
    if stage not in GuidelineVersion.Stage.values:
        raise ValidationError({"stage": _("Choose draft or final.")})
    if fmt == "markdown":
        text = source.decode("utf-8", errors="replace") if isinstance(source, bytes) else source
        blocks = structure.parse_markdown(_clean_text(text))
    elif fmt == "docx":
        if not isinstance(source, bytes):
            raise ValidationError({"file": _("Upload the .docx file itself.")})
        blocks = structure.parse_docx(source)
    else:
        raise ValidationError({"fmt": _("Import from Markdown or DOCX.")})
    if based_on is None:
        based_on = document.versions.order_by("-number").first()
    elif based_on.document_id != document.pk:
        raise ValidationError({"based_on": _("The earlier version must belong to the same document.")})
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = GuidelineVersion.objects.create(
        document=document, number=number, label=label[:100], stage=stage, based_on=based_on,
        change_log=_clean_text(change_log),
    )
    previous = []
    if based_on is not None:
        previous = [
            (p.anchor_id, p.anchor.key, p.kind, p.text)
            for p in based_on.paragraphs.select_related("anchor").order_by("position")
        ]
    structure.match_anchors(blocks, previous,
                            compared=(lambda n: progress(n, len(blocks))) if progress is not None else None)
    taken = set(document.anchors.values_list("key", flat=True))
    new_anchors = []
    for block in blocks:
        if block.anchor_id is None:
            key = block.key if block.key and block.key not in taken else _new_key(document, taken)
            taken.add(key)
            new_anchors.append((block, Anchor(document=document, key=key, introduced_in=version)))
    Anchor.objects.bulk_create([a for _b, a in new_anchors])
    for block, anchor in new_anchors:
        block.anchor_id = anchor.pk if anchor.pk else Anchor.objects.get(document=document, key=anchor.key).pk
    rows = [
        Paragraph(
            # every block has its anchor by now
            version=version, anchor_id=cast(int, b.anchor_id), kind=b.kind, level=b.level, position=i + 1,
            number=b.number, text=b.text,
        )
        for i, b in enumerate(blocks)
    ]
    Paragraph.objects.bulk_create(rows)
    if not all(r.pk for r in rows):  # backends without RETURNING on bulk insert
        rows = list(version.paragraphs.order_by("position"))
    for i, b in enumerate(blocks):
        if b.section_index is not None:
            rows[i].section_id = rows[b.section_index].pk
    Paragraph.objects.bulk_update([r for r in rows if r.section_id], ["section"])
    audit.record(
        actor=actor, action="guideline_version.imported", target=version,
        changes={"format": [None, fmt], "paragraphs": [None, len(rows)], "new_anchors": [None, len(new_anchors)]},
    )
    if publish:
        version_publish(actor=actor, version=version, change_log=change_log)
    return version


def _vet_docx(upload: Any) -> None:
    """A Word file as it arrives: size, type by content, package limits; nothing is parsed here."""
    try:
        files.check_size(getattr(upload, "size", None))
        if files.sniff(upload) != "docx":
            raise files.FileProblem(_("This file is not a Word document (.docx). Save it as .docx and try again."))
        files.check_package(upload, "docx")
    except files.FileProblem as exc:
        raise ValidationError({"file": exc.message}) from exc


@transaction.atomic
def guideline_import_queue(
    *, actor: Actor, document: GuidelineDocument, label: str, stage: str = GuidelineVersion.Stage.DRAFT,
    markdown: str = "", upload: Any = None,
) -> GuidelineImport:
    """Store a new version's source (a Word ``upload`` or ``markdown`` text) and queue its import for
    the worker (``guideline_import_run``); the request only vets the file, it never parses it."""
    from django.core.files.base import ContentFile, File

    _require_write(actor, document)
    label = _clean_text(label)
    errors = {}
    if not label:
        errors["label"] = _("Give the version a label, e.g. “Draft 2” or “Final”.")
    if stage not in GuidelineVersion.Stage.values:
        errors["stage"] = _("Choose draft or final.")
    if upload is None and not _clean_text(markdown):
        errors["markdown"] = _("Paste Markdown text or choose a .docx file.")
    if errors:
        raise ValidationError(errors)
    job = GuidelineImport(document=document, label=label[:100], stage=stage, created_by=access.signed_in(actor))
    if upload is not None:
        _vet_docx(upload)
        job.source_format = GuidelineImport.Format.DOCX
        job.original_name = os.path.basename(getattr(upload, "name", "") or "version.docx")[:200]
        job.file.save("version.docx", File(upload), save=False)
    else:
        job.source_format = GuidelineImport.Format.MARKDOWN
        job.file.save("version.md", ContentFile(markdown.encode("utf-8")), save=False)
    job.save()
    audit.record(actor=actor, action="guideline_import.queued", target=job,
                 changes={"document": [None, document.pk], "format": [None, job.source_format]})
    transaction.on_commit(partial(tasks.run_guideline_import.enqueue, job_id=job.pk))
    return job


class _Superseded(Exception):
    pass


def guideline_import_run(*, job_id: int) -> GuidelineImport:
    """The worker's half: read the stored source and ``version_import`` it, writing the version and the
    job's outcome in one transaction, the outcome only if the job is still this worker's (a killed or
    superseded run leaves neither)."""
    job = GuidelineImport.objects.select_related("document", "created_by").get(pk=job_id)
    if not jobs.claim(GuidelineImport, job.pk, from_status=GuidelineImport.Status.QUEUED):
        return job
    job_progress.clear_rows(job)  # a count left by a run whose worker died
    started, last = timezone.now(), 0.0

    def counted(done: int, total: int) -> None:
        # The version is written inside the transaction below, so the count goes to a small file beside the
        # database (core.progress, as the file imports do): at most twice a second, and the last one.
        nonlocal last
        if done < total and time.monotonic() - last < 0.5:
            return
        last = time.monotonic()
        job_progress.write_rows(job, done, total, started=started)

    try:
        with transaction.atomic():
            version, error = None, ""
            try:
                with job.file.open("rb") as fh:
                    data = fh.read()
                version = version_import(
                    actor=job.created_by, document=job.document, label=job.label, stage=job.stage,
                    source=data if job.source_format == GuidelineImport.Format.DOCX else data.decode("utf-8", "replace"),
                    fmt=job.source_format, progress=counted)
                delay = float(getattr(settings, "CONSULTATIONS_TEST_IMPORT_DELAY", 0))
                if delay:
                    time.sleep(delay)  # tests: an import slow enough to kill its worker mid-way
            except ValidationError as exc:  # version_import's own savepoint has undone what it wrote
                error = " ".join(exc.messages)
            except PermissionDenied:
                error = _("You may no longer import versions of this document.")
            except OSError:
                error = _("The stored file can no longer be read. Upload it again.")
            if not jobs.finish(
                    GuidelineImport, job.pk,
                    status=GuidelineImport.Status.IMPORTED if version else GuidelineImport.Status.FAILED,
                    version=version, error=error, finished_at=timezone.now()):
                raise _Superseded
    except _Superseded:
        pass
    finally:
        jobs.release(GuidelineImport, job.pk)
        job_progress.clear_rows(job)
    job.refresh_from_db()
    return job


def guideline_imports_sweep(*, job_id: int | None = None) -> int:
    """Imports whose worker died: queued again, or after ``jobs.MAX_ATTEMPTS`` runs failed with the reason
    (the job page then offers "Try again"). Nothing of a dead run was saved."""

    def failed(job: GuidelineImport, reason: str) -> dict:
        return {"worker_died": True, "error": reason + " " + _(
            "It was tried %(n)s times; try again.") % {"n": job.attempts}}

    return jobs.sweep_dead(GuidelineImport, action="guideline_import", job_id=job_id,
                           enqueue=lambda pk: tasks.run_guideline_import.enqueue(job_id=pk), fail_fields=failed)


@transaction.atomic
def guideline_import_retry(*, actor: Actor, job: GuidelineImport) -> GuidelineImport:
    """Queue a failed import (or one whose worker died) again, from its stored source."""
    _require_write(actor, job.document)
    job.refresh_from_db()
    if job.status != GuidelineImport.Status.FAILED and not job.is_dead:
        raise ValidationError(_("Only an import that failed can be tried again."))
    before = audit.snapshot(job, ["status", "error"])
    GuidelineImport.objects.filter(pk=job.pk).update(
        status=GuidelineImport.Status.QUEUED, attempts=0, worker="", lease_until=None, error="", worker_died=False,
        finished_at=None, version=None)
    job.refresh_from_db()
    audit.record(actor=actor, action="guideline_import.retried", target=job, before=before)
    transaction.on_commit(partial(tasks.run_guideline_import.enqueue, job_id=job.pk))
    return job


def change_log_for(version: GuidelineVersion) -> str:
    """A plain-text change log from the diff with the version it is based on, naming the comments behind each change."""
    if version.based_on is None:
        return ""
    from .selectors import version_diff

    lines = []
    comments = _("comments")
    for row in version_diff(version.based_on, version):
        if not row.changed:
            continue
        what = ", ".join(structure.change_labels(row.changes))
        receipts = ", ".join(c.receipt for c in row.comments[:5])
        more = f" ({comments}: {receipts})" if receipts else ""
        lines.append(f"{row.label}: {what}{more}")
    return "\n".join(lines)


@transaction.atomic
def version_publish(*, actor: Actor | None, version: GuidelineVersion, change_log: str = "") -> GuidelineVersion:
    """Publish a version; a version based on another gets a change log (written or generated)."""
    _require_write(actor, version)
    before = audit.snapshot(version, ["is_published", "published_at", "change_log"])
    version.is_published = True
    version.published_at = version.published_at or timezone.now()
    version.change_log = _clean_text(change_log) or version.change_log or change_log_for(version)
    version.save(update_fields=["is_published", "published_at", "change_log"])
    audit.record(actor=actor, action="guideline_version.published", target=version, before=before)
    for handler in version_published_handlers():
        handler(actor=actor, version=version)
    return version


@transaction.atomic
def version_move(*, actor: Actor | None, version: GuidelineVersion, state: str, change_log: str = "") -> GuidelineVersion:
    """Move a version as VERSION_LIFECYCLE allows (not published → published draft or final; published draft →
    final); any other move is refused with the reason on ``state``. Publishing writes the change log as
    ``version_publish`` does; becoming final calls the higher apps' ``guideline_version_published`` (the
    library's resource). Audited as guideline_version.moved."""
    _require_write(actor, version)
    version = GuidelineVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
    current = version.state
    VERSION_LIFECYCLE.check(current, state)
    if state == current:
        return version
    before = audit.snapshot(version, ["stage", "is_published", "published_at", "change_log"])
    version.stage = GuidelineVersion.Stage.FINAL if state == "final" else GuidelineVersion.Stage.DRAFT
    version.is_published = True
    version.published_at = version.published_at or timezone.now()
    version.change_log = _clean_text(change_log) or version.change_log or change_log_for(version)
    version.save(update_fields=["stage", "is_published", "published_at", "change_log"])
    audit.record(actor=actor, action="guideline_version.moved", target=version, before=before)
    for handler in version_published_handlers():
        handler(actor=actor, version=version)
    return version


@transaction.atomic
def document_move(*, actor: Actor | None, document: GuidelineDocument, state: str) -> GuidelineDocument:
    """Publish a draft document or withdraw a published one, as DOCUMENT_LIFECYCLE allows; any other move is
    refused with the reason on ``state``. A withdrawn document stays readable and takes no new consultation;
    an open consultation on it must be closed first. Audited as guideline_document.moved."""
    _require_write(actor, document)
    document = GuidelineDocument.objects.select_for_update().get(pk=document.pk)
    current = document.state
    DOCUMENT_LIFECYCLE.check(current, state)
    if state == current:
        return document
    if state == "withdrawn":
        now = timezone.now()
        still_open = [c for c in Consultation.objects.filter(version__document=document).order_by("opens_at")
                      if c.status_at(now) in (Consultation.Status.OPEN, Consultation.Status.SCHEDULED)]
        if still_open:
            raise ValidationError({"state": _("“%(c)s” is still open or scheduled on this document: close it before "
                                              "withdrawing the document.") % {"c": still_open[0].title}})
    before = audit.snapshot(document, ["is_published", "withdrawn_at"])
    if state == "published":
        document.is_published = True
    else:
        document.withdrawn_at = timezone.now()
    document.save(update_fields=["is_published", "withdrawn_at"])
    audit.record(actor=actor, action="guideline_document.moved", target=document, before=before)
    return document


def version_published_handlers() -> tuple:
    """Every higher app's ``guideline_version_published(*, actor, version)``, named on its AppConfig like
    ``organisation_replaced`` (the library turns a final version into a resource version), called in layer
    order inside the transaction that publishes, so what one raises undoes the publication."""
    return panels.handed_in("guideline_version_published")


# --- Consultations ---------------------------------------------------------------------------


@transaction.atomic
def consultation_create(
    *, actor: Actor, version: GuidelineVersion, title: str, code: str, opens_at: datetime, closes_at: datetime,
    time_zone: str = "UTC", summary: str = "", allow_public: bool = True, online_form: bool = True,
    in_person_sessions: Sequence[Any] = (), activity: Any = None, owner_organisation: Any = None,
    questions: Sequence[dict] = (), is_published: bool = True, is_illustrative: bool = False,
) -> Consultation:
    """Open a consultation on one version, with its window, channels and questionnaire."""
    _require_write(actor, version)
    errors: dict[str, str] = {}
    if version.document.withdrawn_at is not None:
        errors["version"] = _("“%(doc)s” is withdrawn: no consultation opens on it again.") % {"doc": version.document}
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = _("“%(tz)s” is not a time zone; use a name such as Europe/Zurich.") % {"tz": time_zone}
    if timezone.is_naive(opens_at) or timezone.is_naive(closes_at):
        errors["opens_at"] = _("Give the opening and closing instants with their time zone.")
    elif closes_at <= opens_at:
        errors["closes_at"] = _("The consultation must close after it opens.")
    code = _clean_text(code).upper()
    if not code.isalnum() or len(code) > 8:
        errors["code"] = _("Use up to 8 letters and digits for the code, e.g. IG14.")
    elif Consultation.objects.filter(code=code).exists():
        errors["code"] = _("Another consultation uses the code %(code)s.") % {"code": code}
    if errors:
        raise ValidationError(errors)

    def write_questions(consultation: Consultation) -> None:
        for i, q in enumerate(questions, start=1):
            kind = q.get("kind", Question.Kind.CHOICE if q.get("choices") else Question.Kind.TEXT)
            Question.objects.create(consultation=consultation, number=i, text=q["text"], kind=kind,
                                    choices=list(q.get("choices", [])))

    return save_audited(Consultation(
        version=version, title=_clean_text(title), code=code, opens_at=opens_at, closes_at=closes_at,
        time_zone=time_zone, summary=_clean_text(summary), allow_public=allow_public, online_form=online_form,
        activity=activity, owner_organisation=owner_organisation, is_published=is_published,
        is_illustrative=is_illustrative,
    ), actor=actor, action="consultation.created", m2m={"in_person_sessions": list(in_person_sessions) or None},
        after=write_questions)


@transaction.atomic
def consultation_move(*, actor: Actor, consultation: Consultation, status: str,
                      now: datetime | None = None) -> Consultation:
    """Open a scheduled consultation now, or close an open one now, as CONSULTATION_LIFECYCLE allows
    (scheduled → open → closed → report published); any other jump is refused with the reason. The
    report is published by ``report_publish`` (it needs a summary). Audited as consultation.opened/closed."""
    _require_write(actor, consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    now = now or timezone.now()
    current = consultation.status_at(now)
    CONSULTATION_LIFECYCLE.check(current, status)
    if status == current:
        return consultation
    if status == Consultation.Status.REPORT_PUBLISHED:
        raise ValidationError({"status": _("Publish the report from the consultation's report page, with its summary.")})
    if status == Consultation.Status.OPEN:
        if consultation.closes_at <= now:
            raise ValidationError({"status": _("The closing date has passed: extend the consultation before opening it.")})
        return save_audited(consultation, actor=actor, action="consultation.opened", fields={"opens_at": now},
                            allowed=["opens_at"])
    return save_audited(consultation, actor=actor, action="consultation.closed", fields={"closes_at": now},
                        allowed=["closes_at"])


@transaction.atomic
def consultation_extend(*, actor: Actor, consultation: Consultation, closes_at: datetime,
                        now: datetime | None = None) -> Consultation:
    """Move a scheduled or open consultation's closing instant later. A closed one is not reopened:
    its respondents were told it had closed. Audited as consultation.extended."""
    _require_write(actor, consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    now = now or timezone.now()
    status = consultation.status_at(now)
    if status not in (Consultation.Status.SCHEDULED, Consultation.Status.OPEN):
        raise ValidationError({"closes_at": _(
            "This consultation is %(status)s: only a scheduled or open consultation can be extended; open a new "
            "consultation to take more comments.") % {"status": CONSULTATION_LIFECYCLE.label(status)}})
    if timezone.is_naive(closes_at):
        raise ValidationError({"closes_at": _("Give the closing instant with its time zone.")})
    if closes_at <= consultation.closes_at:
        raise ValidationError({"closes_at": _("Choose a closing instant after the present one (%(closes)s).") % {
            "closes": format_instant(consultation.closes_at, consultation.time_zone)}})
    return save_audited(consultation, actor=actor, action="consultation.extended", fields={"closes_at": closes_at},
                        allowed=["closes_at"])


def window_refusal(consultation: Consultation, zone_name: str | None, when: datetime | None = None) -> str | None:
    """Why a comment cannot be made now (in the reader's time zone), or None when the window is open."""
    when = when or timezone.now()
    if consultation.opens_at <= when < consultation.closes_at:
        return None  # open: nothing to format (this runs on every comment)
    zone = zone_name or consultation.time_zone
    values = {"opens": format_instant(consultation.opens_at, zone), "closes": format_instant(consultation.closes_at, zone)}
    if when < consultation.opens_at:
        return _("This consultation is not open yet: it opens on %(opens)s and closes on %(closes)s.") % values
    return _("This consultation closed on %(closes)s; comments are no longer accepted.") % values


# --- Respondents -----------------------------------------------------------------------------


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


def _respondent_details(details: dict) -> dict:
    errors: dict[str, str] = {}
    kind = details.get("stakeholder_type", "")
    if kind not in StakeholderType.values:
        errors["stakeholder_type"] = _("Choose the kind of stakeholder you are, e.g. Industry or Civil society.")
    sector = details.get("industry_sector", "") or ""
    if kind != StakeholderType.INDUSTRY:
        sector = ""
    organisation = _clean_text(details.get("organisation_name"))[:200]
    if kind == StakeholderType.CHILD_VIA_ORGANISATION and not organisation:
        errors["organisation_name"] = _(
            "Name the organisation submitting the views of children or young people (never a child's name)."
        )
    country = (details.get("country") or "").upper()
    if country and country not in _country_codes():
        errors["country"] = _("Choose a country from the list (two-letter code).")
    if errors:
        raise ValidationError(errors)
    return {
        "stakeholder_type": kind, "industry_sector": sector, "organisation_name": organisation, "country": country,
        "is_anonymous": bool(details.get("is_anonymous")), "consent_to_list": bool(details.get("consent_to_list")),
        "wants_outcome": bool(details.get("wants_outcome")),
    }


class MailLimitReached(ratelimit.LimitReached):
    """Too many e-mails asked for from one client address: try again later (HTTP 429)."""


class CommentLimitReached(ratelimit.LimitReached):
    """Too many anonymous comments from one address or one client: try again later (HTTP 429)."""


def _mail_limit_check(ip: str | None, zone_name: str | None, now: datetime) -> None:
    """Count one confirmation e-mail for this client IP, or refuse it with the time to try again
    (in the given zone)."""
    refusal = ratelimit.hit(MAIL_LIMIT, ip, now=now)
    if refusal is not None:
        raise MailLimitReached(_(
            "Too many confirmation e-mails have been asked for from your network in the last hour (%(n)s). "
            "Nothing was sent; try again after %(when)s. Your address is still in the form."
        ) % {"n": MAIL_PER_IP, "when": format_instant(refusal.retry_at, zone_name)}, refusal, field="email")


def _comment_limit_check(respondent: Respondent, ip: str | None, zone_name: str | None, now: datetime) -> None:
    for limit, key, text in (
        (COMMENTS_PER_RESPONDENT, respondent.email, _(
            "You have sent %(n)s comments in the last %(minutes)s minutes, the most we accept from one address. "
            "Your comment was not stored; send it again after %(when)s (it is still in the form).")),
        (COMMENTS_PER_IP, ip, _(
            "%(n)s comments have been sent from your network in the last %(minutes)s minutes, the most we accept. "
            "Your comment was not stored; send it again after %(when)s (it is still in the form).")),
    ):
        refusal = ratelimit.hit(limit, key, now=now)
        if refusal is not None:
            raise CommentLimitReached(text % {"n": limit.count, "minutes": limit.seconds // 60,
                                              "when": format_instant(refusal.retry_at, zone_name)}, refusal)


@transaction.atomic
def respondent_request_confirmation(
    *, consultation: Consultation, email: str, notify: bool = True, ip: str | None = None,
    paragraph_id: Any = None,
) -> Respondent:
    """The public's first step: give an e-mail address and receive a confirmation link.

    ``paragraph_id``, the paragraph the person was reading, goes into the link so that confirming
    brings them back to it (ignored unless it is a paragraph of the text under consultation).

    At most one link per address per ``CONFIRM_INTERVAL`` (silently: the answer does not reveal
    whether a link was just sent) and ``MAIL_PER_IP`` links per client ``ip`` per hour (refused
    with the time to try again)."""
    if not consultation.allow_public:
        raise ValidationError({"email": _("This consultation takes comments from registered stakeholders only: sign in.")})
    # Outside the window a confirmed address could not comment: say so now, not after the e-mail.
    if refusal := window_refusal(consultation, None):
        raise ValidationError({"email": refusal})
    email = _clean_text(email).lower()
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid e-mail address, e.g. name@example.org.")}) from exc
    respondent, created = Respondent.objects.get_or_create(consultation=consultation, user=None, email=email)
    respondent = Respondent.objects.select_for_update().get(pk=respondent.pk)
    now = timezone.now()
    # One link per address per interval: the form cannot be used to flood someone's mailbox.
    # The answer is the same either way, so it does not reveal whether a link was just sent.
    if respondent.confirmation_sent_at and (now - respondent.confirmation_sent_at).total_seconds() < CONFIRM_INTERVAL:
        return respondent
    _mail_limit_check(ip, consultation.time_zone, now)  # counts this e-mail, or raises MailLimitReached (429)
    respondent.confirmation_sent_at = now
    respondent.save(update_fields=["confirmation_sent_at"])
    audit.record(actor=None, action="respondent.confirmation_requested", target=respondent,
                 changes={"consultation": [None, consultation.pk]})
    if notify:
        paragraph = _paragraph_of(consultation, paragraph_id)
        transaction.on_commit(partial(tasks.send_email_confirmation.enqueue, respondent_id=respondent.pk,
                                      paragraph_id=paragraph.pk if paragraph else None))
    return respondent


def _paragraph_of(consultation: Consultation, paragraph_id: Any) -> Paragraph | None:
    try:
        pk = int(paragraph_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return Paragraph.objects.select_related("anchor").filter(pk=pk, version_id=consultation.version_id).first()


@transaction.atomic
def respondent_record(*, actor: Actor, consultation: Consultation, email: str, confirmed_at: datetime) -> Respondent:
    """Staff record a respondent whose address is already known (e.g. a submission received by e-mail)."""
    _require_write(actor, consultation)
    email = _clean_text(email).lower()
    respondent, _created = Respondent.objects.get_or_create(consultation=consultation, user=None, email=email)
    respondent.confirmed_at = respondent.confirmed_at or confirmed_at
    respondent.save(update_fields=["confirmed_at"])
    audit.record(actor=actor, action="respondent.recorded", target=respondent)
    return respondent


def confirmation_token(respondent: Respondent, paragraph_id: int | None = None) -> str:
    data = {"r": respondent.pk, "e": respondent.email}
    if paragraph_id:
        data["p"] = paragraph_id
    return signing.dumps(data, salt=CONFIRM_SALT)


def respondent_confirmation_send(*, respondent_id: int, paragraph_id: int | None = None) -> None:
    respondent = Respondent.objects.select_related("consultation").get(pk=respondent_id)
    path = reverse("consultations:confirm_email", args=[confirmation_token(respondent, paragraph_id)])
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    send_mail(
        _("Confirm your e-mail address to comment on “%(title)s”") % {"title": respondent.consultation.title},
        _("Open this link within 7 days to confirm your address and comment:\n\n%(link)s\n\n"
          "If you did not ask for this, ignore this message.") % {"link": f"{base}{path}"},
        None, [respondent.email],
    )


class Confirmation(NamedTuple):
    respondent: Respondent
    paragraph: Paragraph | None  # where the person was reading when they asked for the link


@transaction.atomic
def respondent_confirm(*, token: str) -> Confirmation:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This confirmation link has expired: ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This confirmation link is not valid: copy the whole link from the e-mail.")) from exc
    respondent = Respondent.objects.select_for_update().filter(pk=data.get("r"), email=data.get("e")).first()
    if respondent is None:
        raise ValidationError(_("This confirmation link is not valid: ask for a new one."))
    if respondent.confirmed_at is None:
        respondent.confirmed_at = timezone.now()
        respondent.save(update_fields=["confirmed_at"])
        audit.record(actor=None, action="respondent.confirmed", target=respondent, changes={"confirmed": [False, True]})
    return Confirmation(respondent, _paragraph_of(respondent.consultation, data.get("p")))


# --- Comments --------------------------------------------------------------------------------

ATTACHMENT_TYPES = ("pdf", "docx", "odt")


def _check_attachments(consultation: Consultation, files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("Attach at most %(n)s files.") % {"n": MAX_ATTACHMENTS}})
    checked = []
    limit_mb = consultation.max_attachment_bytes / (1024 * 1024)
    for upload in files:
        name = os.path.basename(upload.name or "attachment")[:200]
        if (upload.size or 0) > consultation.max_attachment_bytes:
            raise ValidationError({"attachments": _("“%(name)s” is larger than %(mb).0f MB; send a smaller file.")
                                   % {"name": name, "mb": limit_mb}})
        kind = sniff(upload)
        if kind not in ATTACHMENT_TYPES:
            raise ValidationError({"attachments": _(
                "“%(name)s” is not a PDF, DOCX or ODT document (we check the content, not the name); "
                "attach only those."
            ) % {"name": name}})
        checked.append((upload, kind))
    return checked


def _receipt(consultation: Consultation) -> str:
    body = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{consultation.code}-{body[:4]}-{body[4:]}"


def read_text(consultation: Consultation, paragraph: Paragraph, language: str) -> str:
    """The paragraph's text as the commenter read it: in ``language`` when the consultation is held in it."""
    return translations.shown(paragraph, "text", language, offered=consultation.languages).text


def _resolve_target(consultation: Consultation, target: str | None, paragraph_id: Any, quote: str,
                    language: str = translations.DEFAULT) -> tuple[str, Paragraph | None]:
    if paragraph_id in (None, ""):
        if target not in (None, "", Comment.Target.DOCUMENT):
            raise ValidationError({"paragraph": _("Say which paragraph or section you comment on.")})
        return Comment.Target.DOCUMENT, None
    try:
        pk = int(paragraph_id)
    except (ValueError, TypeError):
        pk = 0
    paragraph = Paragraph.objects.filter(pk=pk, version_id=consultation.version_id).first() if 0 < pk < 2**63 else None
    if paragraph is None:
        raise ValidationError({"paragraph": _(
            "That paragraph is not part of the text under consultation (%(version)s). "
            "Reload the page and comment on the current text."
        ) % {"version": consultation.version.label}})
    if paragraph.kind == Paragraph.Kind.SECTION:
        if target not in (None, "", Comment.Target.SECTION):
            raise ValidationError({"target": _("%(label)s is a section heading: comment on the section.")
                                   % {"label": paragraph.label}})
        if quote:
            raise ValidationError({"quote": _("Quote a passage of a paragraph, not of a heading.")})
        return Comment.Target.SECTION, paragraph
    if quote:
        if passage_in(read_text(consultation, paragraph, language), quote) is None:
            raise ValidationError({"quote": _(
                "The passage you quoted is not in %(label)s: copy the words exactly, or leave the passage empty."
            ) % {"label": paragraph.label}})
        return Comment.Target.PASSAGE, paragraph
    return Comment.Target.PARAGRAPH, paragraph


def passage_in(text: str, quote: str) -> str | None:
    """The passage of ``text`` that ``quote`` names, exactly as the paragraph has it, or None.

    Case and runs of spacing (line breaks of a selection, doubled spaces) may differ; the words
    must follow each other in the paragraph. A select-to-quote helper and a typed passage are
    checked the same way, and what is stored is always a substring of the paragraph.
    """
    words = _clean_text(quote).split()
    if not words:
        return None
    found = re.search(r"\s+".join(re.escape(w) for w in words), text, flags=re.IGNORECASE)
    return found.group(0) if found else None


# --- Languages (issue 18 item 4; core.translations) ---------------------------------------------

@transaction.atomic
def document_translate(*, actor: Actor | None, document: GuidelineDocument, language: str,
                       values: dict[str, Any]) -> GuidelineDocument:
    """The document's title and summary in ``language`` (secretariat), audited as ``document.translated``."""
    return translations.save(document, actor=actor, action="document.translated", language=language, values=values)


@transaction.atomic
def consultation_translate(*, actor: Actor | None, consultation: Consultation, language: str,
                           values: dict[str, Any]) -> Consultation:
    """The consultation's title and summary in ``language`` (secretariat), audited as ``consultation.translated``."""
    return translations.save(consultation, actor=actor, action="consultation.translated", language=language,
                             values=values)


@transaction.atomic
def version_translate(*, actor: Actor | None, version: GuidelineVersion, language: str,
                      texts: Mapping[Any, str | None]) -> int:
    """The version's paragraphs in ``language`` (secretariat): ``texts`` maps a paragraph's id to its
    text (an empty one removes it). Every text is checked before any is written; each paragraph changed
    is one ``paragraph.translated`` entry. Returns how many changed."""
    paragraphs = {p.pk: p for p in version.paragraphs.all()}
    ids: dict[int, str | None] = {}
    for key, value in texts.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = 0
        if pk not in paragraphs:
            raise ValidationError({"__all__": _("“%(key)s” is not a paragraph of %(version)s.") % {
                "key": str(key)[:20], "version": version}})
        ids[pk] = value
    errors: dict[str, list[str]] = {}
    for pk, value in ids.items():
        try:
            translations.clean(Paragraph, language, {"text": value})
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                key = "language" if field == "language" else f"p{pk}"
                errors.setdefault(key, []).extend(
                    messages if key == "language" else [f"{paragraphs[pk].label}: {m}" for m in messages])
    if errors:
        raise ValidationError({k: list(dict.fromkeys(v)) for k, v in errors.items()})
    changed = 0
    for pk, value in ids.items():
        before = paragraphs[pk].translations
        translations.save(paragraphs[pk], actor=actor, action="paragraph.translated", language=language,
                          values={"text": value})
        changed += paragraphs[pk].translations != before
    return changed


def untranslated_paragraphs(version: GuidelineVersion, language: str) -> list[Paragraph]:
    """The paragraphs of ``version`` with text but none in ``language``."""
    return [p for p in version.paragraphs.order_by("position")
            if p.text and not ((p.translations or {}).get(language) or {}).get("text")]


@transaction.atomic
def consultation_set_languages(*, actor: Actor | None, consultation: Consultation,
                               languages: Sequence[str]) -> Consultation:
    """Hold the consultation in English and ``languages``: the guideline text is offered, and comments
    taken, in each. A language is accepted once every paragraph of the version is translated into it."""
    _require_write(actor, consultation)
    codes = list(dict.fromkeys((code or "").strip().lower() for code in languages))
    supported = translations.languages()
    errors: list[str] = []
    for code in codes:
        if code not in supported:
            errors.append(_("“%(code)s” is not a language a consultation can be held in (%(languages)s; English "
                            "always).") % {"code": code[:20], "languages": ", ".join(supported)})
            continue
        lacking = untranslated_paragraphs(consultation.version, code)
        if lacking:
            errors.append(_("The guideline text is not yet in %(language)s: %(n)s of its paragraphs lack a "
                            "translation (the first: %(first)s). Translate the version first.") % {
                "language": translations.language_name(code), "n": len(lacking), "first": lacking[0].label})
    if errors:
        raise ValidationError({"languages": errors})
    return save_audited(consultation, actor=actor, action="consultation.languages_changed",
                        fields={"languages": [c for c in supported if c in codes]}, allowed=["languages"])


def comment_languages(consultation: Consultation) -> list[str]:
    """The languages a comment on ``consultation`` may be in: English and the consultation's own."""
    return [translations.DEFAULT, *consultation.languages]


def comment_submit(**kwargs: Any) -> Comment:
    """Store one comment and return it with its receipt number; see ``_comment_submit``.

    The submission is one transaction (a savepoint inside a caller's). When a unique key was
    taken meanwhile, by a receipt collision (1 in ~10^12 per comment) or by a concurrent twin
    (same respondent and submission key), it is rolled back and tried again: the retry draws a
    new receipt, or finds the twin, now committed, and returns it.
    """
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _comment_submit(**kwargs)
        except IntegrityError as exc:
            if "receipt" not in str(exc) and "submission" not in str(exc):
                raise
    raise ValidationError(_("Could not number the comment; send it again."))  # pragma: no cover


def _comment_submit(
    *, consultation: Consultation, actor: Actor | None = None, respondent: Respondent | None = None,
    details: dict | None = None, target: str | None = None, paragraph_id: Any = None, quote: str = "",
    comment_type: str = Comment.Type.GENERAL, text: str = "", proposed_change: str = "",
    attachments: Sequence[UploadedFile] = (), submission_key: str = "", channel: str = Comment.Channel.ONLINE,
    time_zone: str | None = None, answers: dict[int, str] | None = None, now: datetime | None = None,
    session: Any = None, is_illustrative: bool = False, notify: bool = True, ip: str | None = None,
    language: str = translations.DEFAULT,
) -> Comment:
    """Store one comment and return it with its receipt number; the receipt is e-mailed after commit.

    A signed-in ``actor`` comments under their account; the public passes a confirmed
    ``respondent``. The same ``submission_key`` from the same respondent stores the comment
    once (a double click or a retry returns the first one). Public comments are rate-limited
    per respondent and per client ``ip`` (``CommentLimitReached``, a 429 in the views).

    ``language`` is the one the commenter read the text in and wrote: English or one of the
    consultation's languages (``comment_languages``).

    Checks and reads come first; the writes (comment, respondent details if they changed,
    attachments, answers, audit entry) commit together, and the receipt e-mail is enqueued on
    commit.
    """
    now = now or timezone.now()
    user = access.signed_in(actor)
    zone = time_zone or (user.time_zone if user else None)
    if channel != Comment.Channel.IN_PERSON:
        refusal = window_refusal(consultation, zone, now)
        if refusal:
            raise ValidationError({"__all__": refusal})
        if not consultation.is_published:
            raise ValidationError({"__all__": _("This consultation is not published.")})
    else:
        _require_write(actor, consultation)  # staff record what was said in the room
    fields = _respondent_details(details or {})
    if channel == Comment.Channel.IN_PERSON:
        respondent = None  # said in the room and written down by staff: each speaker is a respondent of their own
    elif user is not None:
        respondent = Respondent.objects.filter(consultation=consultation, user=user).first()
    elif respondent is None or respondent.consultation_id != consultation.pk or not respondent.is_confirmed:
        if not consultation.allow_public:
            raise ValidationError({"__all__": _("Sign in as a registered stakeholder to comment on this consultation.")})
        raise ValidationError({"email": _("Confirm your e-mail address first: we send you a link.")})
    submission_key = _clean_text(submission_key)[:64] or uuid.uuid4().hex
    errors: dict[str, str] = {}
    text = _clean_text(text)
    proposed_change = _clean_text(proposed_change)
    quote = _clean_text(quote)
    if not text:
        errors["text"] = _("Write your comment.")
    elif len(text) > MAX_COMMENT_CHARS:
        errors["text"] = _("Shorten your comment to %(max)s characters (it has %(n)s); attach a document for more.") % {
            "max": f"{MAX_COMMENT_CHARS:,}", "n": f"{len(text):,}"}
    if len(proposed_change) > MAX_COMMENT_CHARS:
        errors["proposed_change"] = _("Shorten the proposed change to %(max)s characters.") % {"max": f"{MAX_COMMENT_CHARS:,}"}
    if len(quote) > 2000:
        errors["quote"] = _("Quote at most 2,000 characters of the paragraph.")
    if comment_type not in Comment.Type.values:
        errors["comment_type"] = _("Choose general, technical or editorial.")
    language = (language or "").strip().lower()
    if language not in comment_languages(consultation):
        errors["language"] = _("This consultation takes comments in %(languages)s; “%(code)s” is not one of them.") % {
            "languages": ", ".join(translations.language_name(c) for c in comment_languages(consultation)),
            "code": language[:20]}
    if errors:
        raise ValidationError(errors)
    target, paragraph = _resolve_target(consultation, target, paragraph_id, quote, language)
    if target == Comment.Target.PASSAGE and paragraph is not None:  # a passage is always in a paragraph
        quote = passage_in(read_text(consultation, paragraph, language), quote) or quote  # as the paragraph has it
    checked = _check_attachments(consultation, attachments)
    question_answers = []
    if answers:
        questions = {q.pk: q for q in consultation.questions.all()}
        for qid, value in answers.items():
            question = questions.get(int(qid))
            value = _clean_text(value)
            if question is None:
                raise ValidationError({"answers": _("An answer refers to a question of another consultation.")})
            if value and question.kind == question.Kind.CHOICE and value not in question.choices:
                raise ValidationError({f"q{question.number}": _("Choose one of the offered answers to question %(n)s.")
                                       % {"n": question.number}})
            if value:
                question_answers.append((question, value[:MAX_COMMENT_CHARS]))
    if respondent is None:
        if channel == Comment.Channel.IN_PERSON:
            respondent = Respondent.objects.create(consultation=consultation, confirmed_at=now)
        else:  # this account's first comment here (a concurrent first one: get_or_create's retry)
            respondent, _created = Respondent.objects.get_or_create(consultation=consultation, user=user)
    else:
        # The same (respondent, key) is stored: a double click or a retry returns the first one.
        stored = Comment.objects.filter(respondent=respondent, submission_key=submission_key).first()
        if stored is not None:
            return stored
        if user is None and channel == Comment.Channel.ONLINE and not is_illustrative:
            _comment_limit_check(respondent, ip, zone or consultation.time_zone, now)
    comment = Comment.objects.create(
        consultation=consultation, respondent=respondent, target=target, paragraph=paragraph, quote=quote,
        comment_type=comment_type, text=text, proposed_change=proposed_change, language=language,
        channel=channel, session=session,
        submission_key=submission_key, received_at=now, receipt=_receipt(consultation),
        text_hash=similarity.text_hash(text), signature=similarity.signature(text), is_illustrative=is_illustrative,
    )
    changed = _changed_details(respondent, fields, is_illustrative)
    for name in changed:
        setattr(respondent, name, True if name == "is_illustrative" else fields[name])
    if changed:  # the same details as last time (the usual case) write nothing
        respondent.save(update_fields=changed)
    for upload, kind in checked:
        attachment = CommentAttachment(
            comment=comment, original_name=os.path.basename(upload.name or "attachment")[:200],
            content_type=MIME_TYPES[kind], size=upload.size or 0,
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{kind}", upload, save=False)
        attachment.save()
    for question, value in question_answers:
        Answer.objects.update_or_create(
            respondent=respondent, question=question,
            defaults={"text": "" if question.kind == question.Kind.CHOICE else value,
                      "choice": value if question.kind == question.Kind.CHOICE else ""},
        )
    audit.record(actor=actor, action="comment.submitted", target=comment, changes={
        "receipt": [None, comment.receipt], "target": [None, target], "language": [None, language],
        "paragraph": [None, paragraph.number if paragraph else None]})
    if notify and (respondent.user_id or respondent.email):
        transaction.on_commit(partial(tasks.send_comment_receipt.enqueue, comment_id=comment.pk))
    return comment


def _changed_details(respondent: Respondent, fields: dict, is_illustrative: bool) -> list[str]:
    """The respondent fields this submission changes (``is_illustrative`` only ever turns on)."""
    changed = [name for name, value in fields.items() if getattr(respondent, name) != value]
    if is_illustrative and not respondent.is_illustrative:
        changed.append("is_illustrative")
    return changed


def comment_receipt_send(*, comment_id: int) -> None:
    comment = Comment.objects.select_related("consultation", "respondent__user", "paragraph").get(pk=comment_id)
    respondent = comment.respondent
    address = respondent.user.email if respondent.user else respondent.email
    if not address:
        return
    zone = respondent.user.time_zone if respondent.user else comment.consultation.time_zone
    where = comment.paragraph.label if comment.paragraph else _("the whole document")
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    body = _("We received your comment on %(where)s on %(when)s.\n\nReceipt number: %(receipt)s\n\n"
             "Your comment:\n%(text)s\n\n") % {
        "where": where, "when": format_instant(comment.received_at, zone), "receipt": comment.receipt,
        "text": comment.text}
    if comment.proposed_change:
        body += _("Your proposed change:\n%(change)s\n\n") % {"change": comment.proposed_change}
    body += _("Your receipt: %(receipt_link)s\nThe paragraph and its comments: %(where_link)s\n\n"
              "Keep this number: it identifies your comment in the consultation's resolution table.") % {
        "receipt_link": base + reverse("consultations:receipt", args=[comment.receipt]),
        "where_link": base + comment_place(comment)}
    send_mail(
        _("Receipt %(receipt)s: your comment on “%(title)s”") % {"receipt": comment.receipt,
                                                                "title": comment.consultation.title},
        body, None, [address],
    )


def comment_place(comment: Comment) -> str:
    """The path of the page where a comment sits: its paragraph's page, or the whole-document page."""
    if comment.paragraph_id:
        return reverse("consultations:paragraph", args=[comment.consultation_id, comment.paragraph_id])
    return reverse("consultations:document_comment", args=[comment.consultation_id])


# --- Moderation ------------------------------------------------------------------------------

MODERATION_ACTIONS = {Comment.Status.PUBLISHED, Comment.Status.HIDDEN, Comment.Status.SPAM}


def _moderation_check(action: str, reason: str) -> str:
    reason = _clean_text(reason)[:300]
    if action not in MODERATION_ACTIONS:
        raise ValidationError({"action": _("Choose publish, hide or spam.")})
    if action == Comment.Status.HIDDEN and not reason:
        raise ValidationError({"reason": _("Say why the comment is hidden, e.g. “contains personal data”.")})
    return reason


@transaction.atomic
def comment_moderate(*, actor: Actor, comment: Comment, action: str, reason: str = "") -> Comment:
    """Publish, hide (with a stated reason) or mark as spam one comment; logged."""
    _require_write(actor, comment.consultation)
    reason = _moderation_check(action, reason)
    before = audit.snapshot(comment, ["status", "moderation_reason"])
    comment.status = action
    comment.moderation_reason = reason
    comment.save(update_fields=["status", "moderation_reason"])
    ModerationAction.objects.create(comment=comment, action=action, reason=reason, actor=access.signed_in(actor))
    audit.record(actor=actor, action=f"comment.{action}", target=comment, before=before)
    return comment


@transaction.atomic
def comment_group_moderate(*, actor: Actor, group: CommentGroup, action: str, reason: str = "") -> int:
    """Decide a whole near-duplicate group at once; every member is logged. Set-based whatever the
    group's size (a campaign of 120,000 letters): one UPDATE of the members, one INSERT … SELECT
    of their moderation log entries."""
    _require_write(actor, group.consultation)
    reason = _moderation_check(action, reason)
    members = CommentGroupMember.objects.filter(group=group).values("comment_id")
    n = Comment.objects.filter(pk__in=members).update(status=action, moderation_reason=reason)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO consultations_moderationaction (comment_id, action, reason, actor_id, at)"
            " SELECT c.id, %s, %s, %s, %s FROM consultations_commentgroupmember m"
            " JOIN consultations_comment c ON c.id = m.comment_id WHERE m.group_id = %s",
            [action, reason, getattr(actor, "pk", None), connection.ops.adapt_datetimefield_value(timezone.now()),
             group.pk],
        )
    audit.record(actor=actor, action=f"comment_group.{action}", target=group,
                 changes={"comments": [None, n], "reason": [None, reason]})
    return n


@transaction.atomic
def comments_group(*, actor: Actor | None, consultation: Consultation, threshold: float = similarity.THRESHOLD) -> int:
    """(Re)build the near-duplicate groups of a consultation; returns the number of groups.

    One pass reads every comment's id and text hash, and each distinct text's signature; LSH
    clusters the distinct texts. Memberships are narrow ``CommentGroupMember`` rows: only those
    that change are deleted or inserted (COPY on PostgreSQL), and comment rows are never
    rewritten. A group keeps its id while its earliest comment stays its earliest; a re-run with
    nothing new writes nothing.
    """
    if actor is not None:
        _require_write(actor, consultation)
    # One run at a time per consultation. NO KEY UPDATE does not wait for intake, whose comment
    # inserts only take KEY SHARE locks on the consultation row.
    list(Consultation.objects.select_for_update(no_key=True).filter(pk=consultation.pk).values_list("pk"))
    members, signatures = _distinct_texts(consultation)
    found = similarity.clusters(signatures, threshold)
    del signatures
    clustered = {i for cluster in found for i in cluster}
    found += [[i] for i, ids in enumerate(members) if len(ids) > 1 and i not in clustered]  # exact copies only
    existing = {g.representative_id: g for g in CommentGroup.objects.filter(consultation=consultation)}
    wanted: dict[int, int] = {}
    kept: list[CommentGroup] = []
    for cluster in found:
        ids = [pk for i in cluster for pk in members[i]]
        first = min(ids)
        grp = existing.pop(first, None)
        if grp is None:
            grp = CommentGroup.objects.create(consultation=consultation, representative_id=first, size=len(ids))
        elif grp.size != len(ids):
            grp.size = len(ids)
            grp.save(update_fields=["size"])
        kept.append(grp)
        wanted.update(dict.fromkeys(ids, grp.pk))
    del members
    left, joined = _write_members(consultation, wanted)
    if existing:
        CommentGroup.objects.filter(pk__in=[g.pk for g in existing.values()]).delete()
    audit.record(actor=actor, action="consultation.grouped_duplicates", target=consultation,
                 changes={"groups": [None, len(kept)], "grouped_comments": [None, len(wanted)],
                          "joined": [None, joined], "left": [None, left]})
    return len(kept)


def _distinct_texts(consultation: Consultation) -> tuple[list[list[int]], list[bytes]]:
    """The consultation's comments (spam excluded) by distinct text, texts in the order of their
    earliest comment: each text's comment ids, and its signature. One sequential scan, streamed
    (the server-side cursor needs a transaction: ``comments_group``'s)."""
    sql = ("SELECT id, text_hash, signature FROM consultations_comment"
           " WHERE consultation_id = %s AND status <> %s")
    params = [consultation.pk, Comment.Status.SPAM]
    ids: dict[str, list[int]] = {}
    signatures: dict[str, bytes] = {}
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        # A server-side cursor in the caller's transaction streams the rows, in binary (signatures
        # as raw bytes, not hex text); Django's own cursor would fetch them all, as text.
        cursor = connection.connection.cursor(name="consultations_grouping", binary=True)
    else:
        cursor = connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20000):
            for pk, h, sig in rows:
                found = ids.get(h)
                if found is None:
                    ids[h] = [pk]
                    signatures[h] = bytes(sig)
                else:
                    found.append(pk)
    order = sorted(ids, key=lambda h: min(ids[h]))
    return [ids[h] for h in order], [signatures[h] for h in order]


def _write_members(consultation: Consultation, wanted: dict[int, int]) -> tuple[int, int]:
    """Make the memberships match ``wanted`` (comment → group); returns how many left and joined
    a group (a comment moving between groups counts in both)."""
    current = dict(CommentGroupMember.objects.filter(group__consultation=consultation)
                   .values_list("comment_id", "group_id").iterator(chunk_size=20000))
    gone = [pk for pk, group_id in current.items() if wanted.get(pk) != group_id]
    new = [(pk, group_id) for pk, group_id in wanted.items() if current.get(pk) != group_id]
    del current
    for start in range(0, len(gone), 10000):
        CommentGroupMember.objects.filter(comment_id__in=gone[start : start + 10000]).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(
            "COPY consultations_commentgroupmember (comment_id, group_id) FROM STDIN"
        ) as copy:
            for row in new:
                copy.write_row(row)
    else:
        CommentGroupMember.objects.bulk_create(
            [CommentGroupMember(comment_id=pk, group_id=group_id) for pk, group_id in new], batch_size=2000)
    return len(gone), len(new)


# --- Dispositions and the report -------------------------------------------------------------


@transaction.atomic
def disposition_record(
    *, actor: Actor, consultation: Consultation, comment_ids: Sequence[int], decision: str, rationale: str,
    resulting_paragraph_ids: Sequence[int] = (), is_illustrative: bool = False,
) -> Disposition:
    """Decide one comment or several (e.g. a near-duplicate group) at once; replaces earlier decisions."""
    _require_write(actor, consultation)
    errors: dict[str, str] = {}
    ids = sorted({int(i) for i in comment_ids})
    if not ids:
        errors["comments"] = _("Choose the comment(s) this decision is about.")
    found = set(Comment.objects.filter(consultation=consultation, pk__in=ids).values_list("pk", flat=True))
    foreign = [i for i in ids if i not in found]
    if foreign:
        errors["comments"] = _("Comment(s) %(ids)s do not belong to this consultation.") % {
            "ids": ", ".join(map(str, foreign[:10]))}
    if decision not in Disposition.Decision.values:
        errors["decision"] = _("Choose a decision: accepted, accepted with modification, noted, not accepted or out of scope.")
    rationale = _clean_text(rationale)
    if not rationale:
        errors["rationale"] = _("Give the rationale for the decision; it is published in the resolution table.")
    paragraphs = list(Paragraph.objects.filter(pk__in=list(resulting_paragraph_ids)).select_related("version"))
    if len(paragraphs) != len(set(resulting_paragraph_ids)) or any(
        p.version.document_id != consultation.version.document_id or p.version.number <= consultation.version.number
        for p in paragraphs
    ):
        errors["resulting_paragraphs"] = _("Resulting paragraphs must come from a later version of the same document.")
    if errors:
        raise ValidationError(errors)
    previous = set(Comment.objects.filter(pk__in=ids, disposition__isnull=False).values_list("disposition_id", flat=True))
    disposition = Disposition.objects.create(
        consultation=consultation, decision=decision, rationale=rationale, decided_by=access.signed_in(actor),
        is_illustrative=is_illustrative,
    )
    disposition.resulting_paragraphs.set(paragraphs)
    Comment.objects.filter(pk__in=ids).update(disposition=disposition)
    Disposition.objects.filter(pk__in=previous, comments__isnull=True).delete()
    audit.record(actor=actor, action="disposition.recorded", target=disposition,
                 changes={"decision": [None, decision], "comments": [None, ids[:50]], "count": [None, len(ids)]})
    return disposition


def undecided(consultation: Consultation):
    """Comments that still need a decision before the report can be published (spam is excluded)."""
    return consultation.comments.exclude(status=Comment.Status.SPAM).filter(disposition__isnull=True)


@transaction.atomic
def report_publish(
    *, actor: Actor, consultation: Consultation, summary: str, final_version: GuidelineVersion | None = None,
    now: datetime | None = None, notify: bool = True,
) -> ConsultationReport:
    """Publish the outcome. Refused before closing, while comments await moderation or lack a decision.

    The first publication e-mails, through the worker after commit, each respondent who asked to
    hear about the outcome (``notify=False`` for the demo's illustrative respondents)."""
    _require_write(actor, consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if now < consultation.closes_at:
        errors["__all__"] = _("The consultation is still open until %(closes)s; publish the report after it closes.") % {
            "closes": format_instant(consultation.closes_at, getattr(actor, "time_zone", None))}
    pending = consultation.comments.filter(status=Comment.Status.PENDING).count()
    missing = undecided(consultation)
    count = missing.count()
    if pending:
        errors["moderation"] = _("%(n)s comment(s) still await moderation.") % {"n": pending}
    if count:
        sample = ", ".join(missing.order_by("pk").values_list("receipt", flat=True)[:3])
        errors["dispositions"] = _("%(n)s comment(s) still lack a decision (e.g. %(sample)s); decide them first.") % {
            "n": count, "sample": sample}
    summary = _clean_text(summary)
    if not summary:
        errors["summary"] = _("Write a short summary of the outcome.")
    if final_version is not None and (
        final_version.document_id != consultation.version.document_id
        or final_version.number <= consultation.version.number
    ):
        errors["final_version"] = _("The resulting version must be a later version of the same document.")
    if errors:
        raise ValidationError(errors)
    from .selectors import synopsis

    report, _created = ConsultationReport.objects.get_or_create(consultation=consultation, defaults={"summary": summary})
    first_publication = report.published_at is None
    report.summary = summary
    report.final_version = final_version
    report.published_at = now
    report.published_by = access.signed_in(actor)
    report.save()
    consultation.report = report
    report.synopsis = synopsis(consultation, final_version=final_version, live=True)
    report.save(update_fields=["synopsis"])
    audit.record(actor=actor, action="consultation.report_published", target=report)
    if notify and first_publication:
        transaction.on_commit(partial(tasks.send_outcome_notices.enqueue, consultation_id=consultation.pk))
    return report


def outcome_notices_send(*, consultation_id: int) -> int:
    """E-mail the published outcome to each respondent who asked for it (one message per address);
    returns how many were sent."""
    consultation = Consultation.objects.select_related("report").get(pk=consultation_id)
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    link = base + reverse("consultations:report", args=[consultation.pk])
    by_address: dict[str, list[int]] = {}
    for respondent in consultation.respondents.filter(wants_outcome=True).select_related("user").order_by("pk"):
        address = ((respondent.user.email if respondent.user else respondent.email) or "").lower()
        if address:
            by_address.setdefault(address, []).append(respondent.pk)
    sent = 0
    for address, ids in sorted(by_address.items()):
        receipts = ", ".join(consultation.comments.filter(respondent_id__in=ids).exclude(
            status=Comment.Status.SPAM).order_by("pk").values_list("receipt", flat=True)[:20])
        send_mail(
            _("The outcome of “%(title)s” is published") % {"title": consultation.title},
            _("You asked to hear about the outcome of this consultation.\n\n%(summary)s\n\n"
              "Read the report and the decision on each comment: %(link)s\n\nYour receipt number(s): %(receipts)s")
            % {"summary": consultation.report.summary, "link": link, "receipts": receipts or "—"},
            None, [address],
        )
        sent += 1
    return sent


@transaction.atomic
def organisation_replaced(*, actor: Actor, old: Organisation, new: Organisation) -> dict[str, int]:
    """The guideline documents and consultations owned by ``old`` are ``new``'s (a merge), audited."""
    moved = {
        "consultations.GuidelineDocument.owner_organisation": repoint(
            actor=actor, rows=GuidelineDocument.objects.filter(owner_organisation=old), field="owner_organisation",
            new=new, action="document.organisation_replaced"),
        "consultations.Consultation.owner_organisation": repoint(
            actor=actor, rows=Consultation.objects.filter(owner_organisation=old), field="owner_organisation",
            new=new, action="consultation.organisation_replaced"),
    }
    return {label: count for label, count in moved.items() if count}
