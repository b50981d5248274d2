"""Background work for figures: refreshing the dashboard's summary."""

from django.tasks import task


@task
def refresh_dashboard() -> None:
    from .services import dashboard_refresh

    dashboard_refresh()
