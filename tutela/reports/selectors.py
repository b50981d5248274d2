import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tutela.activities.models import Activity
from tutela.core.progress import Progress

from .models import DraftStatus, Report, ReportFile

# Above this many activities in the period, drafting runs as a background task.
BACKGROUND_THRESHOLD = 2000


def reports_for(user, queryset=None):
    from tutela.core import access

    return access.readable(user, queryset if queryset is not None else Report.objects.all())


def activity_count_in_period(report: Report) -> int:
    return Activity.objects.filter(starts_on__lte=report.period_end, ends_on__gte=report.period_start).count()


@dataclass(frozen=True)
class DraftJob:
    """Where a background draft is: ``state`` is a ``DraftStatus`` value ("" when none ran), ``reason`` why it failed."""

    state: str
    reason: str = ""
    progress: int = 0
    requeued: bool = False

    @property
    def active(self) -> bool:
        """Still to finish: the page keeps polling only while this is true."""
        return self.state in (DraftStatus.QUEUED, DraftStatus.RUNNING)

    @property
    def failed(self) -> bool:
        return self.state == DraftStatus.FAILED


WORKER_DIED = "tutela.core.jobs.WorkerDied"


def _task_row(task_id: str):
    from django_tasks_db.models import DBTaskResult

    try:
        return DBTaskResult.objects.filter(pk=task_id).only(
            "status", "exception_class_path", "worker_ids").first()
    except (ValidationError, ValueError):  # not a database task's id (tasks ran inline)
        return None


def draft_job(report: Report) -> DraftJob:
    """The state of ``report``'s background draft, from the report and, while it runs, its task row.

    A worker that died never reaches the report: the task sweep (``tutela.core.jobs.sweep_tasks``)
    marks its task failed (``WorkerDied``) or queues it again, and this reads that.
    """
    state = report.draft_status
    if state in (DraftStatus.QUEUED, DraftStatus.RUNNING) and report.draft_task_id:
        row = _task_row(report.draft_task_id)
        if row is not None and row.status == "FAILED":
            if row.exception_class_path == WORKER_DIED:
                reason = _("The worker that was drafting this report stopped before it finished (it was restarted "
                           "or ran out of memory). Nothing in the report was changed.")
            else:
                reason = report.draft_error or _("Drafting stopped on an unexpected error. It was logged; nothing in "
                                                 "the report was changed.")
            return DraftJob(DraftStatus.FAILED, reason, report.draft_progress)
        if row is not None and row.status == "READY" and row.worker_ids:
            return DraftJob(DraftStatus.QUEUED, "", report.draft_progress, requeued=True)
    return DraftJob(state, report.draft_error if state == DraftStatus.FAILED else "", report.draft_progress)


def drafts(user):
    """Reports ``user`` may read that are not signed off yet, most recently changed first."""
    return reports_for(user).exclude(status=Report.Status.FINAL).order_by("-updated_at", "-id")


def period_preview(report: Report) -> list:
    """The period preview: every candidate record with its reason and the editor's choice (``drafting.Candidate``)."""
    from . import drafting

    return drafting.preview(report)


def draft_progress(report: Report, job: DraftJob, poll_url: str = "") -> Progress:
    """The background draft as the shared progress component shows it: while it runs, the share done and the
    time left from the job-progress file the worker writes as it composes and writes (``services.report_draft_run``)."""
    from tutela.core.progress import DONE, FAILED, QUEUED, RUNNING, read_rows

    states: dict[str, str] = {DraftStatus.QUEUED: QUEUED, DraftStatus.RUNNING: RUNNING, DraftStatus.FAILED: FAILED}

    state = states.get(job.state, DONE)
    done, started = job.progress, None
    live = read_rows(report) if state == RUNNING else None
    if live:
        done = int(live.get("done") or 0)
        started = datetime.datetime.fromisoformat(live["started"]) if live.get("started") else None
    return Progress(key="drafting", title=_("Drafting from the records"), state=state, done=done, total=100,
                    started_at=started,
                    finished_at=report.drafted_at if state == DONE else None, error=job.reason, poll_url=poll_url,
                    outcome=_("The worker drafting this report stopped; the draft is queued to run again.")
                    if job.requeued else "")


def file_progress(file: ReportFile, poll_url: str = "") -> Progress:
    """A PDF made by the worker: WeasyPrint's steps as a percentage, timed from when it was asked for."""
    from tutela.core.progress import DONE, FAILED, QUEUED, RUNNING

    states: dict[str, str] = {ReportFile.Status.QUEUED: QUEUED, ReportFile.Status.RUNNING: RUNNING,
             ReportFile.Status.FAILED: FAILED}

    state = states.get(file.status, DONE)
    return Progress(key="file-progress", title=_("Making the %(fmt)s") % {"fmt": file.get_format_display()},
                    state=state, done=file.progress, total=100, started_at=file.created_at,
                    finished_at=file.finished_at, poll_url=poll_url,
                    error=_("The file could not be made. The error was logged; try again from the report's page.")
                    if state == FAILED else "")


# --- The period preview, grouped (``/reports/<pk>/period/``) ---------------------------------------------------------

# Up to this many candidates the page lists them all, every group open (a report of a few months); above it each group
# shows its count and one page of its records at a time, folded unless it is the group being looked at.
PREVIEW_ALL = 300
PREVIEW_PAGE = 50


