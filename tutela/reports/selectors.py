from tutela.activities.models import Activity

from .models import Report

# Above this many activities in the period, drafting runs as a background task.
BACKGROUND_THRESHOLD = 2000


def reports_for(user, queryset=None):
    from tutela.core import access

    return access.readable(user, queryset if queryset is not None else Report.objects.all())


def activity_count_in_period(report: Report) -> int:
    return Activity.objects.filter(starts_on__lte=report.period_end, ends_on__gte=report.period_start).count()
