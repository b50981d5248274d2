from django.contrib.auth import get_user_model
from django.tasks import task

from tutela.core import jobs

from . import services


@jobs.resumable
@task
def draft_report(*, report_id: int, actor_id: int | None = None) -> dict:
    """Draft a large report in the background; the page polls ``draft_progress``."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return services.report_draft_run(report_id=report_id, actor=actor)


@task
def make_report_file(*, file_id: int) -> None:
    """Make a long report's PDF (or a signed-off report's file); the page shows its progress."""
    services.report_file_make(file_id=file_id)
