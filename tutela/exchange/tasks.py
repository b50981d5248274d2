"""Background work: large imports run here (arguments are ids; the work is the service's)."""

from django.tasks import task


@task
def run_import_job(*, job_id: int) -> None:
    from .services import import_job_run

    import_job_run(job_id=job_id)
