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

    def not_public(self):
        """The rows ``public()`` leaves out: drafts, and (models that are reviewed) rows waiting for review."""
        if _has_field(self.model, "awaiting_review"):
            return self.filter(models.Q(is_published=False) | models.Q(awaiting_review=True))
        return self.filter(is_published=False)

    def awaiting_review(self):
        return self.filter(awaiting_review=True)

    def owned_by(self, org_ids):
        return self.filter(**{self.owner_lookup: list(org_ids)})

    def serving_country(self, code: str):
        """Records whose ``countries`` (a ``CountryField(multiple=True)``) name ``code``.

        The field is stored as sorted codes joined by commas ("ET,NG,OM"), so a code matches as
        the whole value, the first, the last or a middle item: never as part of another code.
        """
        return self.filter(countries_naming(code))


def countries_naming(code: str, field: str = "countries") -> models.Q:
    """The condition "``field`` (a multiple country field) names ``code``"; nothing for an empty code."""
    code = str(code or "").strip().upper()
    if not code or "," in code:
        return models.Q(pk__in=[])
    return (models.Q(**{field: code}) | models.Q(**{f"{field}__startswith": f"{code},"})
            | models.Q(**{f"{field}__endswith": f",{code}"}) | models.Q(**{f"{field}__contains": f",{code},"}))


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return False
    return True
