"""Querysets that the access rules understand."""

from django.db import models


class PublishableQuerySet(models.QuerySet):
    """For models with ``is_published`` and an owning organisation field ``owner_field``."""

    owner_lookup = "owner_organisation_id__in"

    def public(self):
        """What anyone may read: published, and (models that are reviewed) not waiting for review."""
        if _has_field(self.model, "awaiting_review"):
            return self.filter(is_published=True, awaiting_review=False)
        return self.filter(is_published=True)

    def awaiting_review(self):
        return self.filter(awaiting_review=True)

    def owned_by(self, org_ids):
        return self.filter(**{self.owner_lookup: list(org_ids)})


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return False
    return True
