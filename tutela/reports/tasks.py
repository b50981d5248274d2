from django.tasks import task

from . import services
from .models import Report


@task
def draft_report(*, report_id: int) -> dict:
    """Draft a large report in the background; the page polls ``draft_progress``."""
    report = Report.objects.get(pk=report_id)
    return services.report_draft(actor=None, report=report)
