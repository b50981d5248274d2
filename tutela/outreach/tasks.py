"""Background work for outreach: recomputing stored reach, and trainee imports."""

from django.tasks import task

from tutela.core import jobs


@jobs.resumable
@task
def recompute_reach(*, programme_id: int | None = None, campaign_id: int | None = None) -> None:
    from .services import reach_recompute

    reach_recompute(programme_id=programme_id, campaign_id=campaign_id)


@task
def run_trainee_import(*, job_id: int) -> None:
    from .services import trainee_import_run

    trainee_import_run(job_id=job_id)