def _group_labels() -> dict[str, str]:
    return {
        "activity:in_period": _("Activities dated in the period"),
        "activity:ended_in": _("Activities that began before the period and ended in it"),
        "activity:ongoing": _("Activities that began before the period and ran on past its end"),
        "activity:ended_before": _("Activities that ended just before the period"),
        "activity:starts_after": _("Activities that start just after the period"),
        "activity:cancelled": _("Cancelled activities"),
        "agreement:signed_in": _("Agreements signed in the period"),
        "agreement:delivered": _("Earlier agreements with a commitment delivered in the period"),
        "agreement:made_for": _("Earlier agreements made for an activity of the period"),
        "agreement:undated": _("Undated agreements"),
        "agreement:nothing_dated": _("Earlier agreements with nothing dated in the period"),
    }


@dataclass
class CandidateGroup:
    """The candidates of one kind and one reason: how many, how many are in, and the page of them shown."""

    key: str  # "activity:in_period"
    label: str
    count: int
    included: int
    chosen: int  # records of the group the editor included or excluded by hand
    rows: list
    page: int
    pages: int
    open: bool

    @property
    def left_out(self) -> int:
        return self.count - self.included


def period_groups(candidates: list, *, group: str = "", page: int = 1) -> list[CandidateGroup]:
    """The period preview in groups by kind and reason, in the order of ``_group_labels``. A small preview lists
    every record; a large one pages each group (``PREVIEW_PAGE``) and opens only ``group``, on ``page``."""
    labels = _group_labels()
    members: dict[str, list] = {key: [] for key in labels}
    for c in candidates:
        members.setdefault(f"{c.kind}:{c.code}", []).append(c)
    everything = len(candidates) <= PREVIEW_ALL
    out = []
    for key, rows in members.items():
        if not rows:
            continue
        pages = 1 if everything else -(-len(rows) // PREVIEW_PAGE)
        shown = min(max(page, 1), pages) if key == group else 1
        out.append(CandidateGroup(
            key=key, label=labels.get(key, key), count=len(rows), included=sum(c.included for c in rows),
            chosen=sum(bool(c.choice) for c in rows),
            rows=rows if everything else rows[(shown - 1) * PREVIEW_PAGE:shown * PREVIEW_PAGE],
            page=shown, pages=pages, open=everything or key == group))
    return out


def candidate_place(candidates: list, key: str) -> tuple[str, int]:
    """The group and page of the preview on which the record ``key`` ("activity:12") is listed; ("", 1) when the
    preview lists every record on one page."""
    if len(candidates) <= PREVIEW_ALL:
        return "", 1
    position: dict[str, int] = {}
    for c in candidates:
        group = f"{c.kind}:{c.code}"
        position[group] = position.get(group, 0) + 1
        if c.key == key:
            return group, (position[group] - 1) // PREVIEW_PAGE + 1
    return "", 1


def translation_counts(report: Report, language: str) -> dict[str, int]:
    """How many of the report's paragraphs are translated into ``language``, out of date, or not translated."""
    counts = {"current": 0, "outdated": 0, "missing": 0}
    for paragraph in report.paragraphs.only("sentences", "bullets", "edited_text", "is_edited", "translations"):
        counts[paragraph.translation_state(language)] += 1
    return counts


def translation_languages(report: Report) -> list[tuple[str, str]]:
    """The languages a report may be translated into: every one of ``settings.LANGUAGES`` but its own."""
    from django.conf import settings

    from tutela.core.translations import language_name

    return [(code, language_name(code)) for code, _name in settings.LANGUAGES if code != report.language]


def translation_language(report: Report, language: str) -> str:
    """``language`` as a language ``report`` may be translated into (``translation_languages``), or a
    ``ValidationError`` on ``language`` that names the report's own language and the others."""
    from .rendering import language_name

    code = (language or "").strip().lower()
    others = [c for c, _name in translation_languages(report)]
    if code not in others:
        raise ValidationError({"language": _(
            "This report is written in %(original)s; translate it into %(languages)s.") % {
                "original": language_name(report.language), "languages": ", ".join(others)}})
    return code


def paragraph_numbers(report: Report) -> dict[int, int]:
    """{paragraph id: its number in the exports} for every paragraph of ``report``."""
    return dict(report.paragraphs.values_list("pk", "order"))


def paragraph_translations(report: Report, language: str) -> list[dict]:
    """Each paragraph of ``report`` beside its translation into ``language``, in the exports' order: its number,
    id, section, original text and points, the translation (``None`` when there is none) and its state,
    "current", "outdated" (the paragraph changed after it was translated) or "missing"."""
    rows = []
    for p in report.paragraphs.order_by("order").only(
            "order", "section", "sentences", "bullets", "edited_text", "is_edited", "translations"):
        entry = (p.translations or {}).get(language) or {}
        state = p.translation_state(language)
        rows.append({
            "number": p.order, "id": p.pk, "section": p.section, "text": p.text, "bullets": p.bullet_texts,
            "translation": {"text": entry["text"], "bullets": list(entry.get("bullets") or [])}
            if state != "missing" else None,
            "state": state, "outdated": state == "outdated",
        })
    return rows
