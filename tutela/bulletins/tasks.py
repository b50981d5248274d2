"""Background work for bulletins: tasks take ids and call a service."""

from django.tasks import task


@task
def send_confirmation(*, subscriber_id: int) -> None:
    from .services import confirmation_send

    confirmation_send(subscriber_id=subscriber_id)


@task
def send_manage_link(*, subscriber_id: int) -> None:
    from .services import manage_link_mail

    manage_link_mail(subscriber_id=subscriber_id)


@task
def send_test(*, bulletin_id: int, user_id: int, language: str) -> None:
    from .services import test_mail_send

    test_mail_send(bulletin_id=bulletin_id, user_id=user_id, language=language)


@task
def deliver_bulletin(*, bulletin_id: int) -> None:
    from .services import bulletin_deliver

    bulletin_deliver(bulletin_id=bulletin_id)


@task
def run_subscriber_import(*, job_id: int) -> None:
    from .services import subscriber_import_run

    subscriber_import_run(job_id=job_id)
