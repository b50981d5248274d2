"""What a user may export, filtered like the lists (the same query-string names), and their import jobs.

Activities and figures use the lists' own filter forms and selectors (``pillar`` slug,
``country``, ``organisation`` id, ``kind``, ``status``, ``year``, ``occasion`` id, ``group``, ``q``;
figures: ``indicator`` code, ``kind``, ``measure``, ``country``, ``year``, plus ``organisation``).
Organisations: ``kind``, ``country``, ``q``. Invalid values are ignored, as in the lists.
"""

from typing import Any

from django.db.models import QuerySet

from tutela.activities.models import Activity
from tutela.core import access
from tutela.core.access import Actor
from tutela.core.progress import Progress
from tutela.core.text import query_id
from tutela.figures.models import Figure
from tutela.partners.models import Organisation

from .models import ImportJob


def activities_for_export(user: Actor, params: Any) -> QuerySet[Activity]:
    """The activity list's own filter form and selector, so an export holds exactly what the list shows."""
    from tutela.activities.forms import ActivityFilterForm
    from tutela.activities.selectors import activity_queryset

    form = ActivityFilterForm(params or None, user=user)
    form.is_valid()
    return activity_queryset(user, form.filters()).order_by("-starts_on", "-id")


def organisations_for_export(user: Actor, params: Any) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    if kind := params.get("kind"):
        qs = qs.filter(kind=kind)
    if country := params.get("country"):
        qs = qs.filter(country=country.upper())
    if q := params.get("q"):
        qs = qs.filter(name__icontains=q)
    return access.readable(user, qs).order_by("name", "id")


def figures_for_export(user: Actor, params: Any) -> QuerySet[Figure]:
    """The figure list's own filter form and selector; plus ``organisation`` (reporting organisation id)."""
    from tutela.figures.forms import FigureFilterForm
    from tutela.figures.selectors import figure_queryset

    form = FigureFilterForm(params or None)
    form.is_valid()
    qs = figure_queryset(user, form.filters())
    if (org := query_id(params.get("organisation"))) is not None:
        qs = qs.filter(owner_organisation=org)
    return qs.order_by("-as_of", "-id")


EXPORTS = {"activities": activities_for_export, "organisations": organisations_for_export, "figures": figures_for_export}


def jobs_for_user(user: Actor) -> QuerySet[ImportJob]:
    return access.readable(user, ImportJob.objects.select_related("created_by"))


def failed_imports(user: Actor) -> QuerySet[ImportJob]:
    """Import jobs ``user`` may read that failed (nothing imported), newest first."""
    return jobs_for_user(user).filter(status=ImportJob.Status.FAILED).order_by("-id")


def import_progress(job: ImportJob, processed: int, poll_url: str = "") -> Progress:
    """How far an import (or its dry run) got: rows read of the rows counted when the worker began."""
    from django.utils.translation import gettext as _

    from tutela.core.progress import DONE, FAILED, QUEUED, RUNNING

    from . import services

    states: dict[str, str] = {ImportJob.Status.QUEUED: QUEUED, ImportJob.Status.RUNNING: RUNNING,
             ImportJob.Status.FAILED: FAILED}

    state = states.get(job.status, DONE)
    title = _("Checking every row") if job.mode == ImportJob.Mode.CHECK else _("Importing")
    return Progress(key="import-progress", title=title, state=state,
                    done=job.total_rows if state in (DONE, FAILED) else processed, total=job.total_rows,
                    unit=_("rows"), started_at=services.progress_started(job) if state == RUNNING else None,
                    finished_at=job.finished_at, error=(job.report or {}).get("file_error", ""), poll_url=poll_url)
