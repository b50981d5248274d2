"""Vocabularies shared by several apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _

CHILD_MAX_AGE = 17


class StakeholderGroup(models.TextChoices):
    """Who took part or was reached. Children are only ever counted, by age band."""

    CHILDREN = "children", _("Children (under 18)")
    PARENTS = "parents", _("Parents and guardians")
    EDUCATORS = "educators", _("Educators")
    GOVERNMENT = "government", _("Government")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    INDUSTRY = "industry", _("Industry")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")
    INTERNATIONAL = "international", _("International organisations")
    MEDIA = "media", _("Media")
    GENERAL_PUBLIC = "general_public", _("General public (adults)")
    OTHER = "other", _("Other adults")


class FigureKind(models.TextChoices):
    """How a number was made. Never mixed silently."""

    COUNTED = "counted", _("Counted")
    ESTIMATED = "estimated", _("Estimated")
    MODELLED = "modelled", _("Modelled")

    @classmethod
    def word(cls, kind: str) -> str:
        """The kind as a sentence or a badge says it, in the active language: "estimated", "estimé"."""
        return str(cls(kind).label).lower()
