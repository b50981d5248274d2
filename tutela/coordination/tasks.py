"""Background work for coordination: liaison e-mails and deadline reminders. Arguments are ids."""

from django.tasks import task

from tutela.core import jobs


@jobs.resumable
@task
def send_liaison_reminder(*, recipient_id: int) -> bool:
    """Mail the contact and the chairs of the recipient body that an action deadline is near."""
    from . import services
    from .models import LiaisonRecipient

    recipient = LiaisonRecipient.objects.filter(pk=recipient_id).first()
    if recipient is None:
        return False
    return services.liaison_reminder_send(recipient=recipient)


@jobs.resumable
@task
def schedule_liaison_reminders() -> int:
    """Find the recipients whose action deadline is within a week and enqueue one reminder each."""
    from . import services

    return services.liaison_reminders_schedule()


@jobs.resumable
@task
def deliver_liaison(*, recipient_id: int) -> str:
    """E-mail a sent liaison to one recipient body; the row records the outcome (a second run sends nothing more)."""
    from . import services

    recipient = services.liaison_delivery_send(recipient_id=recipient_id)
    return recipient.delivery_status if recipient is not None else ""
