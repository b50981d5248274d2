"""Live progress of a long job (drafting, a PDF, an import, a send): one shape for every kind.

Each app turns its own job row into a ``Progress`` (a function in its selectors) and its page
includes ``components/progress.html``, which shows the state, the share done, the time left
(estimated from the rate so far, and said to be an estimate) and, at the end, that the job
finished or failed and why. While the job is active the component asks ``poll_url`` again every
few seconds (htmx, vendored) and swaps itself; without JavaScript the page says to reload.
"""

import datetime
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` units (``unit`` names them; ``total`` 0 when the job cannot count yet)."""

    key: str  # the component's element id, unique on the page
    title: str
    state: str  # QUEUED, RUNNING, DONE or FAILED
    done: int = 0
    total: int = 0
    unit: str = ""  # e.g. "rows", "e-mails"; "" for a job that reports a percentage
    started_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None
    error: str = ""
    outcome: str = ""  # a sentence for the end, e.g. "Imported 120 rows."
    poll_url: str = ""
    poll_seconds: int = 2

    @property
    def active(self) -> bool:
        return self.state in (QUEUED, RUNNING)

    @property
    def finished(self) -> bool:
        return self.state == DONE

    @property
    def failed(self) -> bool:
        return self.state == FAILED

    @property
    def percent(self) -> int | None:
        """The share done, 0–100; None when the job has not counted its work yet."""
        if self.finished:
            return 100
        if self.total <= 0:
            return None
        return max(0, min(99 if self.active else 100, int(100 * self.done / self.total)))

    def seconds_left(self, now: datetime.datetime | None = None) -> int | None:
        """Time left at the rate so far (an estimate); None before there is a rate to go by."""
        if self.state != RUNNING or self.started_at is None or self.total <= 0 or self.done <= 0:
            return None
        elapsed = ((now or timezone.now()) - self.started_at).total_seconds()
        if elapsed <= 0:
            return None
        return max(0, round(elapsed / self.done * (self.total - self.done)))

    @property
    def time_left(self) -> str:
        seconds = self.seconds_left()
        if seconds is None:
            return ""
        if seconds < 60:
            return ngettext("about %(n)d second left", "about %(n)d seconds left", max(1, seconds)) % {
                "n": max(1, seconds)
            }
        minutes = round(seconds / 60)
        if minutes < 90:
            return ngettext("about %(n)d minute left", "about %(n)d minutes left", minutes) % {"n": minutes}
        hours = round(seconds / 3600, 1)
        return _("about %(n)s hours left") % {"n": f"{hours:g}"}

    @property
    def amount(self) -> str:
        """ "120 of 1,000 rows" (or "" when the job counts in percent or not yet)."""
        if not self.unit or self.total <= 0:
            return ""
        return _("%(done)s of %(total)s %(unit)s") % {
            "done": f"{self.done:,}",
            "total": f"{self.total:,}",
            "unit": self.unit,
        }


def state_of(
    status: str,
    *,
    queued: tuple[str, ...] = ("queued",),
    running: tuple[str, ...] = ("running",),
    failed: tuple[str, ...] = ("failed",),
) -> str:
    """Map an app's job status onto the four states (anything else counts as finished)."""
    if status in queued:
        return QUEUED
    if status in running:
        return RUNNING
    if status in failed:
        return FAILED
    return DONE


# --- Rows of a file import (core.jobs.FileImportJob), counted while its transaction is still open ----------------
# The job's own row is written inside the import's transaction, so mid-way counts go to a small file
# beside the database (as exchange's imports do): read by the job's page, removed when the job ends.


def _rows_path(job: Any) -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "job-progress" / f"{job._meta.label_lower}-{job.pk}.json"


def write_rows(job: Any, done: int, total: int, *, started: datetime.datetime | None = None) -> None:
    path = _rows_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    when = started.isoformat() if started else (read_rows(job) or {}).get("started")
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"done": done, "total": total, "started": when}))
    tmp.replace(path)


def read_rows(job: Any) -> dict | None:
    try:
        return json.loads(_rows_path(job).read_text())
    except (OSError, ValueError):
        return None


def clear_rows(job: Any) -> None:
    _rows_path(job).unlink(missing_ok=True)


def file_import(job: Any, poll_url: str = "") -> Progress:
    """A ``FileImportJob`` (subscribers, trainees…): lines checked of the file's lines, then the outcome."""
    state = state_of(job.status, failed=("failed",))
    report = job.report or {}
    live = read_rows(job) if state == RUNNING else None
    if live:
        done, total = int(live.get("done") or 0), int(live.get("total") or 0)
        started = datetime.datetime.fromisoformat(live["started"]) if live.get("started") else None
    else:
        total = int(report.get("total") or 0)
        done, started = (total if state in (DONE, FAILED) else 0), None
    title = _("Checking the file (dry run)") if job.dry_run else _("Importing the file")
    return Progress(
        key="import-progress",
        title=title,
        state=state,
        done=done,
        total=total,
        unit=_("lines"),
        started_at=started,
        finished_at=job.finished_at,
        error=report.get("file_error", ""),
        poll_url=poll_url,
    )
