"""Side effects of strategy services, run after commit (inline unless TUTELA_TASKS=db)."""

from django.tasks import task


@task
def notify_assessment_submitted(*, assessment_id: int) -> None:
    """E-mail the secretariat that a country's round waits for validation."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.urls import reverse

    from .models import Assessment

    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if assessment is None or assessment.status != Assessment.Status.SUBMITTED:
        return
    to = list(get_user_model().objects.filter(role="secretariat", is_active=True).values_list("email", flat=True))
    if not to:
        return
    link = settings.SITE_URL + reverse("strategies:assessment_detail", args=[assessment.pk])
    send_mail(f"Assessment submitted: {assessment}", f"{assessment} waits for validation:\n{link}", None, to)
