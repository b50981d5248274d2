"""Side effects of account services, run after commit (inline unless a worker runs)."""

from django.tasks import task


@task
def send_invitation(*, user_id: int) -> None:
    from .services import invitation_send

    invitation_send(user_id=user_id)
