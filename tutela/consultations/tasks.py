"""Side effects of consultation services, run after commit (inline unless a worker runs)."""

from django.tasks import task

from tutela.core import jobs


@jobs.resumable
@task
def send_comment_receipt(*, comment_id: int) -> None:
    from .services import comment_receipt_send

    comment_receipt_send(comment_id=comment_id)


@jobs.resumable
@task
def send_email_confirmation(*, respondent_id: int, paragraph_id: int | None = None) -> None:
    from .services import respondent_confirmation_send

    respondent_confirmation_send(respondent_id=respondent_id, paragraph_id=paragraph_id)


@jobs.resumable
@task
def group_near_duplicates(*, consultation_id: int) -> None:
    from .models import Consultation
    from .services import comments_group

    comments_group(actor=None, consultation=Consultation.objects.get(pk=consultation_id))


@task
def run_guideline_import(*, job_id: int) -> None:
    # Not @jobs.resumable: the job row has its own lease, and its sweep queues a new run.
    from .services import guideline_import_run

    guideline_import_run(job_id=job_id)


@jobs.resumable
@task
def send_outcome_notices(*, consultation_id: int) -> None:
    from .services import outcome_notices_send

    outcome_notices_send(consultation_id=consultation_id)
