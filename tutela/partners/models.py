"""Partner organisations (and, with the initiative core, their agreements)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tutela.core.querysets import PublishableQuerySet


class OrganisationQuerySet(PublishableQuerySet):
    def owned_by(self, org_ids):
        return self.filter(pk__in=list(org_ids))


class Organisation(models.Model):
    """An organisation taking part in the initiative: ministry, agency, company, NGO, school…"""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government / ministry")
        REGULATOR = "regulator", _("Regulator")
        UN_AGENCY = "un_agency", _("UN agency")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental")
        PRIVATE_SECTOR = "private_sector", _("Private sector")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIA = "academia", _("Academia")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        SCHOOL = "school", _("School")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    # Case- and accent-folded name: the unique key that catches duplicates such as
    # "Ministère de l'Éducation" vs "ministere de l'education".
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    country = CountryField(_("country"), blank=True, help_text=_("Leave empty for an international organisation."))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    website = models.URLField(_("website"), blank=True)
    is_itu_member_state = models.BooleanField(_("ITU Member State"), default=False)
    is_itu_sector_member = models.BooleanField(_("ITU Sector Member"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym and self.acronym != self.name else self.name

    @property
    def is_public(self) -> bool:
        return self.is_published

    def owner_organisation_ids(self) -> set[int]:
        return {self.pk} if self.pk else set()

    @property
    def short(self) -> str:
        return self.acronym or self.name
