"""Background work for outreach: recomputing the stored reach of a large programme or campaign."""

from django.tasks import task


@task
def recompute_reach(*, programme_id: int | None = None, campaign_id: int | None = None) -> None:
    from .services import reach_recompute

    reach_recompute(programme_id=programme_id, campaign_id=campaign_id)
