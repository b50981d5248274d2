"""Querysets that the access rules understand."""

from django.db import models


class PublishableQuerySet(models.QuerySet):
    """For models with ``is_published`` and an owning organisation field ``owner_field``."""

    owner_lookup = "owner_organisation_id__in"

    def public(self):
        return self.filter(is_published=True)

    def owned_by(self, org_ids):
        return self.filter(**{self.owner_lookup: list(org_ids)})
