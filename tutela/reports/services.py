"""Writes to reports: define, draft (and redraft without losing edits), edit, reorder, merge, split, sign off."""

import base64
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tutela.core import access, audit
from tutela.core import progress as job_progress
from tutela.core.access import Actor
from tutela.core.services import apply_fields
from tutela.core.text import control_character_message, find_control_character

from . import drafting, rendering
from .models import REPORT_LIFECYCLE, DraftStatus, Encoded, Report, ReportFile, ReportParagraph, original_hash
from .rendering import snapshot_of

logger = logging.getLogger(__name__)

REPORT_FIELDS = ["title", "presented_to", "meeting", "meeting_place", "meeting_date", "document_number",
                 "document_date", "author",
                 "period_start", "period_end", "include_ongoing", "language", "structure", "includes",
                 "opening_template", "initiative"]


def _editor(actor: Actor | None) -> None:
    if actor is not None and not access.is_secretariat(actor):
        raise PermissionDenied


def _not_final(report: Report) -> None:
    if report.is_final:
        raise ValidationError(_("This report has been signed off and is frozen: its text and sources no longer change. "
                                "Create a new report for a later period or a corrected edition."))


def _check(report: Report) -> None:
    if report.period_start and report.period_end and report.period_end < report.period_start:
        raise ValidationError({"period_end": _("The period ends (%(end)s) before it starts (%(start)s).")
                               % {"end": report.period_end, "start": report.period_start}})
    if report.language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose the document's original language among %(l)s.")
                               % {"l": ", ".join(str(name) for _code, name in settings.LANGUAGES)}})
    unknown = set(report.includes or []) - set(Report.Include.values)
    if unknown:
        raise ValidationError({"includes": _("Unknown kinds of record: %(k)s.") % {"k": ", ".join(sorted(unknown))}})
    if report.opening_template:
        try:
            re.sub(r"[\[\]]", "", report.opening_template).format(**{k: "" for k in (
                "mandate", "lead", "phase", "phase_lower", "initiative", "launcher", "launched_month", "patron",
                "pillar_count")})
        except (KeyError, IndexError, ValueError) as exc:
            raise ValidationError({"opening_template": _(
                "The opening paragraph uses an unknown placeholder %(p)s. Known: {mandate}, {lead}, {phase}, "
                "{phase_lower}, {initiative}, {launcher}, {launched_month}, {patron}, {pillar_count}.") % {"p": exc}}) from exc


@transaction.atomic
def report_create(*, actor: Actor, title: str, initiative: Any, period_start: date, period_end: date, **fields: Any) -> Report:
    """Define a report. Raises ValidationError for a period that ends before it starts."""
    _editor(actor)
    report = Report(title=(title or "").strip(), initiative=initiative, period_start=period_start,
                    period_end=period_end, created_by=access.signed_in(actor))
    apply_fields(report, fields, REPORT_FIELDS)
    _check(report)
    report.full_clean()
    report.save()
    audit.record(actor=actor, action="report.created", target=report)
    return report


@transaction.atomic
def report_update(*, actor: Actor, report: Report, **fields: Any) -> Report:
    _editor(actor)
    _not_final(report)
    before = audit.snapshot(report, [f for f in REPORT_FIELDS if f != "initiative"])
    apply_fields(report, fields, REPORT_FIELDS)
    _check(report)
    report.full_clean()
    report.save()
    if before.get("structure") != report.structure:
        _regroup(report)
    audit.record(actor=actor, action="report.updated", target=report, before=before)
    return report


def _regroup(report: Report) -> None:
    """Put the drafted paragraphs in the order of the report's (new) grouping: chronological, or by pillar.

    Each generated paragraph takes the place its drafted group has in the new order; a paragraph without one
    (written by an editor, or whose records left the period) travels with the paragraph before it. Moves made by
    hand under the old grouping give way to the new one; the texts and edits are untouched.
    """
    paragraphs = list(report.paragraphs.order_by("order", "pk").only("pk", "order", "keys"))
    if not paragraphs:
        return
    rank = {d.key: i for i, d in enumerate(drafting.build(report))}
    chunks: list[tuple[int, int, list[ReportParagraph]]] = []
    for seq, p in enumerate(paragraphs):
        ranks = [rank[k] for k in p.keys if k in rank]
        if not ranks and chunks:
            chunks[-1][2].append(p)
        else:
            chunks.append((min(ranks, default=-1), seq, [p]))
    chunks.sort(key=lambda c: (c[0], c[1]))
    moved = []
    for number, p in enumerate((p for _r, _s, ps in chunks for p in ps), start=1):
        if p.order != number:
            p.order = number
            moved.append(p)
    ReportParagraph.objects.bulk_update(moved, ["order"], batch_size=1000)


@transaction.atomic
def report_choose(*, actor: Actor, report: Report, key: str, choice: str) -> Report:
    """Include ("in") or exclude ("out") one record of the period preview, or go back to what the period
    proposes (""). Stored with the report; every draft and redraft honours it."""
    _editor(actor)
    _not_final(report)
    kind, _sep, pk = (key or "").partition(":")
    if kind not in ("activity", "agreement") or not pk.isdigit() or len(pk) > 12:
        raise ValidationError(_("Choose a record from the list."))
    if choice not in ("in", "out", ""):
        raise ValidationError(_("Choose include, exclude or as proposed."))
    if not any(c.key == key for c in drafting.preview(report)):
        raise ValidationError(_("That record is not among the candidates of this report's period."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    selection = dict(report.selection or {})
    before = selection.get(key, "")
    if choice:
        selection[key] = choice
    else:
        selection.pop(key, None)
    report.selection = selection
    report.save(update_fields=["selection", "updated_at"])
    audit.record(actor=actor, action="report.record_chosen", target=report, changes={key: [before, choice]})
    return report


@transaction.atomic
def report_draft_or_schedule(*, actor: Actor | None, report: Report) -> dict[str, int] | None:
    """Draft now, or, for a period with more than ``BACKGROUND_THRESHOLD`` activities, mark the
    report as drafting and draft it in the background under the same actor. Returns the counts
    of ``report_draft``, or None when the work was scheduled."""
    from . import selectors

    _editor(actor)
    _not_final(report)
    if selectors.activity_count_in_period(report) <= selectors.BACKGROUND_THRESHOLD:
        return report_draft(actor=actor, report=report)
    _schedule_draft(report, actor)
    return None


def _schedule_draft(report: Report, actor: Actor | None) -> None:
    """Queue the worker's draft of ``report`` (on commit) and remember its task, so the page can follow it."""
    from . import tasks

    Report.objects.filter(pk=report.pk).update(draft_progress=0, draft_status=DraftStatus.QUEUED, draft_error="",
                                               draft_task_id="")
    actor_id, report_id = getattr(actor, "pk", None), report.pk

    def enqueue() -> None:
        result = tasks.draft_report.enqueue(report_id=report_id, actor_id=actor_id)
        Report.objects.filter(pk=report_id, draft_task_id="").update(draft_task_id=str(result.id))

    transaction.on_commit(enqueue)


@transaction.atomic
def report_draft_retry(*, actor: Actor, report: Report) -> None:
    """Try a failed background draft again: queue it anew. Raises ValidationError unless it failed."""
    from . import selectors

    _editor(actor)
    _not_final(report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    job = selectors.draft_job(report)
    if not job.failed:
        raise ValidationError(_("Drafting has not failed: there is nothing to try again."))
    _schedule_draft(report, actor)
    audit.record(actor=actor, action="report.draft_retried", target=report,
                 changes={"drafting": [DraftStatus.FAILED, DraftStatus.QUEUED], "reason": [job.reason, ""]})


def draft_failure_reason(exc: BaseException) -> str:
    """Why a draft failed, in words for the page (the traceback goes to the log)."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return _("The person who asked for this draft may no longer draft reports.")
    return _("Drafting stopped on an unexpected error (%(kind)s). It was logged; nothing in the report was changed.") % {
        "kind": type(exc).__name__}


def report_draft_run(*, report_id: int, actor: Actor | None) -> dict[str, int]:
    """The worker's draft: marked running, then drafted in one transaction (``report_draft``).

    On an error the report says drafting failed, and why, and the error goes on to the task row.
    A worker killed mid-way leaves nothing half-written (the draft is one transaction); the task
    sweep (``tutela.core.jobs.sweep_tasks``) queues it again or marks it failed, and the report's
    page reads that from the task row (``selectors.draft_job``).
    """
    Report.objects.filter(pk=report_id).update(draft_status=DraftStatus.RUNNING, draft_error="")
    report = None
    try:
        report = Report.objects.get(pk=report_id)
        return report_draft(actor=actor, report=report, progress=_progress_file(report))
    except Exception as exc:
        logger.exception("drafting report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(draft_status=DraftStatus.FAILED, draft_error=draft_failure_reason(exc))
        raise
    finally:
        if report is not None:
            job_progress.clear_rows(report)


def _progress_file(report: Report) -> Callable[[int], None]:
    """Where the worker's draft says how far it is while its transaction is open: the job-progress file
    (``core.progress.write_rows``) the report's page reads (``selectors.draft_progress``)."""
    started = timezone.now()
    job_progress.write_rows(report, 0, 100, started=started)

    def tell(percent: int) -> None:
        job_progress.write_rows(report, percent, 100, started=started)

    return tell


@transaction.atomic
def report_draft(*, actor: Actor | None, report: Report,
                 progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Draft (or redraft) the paragraphs from the records. Never overwrites an edit.

    An unedited paragraph takes the new text. An edited one keeps its text and receives the
    new generated text as *pending*, for the editor to accept or dismiss. Paragraphs whose
    records left the period are marked stale, not deleted. Returns counts of what happened.
    ``progress(percent)`` is told how far it is as it goes: composing is the first half, writing the second.
    """
    _editor(actor)
    _not_final(report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    tell = progress or (lambda percent: None)
    drafts = drafting.build(report, progress=lambda done, total: tell(50 * done // max(total, 1)))
    # The texts are not needed to match drafts to paragraphs; they are written only where they change.
    paragraphs = list(report.paragraphs.defer("sentences", "bullets", "pending_sentences", "pending_bullets",
                                              "edited_text"))
    by_key: dict[str, list[ReportParagraph]] = {}
    for p in paragraphs:
        for key in p.keys:
            by_key.setdefault(key, []).append(p)
    summary = {"added": 0, "updated": 0, "unchanged": 0, "pending": 0, "stale": 0, "deleted": 0}
    seen: set[int] = set()
    new: list[int] = []  # positions in ``drafts`` of the groups that get a new paragraph
    updated: dict[int, ReportParagraph] = {}  # changed paragraphs, written together (``bulk_update``) below
    pending: dict[int, ReportParagraph] = {}
    deleted = set(report.deleted_keys or [])
    for index, draft in enumerate(drafts):
        matches = by_key.get(draft.key, [])
        if not matches and draft.key in deleted:
            summary["deleted"] += 1  # the editor deleted its paragraph: it stays deleted
            continue
        if not matches:
            new.append(index)
            summary["added"] += 1
            continue
        encoded = draft.encoded()
        for p in matches:
            seen.add(p.pk)
            if p.generated_hash == encoded[2] and not p.is_stale:
                summary["unchanged"] += 1
                continue
            sentences, bullets = Encoded(draft.sentences, encoded[0]), Encoded(draft.bullets, encoded[1])
            if p.is_edited or len(p.keys) > 1:
                p.pending_sentences, p.pending_bullets = sentences, bullets
                pending[p.pk] = p
                summary["pending"] += 1
            else:
                p.sentences, p.bullets = sentences, bullets
                updated[p.pk] = p
                summary["updated"] += 1
            p.generated_hash = encoded[2]
            p.is_stale = False
            p.section = draft.section
    kept = ["generated_hash", "is_stale", "section"]
    ReportParagraph.objects.bulk_update(updated.values(), ["sentences", "bullets", *kept], batch_size=500)
    ReportParagraph.objects.bulk_update(pending.values(), ["pending_sentences", "pending_bullets", *kept],
                                        batch_size=500)
    _insert_paragraphs(report, _placed(report, paragraphs, drafts, new), tell)
    drafted_keys = {d.key for d in drafts}
    stale = [p.pk for p in paragraphs if p.pk not in seen and p.origin == ReportParagraph.Origin.GENERATED
             and not p.is_stale and not any(k in drafted_keys for k in p.keys)]
    ReportParagraph.objects.filter(pk__in=stale).update(is_stale=True)
    summary["stale"] = len(stale)
    # A first draft numbers its paragraphs 1..n as it writes them: nothing to renumber (or to read back).
    report.drafted_at = timezone.now()
    report.draft_progress = 100
    report.draft_status, report.draft_error = DraftStatus.DONE, ""
    delay = getattr(settings, "REPORTS_TEST_DRAFT_DELAY", 0)  # test only: the kill-the-worker test's window
    if delay:
        time.sleep(delay)
    report.save(update_fields=["drafted_at", "draft_progress", "draft_status", "draft_error", "updated_at"])
    audit.record(actor=actor, action="report.drafted", target=report, changes={"summary": [None, summary]})
    return summary


def _placed(report: Report, paragraphs: list[ReportParagraph], drafts: list[drafting.Draft],
            new: list[int]) -> list[tuple[int, drafting.Draft]]:
    """Number the new drafted groups where the report's order puts them, and renumber the paragraphs after them.

    A new group goes right after the paragraph of the nearest group before it in the drafted order (after the
    editor's own paragraphs that follow that one), or, when none of those has a paragraph, right before the
    paragraph of the nearest group after it; grouped by pillar, a paragraph of the same section is preferred.
    The editor's order of the existing paragraphs is kept. A first draft is numbered 1..n as drafted.
    """
    if not new:
        return []
    if not paragraphs:
        return [(number, drafts[i]) for number, i in enumerate(new, start=1)]
    existing = sorted(paragraphs, key=lambda p: (p.order, p.pk))
    last: dict[str, int] = {}
    first: dict[str, int] = {}
    for pos, p in enumerate(existing):
        for key in p.keys:
            last[key] = pos
            first.setdefault(key, pos)
    by_pillar = report.structure == Report.Structure.BY_PILLAR
    new_at = set(new)

    def nearest(indexes: range) -> dict[int, tuple[int | None, int | None]]:
        """For each new group, the position of the nearest existing group in ``indexes`` order (any section,
        same section)."""
        found: dict[int, tuple[int | None, int | None]] = {}
        any_pos: int | None = None
        by_section: dict[str, int] = {}
        for i in indexes:
            key = drafts[i].key
            if i in new_at:
                found[i] = (any_pos, by_section.get(drafts[i].section))
            elif key in last:
                pos = last[key] if indexes.step > 0 else first[key]
                any_pos = pos
                by_section[drafts[i].section] = pos
        return found

    before = nearest(range(len(drafts)))
    after = nearest(range(len(drafts) - 1, -1, -1))
    slots: list[tuple[float, int, Any]] = [(pos, 0, p) for pos, p in enumerate(existing)]
    for i in new:
        prev_any, prev_same = before[i]
        next_any, next_same = after[i]
        options = ([(prev_same, 1), (next_same, -1)] if by_pillar else []) + [(prev_any, 1), (next_any, -1)]
        anchor, side = next(((pos, side) for pos, side in options if pos is not None), (len(existing) - 1, 1))
        if side > 0:  # after the anchor and the editor's paragraphs written just after it
            while anchor + 1 < len(existing) and existing[anchor + 1].origin == ReportParagraph.Origin.FREE:
                anchor += 1
        slots.append((anchor + side * 0.5, i + 1, drafts[i]))
    slots.sort(key=lambda s: (s[0], s[1]))
    placed: list[tuple[int, drafting.Draft]] = []
    moved: list[ReportParagraph] = []
    for number, (_slot, _i, item) in enumerate(slots, start=1):
        if isinstance(item, ReportParagraph):
            if item.order != number:
                item.order = number
                moved.append(item)
        else:
            placed.append((number, item))
    ReportParagraph.objects.bulk_update(moved, ["order"], batch_size=1000)
    return placed


INSERT_BATCH = 1000


def _insert_paragraphs(report: Report, new: list[tuple[int, "drafting.Draft"]],
                       progress: Callable[[int], None] | None = None) -> None:
    """Write the new paragraphs with ``bulk_create``, 1,000 rows at a time, telling ``progress`` (50–100 %)
    after each batch.

    Each paragraph's sentences are encoded once: one pass makes the JSON for its hash and the packed JSON written
    (``models.pack``)."""
    for start in range(0, len(new), INSERT_BATCH):
        rows = []
        for order, d in new[start:start + INSERT_BATCH]:
            sentences, bullets, digest = d.encoded()
            rows.append(ReportParagraph.drafted(report.pk, order, d.key, d.section, Encoded(d.sentences, sentences),
                                                Encoded(d.bullets, bullets), digest))
        ReportParagraph.objects.bulk_create(rows)
        if progress is not None:
            progress(50 + 50 * (start + len(rows)) // len(new))


def _paragraph(report: Report, paragraph: ReportParagraph) -> None:
    if paragraph.report_id != report.pk:
        raise ValidationError(_("That paragraph belongs to another report."))


@transaction.atomic
def paragraph_edit(*, actor: Actor, paragraph: ReportParagraph, text: str) -> ReportParagraph:
    """Rewrite a paragraph. It keeps its links to the records and is marked edited."""
    _editor(actor)
    _not_final(paragraph.report)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("A paragraph cannot be empty; delete it instead.")})
    before = {"text": paragraph.text}
    paragraph.edited_text = text
    paragraph.is_edited = True
    paragraph.save(update_fields=["edited_text", "is_edited"])
    audit.record(actor=actor, action="report.paragraph_edited", target=paragraph.report,
                 changes={f"¶{paragraph.order}": [before["text"], text]})
    return paragraph


@transaction.atomic
def paragraph_accept_pending(*, actor: Actor, paragraph: ReportParagraph) -> ReportParagraph:
    """Take the redrafted text for an edited paragraph (the edit is dropped)."""
    _editor(actor)
    _not_final(paragraph.report)
    if paragraph.pending_sentences is None:
        raise ValidationError(_("There is no redrafted text waiting for this paragraph."))
    before = paragraph.text
    paragraph.sentences, paragraph.bullets = paragraph.pending_sentences, paragraph.pending_bullets or []
    paragraph.pending_sentences = paragraph.pending_bullets = None
    paragraph.is_edited, paragraph.edited_text = False, ""
    paragraph.save()
    audit.record(actor=actor, action="report.paragraph_redraft_accepted", target=paragraph.report,
                 changes={f"¶{paragraph.order}": [before, paragraph.text]})
    return paragraph


@transaction.atomic
def paragraph_dismiss_pending(*, actor: Actor, paragraph: ReportParagraph) -> ReportParagraph:
    _editor(actor)
    _not_final(paragraph.report)
    paragraph.pending_sentences = paragraph.pending_bullets = None
    paragraph.save(update_fields=["pending_sentences", "pending_bullets"])
    audit.record(actor=actor, action="report.paragraph_redraft_dismissed", target=paragraph.report)
    return paragraph


@transaction.atomic
def paragraph_revert(*, actor: Actor, paragraph: ReportParagraph) -> ReportParagraph:
    """Drop an edit and show the generated text again."""
    _editor(actor)
    _not_final(paragraph.report)
    if paragraph.origin == ReportParagraph.Origin.FREE:
        raise ValidationError(_("A paragraph written by an editor has no generated text to go back to."))
    paragraph.is_edited, paragraph.edited_text = False, ""
    paragraph.save(update_fields=["is_edited", "edited_text"])
    audit.record(actor=actor, action="report.paragraph_reverted", target=paragraph.report)
    return paragraph


@transaction.atomic
def paragraph_move(*, actor: Actor, paragraph: ReportParagraph, to: int) -> None:
    """Move a paragraph to position ``to`` (1-based); the others shift."""
    _editor(actor)
    report = paragraph.report
    _not_final(report)
    # Ids and numbers only, and only the paragraphs whose number changes are written (a long report has thousands).
    current = dict(report.paragraphs.order_by("order", "pk").values_list("pk", "order"))
    if not 1 <= to <= len(current):
        raise ValidationError({"to": _("Choose a position between 1 and %(n)s.") % {"n": len(current)}})
    pks = [pk for pk in current if pk != paragraph.pk]
    pks.insert(to - 1, paragraph.pk)
    for i, pk in enumerate(pks, start=1):
        if current[pk] != i:
            ReportParagraph.objects.filter(pk=pk).update(order=i)
    audit.record(actor=actor, action="report.paragraph_moved", target=report,
                 changes={"paragraph": [paragraph.order, to]})


@transaction.atomic
def paragraph_merge_next(*, actor: Actor, paragraph: ReportParagraph) -> ReportParagraph:
    """Merge a paragraph with the one after it; both keep their sources."""
    _editor(actor)
    report = paragraph.report
    _not_final(report)
    following = report.paragraphs.filter(order__gt=paragraph.order).order_by("order").first()
    if following is None:
        raise ValidationError(_("This is the last paragraph: there is nothing after it to merge with."))
    merged_text = f"{paragraph.text} {following.text}".strip()
    paragraph.sentences = paragraph.sentences + following.sentences
    paragraph.bullets = paragraph.bullets + following.bullets
    paragraph.keys = paragraph.keys + [k for k in following.keys if k not in paragraph.keys]
    paragraph.edited_text, paragraph.is_edited = merged_text, True
    paragraph.save()
    following.delete()
    report.paragraphs.filter(order__gt=following.order).update(order=F("order") - 1)
    audit.record(actor=actor, action="report.paragraphs_merged", target=report,
                 changes={"paragraphs": [[paragraph.order, following.order], paragraph.order]})
    return paragraph


@transaction.atomic
def paragraph_split(*, actor: Actor, paragraph: ReportParagraph, after_sentence: int) -> ReportParagraph:
    """Split a generated paragraph after sentence ``after_sentence`` (1-based). Returns the new second part."""
    _editor(actor)
    report = paragraph.report
    _not_final(report)
    if paragraph.is_edited:
        raise ValidationError(_("Split the paragraph before editing it, or revert the edit first."))
    if not 1 <= after_sentence < len(paragraph.sentences):
        raise ValidationError({"after_sentence": _("Choose a sentence between 1 and %(n)s.") % {"n": len(paragraph.sentences) - 1}})
    head, tail = paragraph.sentences[:after_sentence], paragraph.sentences[after_sentence:]
    report.paragraphs.filter(order__gt=paragraph.order).update(order=F("order") + 1)
    second = ReportParagraph.objects.create(
        report=report, order=paragraph.order + 1, keys=list(paragraph.keys), section=paragraph.section,
        sentences=tail, bullets=paragraph.bullets, generated_hash=paragraph.generated_hash,
        edited_text=" ".join(s["text"] for s in tail), is_edited=True,
    )
    paragraph.sentences, paragraph.bullets = head, []
    paragraph.edited_text, paragraph.is_edited = " ".join(s["text"] for s in head), True
    paragraph.save()
    audit.record(actor=actor, action="report.paragraph_split", target=report,
                 changes={"paragraph": [paragraph.order, [paragraph.order, second.order]]})
    return second


@transaction.atomic
def paragraph_add(*, actor: Actor, report: Report, text: str, after: int | None = None) -> ReportParagraph:
    """Add a paragraph written by an editor (no records behind it), after position ``after`` (default: end)."""
    _editor(actor)
    _not_final(report)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the paragraph's text.")})
    count = report.paragraphs.count()
    position = count + 1 if after is None else max(1, min(after + 1, count + 1))
    report.paragraphs.filter(order__gte=position).update(order=F("order") + 1)
    paragraph = ReportParagraph.objects.create(report=report, order=position, origin=ReportParagraph.Origin.FREE,
                                               edited_text=text, is_edited=True)
    audit.record(actor=actor, action="report.paragraph_added", target=report, changes={f"¶{position}": [None, text]})
    return paragraph


@transaction.atomic
def paragraph_delete(*, actor: Actor, paragraph: ReportParagraph) -> None:
    _editor(actor)
    report = paragraph.report
    _not_final(report)
    text, order = paragraph.text, paragraph.order
    if paragraph.origin == ReportParagraph.Origin.GENERATED:
        # Remembered per drafted group of records, so a redraft does not bring the paragraph back (a split
        # paragraph's other half keeps the key and stays).
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.deleted_keys = [*report.deleted_keys, *(k for k in paragraph.keys if k not in report.deleted_keys)]
        report.save(update_fields=["deleted_keys", "updated_at"])
    paragraph.delete()
    report.paragraphs.filter(order__gt=order).update(order=F("order") - 1)
    audit.record(actor=actor, action="report.paragraph_deleted", target=report, changes={f"¶{order}": [text, None]})


# A paragraph's translation may be this long (an edited paragraph has no limit of its own; this keeps a form sane).
TRANSLATION_MAX = 20000


@transaction.atomic
def report_translate(*, actor: Actor, report: Report, language: str,
                     texts: Mapping[int, Mapping[str, Any]]) -> int:
    """Save translations of a report's paragraphs into ``language`` (issue 18 item 4): ``texts`` maps a paragraph's
    id to ``{"text": str, "bullets": [str], "confirmed": bool}``. The report's own text is its original, in
    ``report.language``; a translation is into another of ``settings.LANGUAGES``. A translation records what it
    translates (``original_hash``), so a later edit or redraft of the paragraph leaves it out of date; saving it
    again unchanged with ``confirmed`` says it still fits the new text. An empty text removes the translation.
    Secretariat only, until sign-off (sign-off freezes the text with its translations). One audit entry,
    ``report.translated``, with ``{"¶n[fr]": [before, after]}``. Returns how many paragraphs changed."""
    from . import selectors

    _editor(actor)
    report = Report.objects.select_for_update().get(pk=report.pk)
    _not_final(report)
    code = selectors.translation_language(report, language)
    paragraphs = {p.pk: p for p in report.paragraphs.filter(pk__in=[int(k) for k in texts])}
    if unknown := [k for k in texts if int(k) not in paragraphs]:
        raise ValidationError(_("Paragraphs %(ids)s are not in this report.") % {
            "ids": ", ".join(str(k) for k in unknown[:5])}, code="unknown_paragraph")
    errors: dict[str, list[str]] = {}
    changed: list[ReportParagraph] = []
    changes: dict[str, list[Any]] = {}
    for pk, values in texts.items():
        paragraph = paragraphs[int(pk)]
        field = f"p{paragraph.pk}"
        text = (values.get("text") or "").strip()
        bullets = [" ".join(str(b).split()) for b in values.get("bullets") or [] if str(b).strip()]
        original_bullets = paragraph.bullet_texts
        if (char := find_control_character(text + "".join(bullets))) is not None:
            errors.setdefault(field, []).append(control_character_message(char))
            continue
        if len(text) > TRANSLATION_MAX:
            errors.setdefault(field, []).append(_("Shorten this to %(limit)s characters at most (it has %(n)s).")
                                                % {"limit": TRANSLATION_MAX, "n": len(text)})
            continue
        if (longest := max((len(b) for b in bullets), default=0)) > TRANSLATION_MAX:
            errors.setdefault(f"{field}_bullets", []).append(_(
                "Shorten this to %(limit)s characters at most (it has %(n)s).") % {"limit": TRANSLATION_MAX, "n": longest})
            continue
        if text and original_bullets and len(bullets) != len(original_bullets):
            errors.setdefault(f"{field}_bullets", []).append(_(
                "Translate each of the %(n)s points, one a line (there are %(given)s).") % {
                    "n": len(original_bullets), "given": len(bullets)})
            continue
        current = {k: dict(v) for k, v in (paragraph.translations or {}).items()}
        before = current.get(code) or {}
        if not text:
            if not before:
                continue
            current.pop(code)
            after: dict[str, Any] = {}
        else:
            after = {"text": text, "bullets": bullets if original_bullets else []}
            same = before.get("text") == text and list(before.get("bullets") or []) == after["bullets"]
            if same and not values.get("confirmed"):
                continue  # unchanged (and, when out of date, not confirmed): left as it was
            after["of"] = original_hash(paragraph.text, original_bullets)
            if same and before.get("of") == after["of"]:
                continue
            current[code] = after
        paragraph.translations = current
        changed.append(paragraph)
        changes[f"¶{paragraph.order}[{code}]"] = [before.get("text"), after.get("text")]
    if errors:
        raise ValidationError(errors)
    if changed:
        ReportParagraph.objects.bulk_update(changed, ["translations"])
        audit.record(actor=actor, action="report.translated", target=report, changes=changes)
    return len(changed)


@transaction.atomic
def report_move(*, actor: Actor, report: Report, status: str) -> Report:
    """Move a report as ``REPORT_LIFECYCLE`` allows: a draft is signed off (final), which cannot be undone; any
    other move is refused with a sentence saying why, on the ``status`` field. Audited as report.finalised."""
    if actor is None or not access.is_secretariat(actor):
        raise PermissionDenied(_("Only the secretariat can sign off a report."))
    report = Report.objects.select_for_update().get(pk=report.pk)
    REPORT_LIFECYCLE.check(report.status, status)
    if status == report.status:
        return report
    return _sign_off(actor, report)


@transaction.atomic
def report_finalise(*, actor: Actor, report: Report) -> Report:
    """Sign off: freeze a snapshot of the text and sources. Later record changes do not alter it."""
    if actor is None or not access.is_secretariat(actor):
        raise PermissionDenied(_("Only the secretariat can sign off a report."))
    _not_final(report)
    return report_move(actor=actor, report=report, status=Report.Status.FINAL)


def _sign_off(actor: Actor, report: Report) -> Report:
    """The move draft → final (``report`` locked by the caller)."""
    if not report.paragraphs.exists():
        raise ValidationError({"status": _("Draft the report before signing it off.")})
    if report.paragraphs.filter(pending_sentences__isnull=False).exists():
        raise ValidationError({"status": _(
            "Some paragraphs have redrafted text waiting: accept or dismiss it before signing off.")})
    report.finalised_at = timezone.now()
    report.finalised_by = access.signed_in(actor)
    report.status = Report.Status.FINAL
    report.snapshot = snapshot_of(report)
    report.save()
    files = {fmt: _store_signed_off(report, fmt, report.language) for fmt in ReportFile.Format.values}
    audit.record(actor=actor, action="report.finalised", target=report,
                 changes={"status": [Report.Status.DRAFT, Report.Status.FINAL],
                          "files": [None, {fmt: f.sha256 or f.status for fmt, f in files.items()}]})
    return report


# --- Files: the PDF made by the worker for a long report, the files stored at sign-off -------------------

def _document_hash(data: dict) -> str:
    """What a PDF shows of the document (header, numbers, sections, texts, bullets), hashed."""
    shown = {**{k: v for k, v in data.items() if k != "paragraphs"},
             "paragraphs": [(p["number"], p["section"], p["text"], p["bullets"]) for p in data["paragraphs"]]}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _render(fmt: str, data: dict, progress=None) -> tuple[bytes, int | None]:
    if fmt == ReportFile.Format.DOCX:
        return rendering.to_docx(data), None
    pdf = rendering.to_pdf(data, progress=progress)
    return pdf.content, pdf.pages


def _in_worker(fmt: str, data: dict) -> bool:
    return fmt == ReportFile.Format.PDF and len(data["paragraphs"]) >= rendering.PDF_IN_WORKER_FROM


def _queue(file: ReportFile) -> ReportFile:
    from . import tasks

    transaction.on_commit(lambda: tasks.make_report_file.enqueue(file_id=file.pk))
    return file


def _store_signed_off(report: Report, fmt: str, language: str) -> ReportFile:
    """Make (or queue, for a long PDF) the signed-off report's file in ``language``, stored once with its SHA-256.

    At sign-off, in the report's original language; in another language when it is first asked for.
    """
    with translation.override(language):
        data = rendering.document(report, links=fmt == ReportFile.Format.DOCX, version=language)
        file = ReportFile(report=report, format=fmt, signed_off=True, language=language,
                          document_hash=_document_hash(data))
        if _in_worker(fmt, data):
            file.save()
            return _queue(file)
        file.content, file.pages = _render(fmt, data)
    file.sha256 = hashlib.sha256(file.content).hexdigest()
    file.status, file.progress, file.finished_at = ReportFile.Status.DONE, 100, timezone.now()
    file.save()
    return file


@transaction.atomic
def report_file_get(*, actor: Actor, report: Report, fmt: str, language: str | None = None) -> ReportFile | bytes:
    """The PDF or DOCX of a report, for whoever may read it, with its labels, dates and direction in
    ``language`` (default: the active one, i.e. the page's); the report's text is as written.

    A signed-off report: its stored file in that language (stored now if it was not yet).
    A draft: the bytes, made now; for a long PDF (``rendering.PDF_IN_WORKER_FROM`` paragraphs or
    more) the file the worker makes, with its progress: the one already made or being made for the
    same text and language, else a new one (the draft's older files in that language are dropped).
    """
    if fmt not in ReportFile.Format.values:
        raise ValidationError({"format": _("Unknown format: use pdf or docx.")})
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose the export's language among %(l)s.")
                               % {"l": ", ".join(code for code, _name in settings.LANGUAGES)}})
    if report.is_final:
        report = Report.objects.select_for_update().get(pk=report.pk)
        stored = report.files.filter(signed_off=True, format=fmt, language=language).first()
        return stored or _store_signed_off(report, fmt, language)
    with translation.override(language):
        data = rendering.document(report, links=fmt == ReportFile.Format.DOCX, version=language)
        if not _in_worker(fmt, data):
            return _render(fmt, data)[0]
    digest = _document_hash(data)
    report = Report.objects.select_for_update().get(pk=report.pk)  # one request makes the file, the others find it
    made = (report.files.filter(signed_off=False, format=fmt, language=language, document_hash=digest)
            .exclude(status=ReportFile.Status.FAILED).defer("content").first())
    if made is not None:
        return made
    report.files.filter(signed_off=False, language=language).delete()
    file = ReportFile.objects.create(report=report, format=fmt, language=language, document_hash=digest)
    audit.record(actor=actor, action="report.file_requested", target=report, changes={"format": [None, fmt], "language": [None, language]})
    return _queue(file)


def report_file_make(*, file_id: int) -> ReportFile | None:
    """Make a queued file (the worker's task), recording its progress as it goes.

    Not one transaction: the progress must be seen by the page polling it while the PDF is made.
    Returns None when the file was taken by another worker, made already, or deleted.
    """
    if not ReportFile.objects.filter(pk=file_id, status=ReportFile.Status.QUEUED).update(
            status=ReportFile.Status.RUNNING, progress=1):
        return None
    file = ReportFile.objects.select_related("report").defer("content").get(pk=file_id)
    with translation.override(file.language):  # the worker renders in the language the file was asked in
        data = rendering.document(file.report, links=file.format == ReportFile.Format.DOCX, version=file.language)
    reported = {"percent": 1, "at": time.monotonic()}

    def progress(percent: int) -> None:  # at most one write a second (and the last steps)
        if percent > reported["percent"] and (percent >= 40 or time.monotonic() - reported["at"] >= 1):
            ReportFile.objects.filter(pk=file_id).update(progress=percent)
            reported.update(percent=percent, at=time.monotonic())

    try:
        with translation.override(file.language):
            content, pages = _render(file.format, data, progress)
    except Exception as exc:
        logger.exception("report file %s failed", file_id)
        ReportFile.objects.filter(pk=file_id).update(status=ReportFile.Status.FAILED, error=str(exc)[:1000],
                                                     finished_at=timezone.now())
        raise
    with transaction.atomic():
        ReportFile.objects.filter(pk=file_id).update(
            status=ReportFile.Status.DONE, progress=100, content=content, pages=pages,
            sha256=hashlib.sha256(content).hexdigest(), document_hash=_document_hash(data), finished_at=timezone.now())
        file.refresh_from_db()
        audit.record(actor=None, action="report.file_made", target=file.report,
                     changes={"format": [None, file.format], "sha256": [None, file.sha256]})
    return file


def repr_digest(file: ReportFile) -> str:
    """The ``Repr-Digest`` header (RFC 9530) of a stored file: its SHA-256, base64."""
    return f"sha-256=:{base64.b64encode(bytes.fromhex(file.sha256)).decode()}:"
