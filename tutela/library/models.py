"""The resource library and the education kits (docs/library.md)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tutela.consultations.models import Audience
from tutela.core.querysets import PublishableQuerySet
from tutela.core.translations import translations_field

MAX_CHILD_AGE = 17


class ResourceQuerySet(PublishableQuerySet):
    pass


class Resource(models.Model):
    """A guideline, kit, leaflet, video or course the initiative offers, in one or more languages."""

    class Kind(models.TextChoices):
        GUIDELINE = "guideline", _("Guideline")
        KIT = "kit", _("Kit")
        LEAFLET = "leaflet", _("Leaflet")
        VIDEO = "video", _("Video link")
        COURSE = "course", _("Course")

    class Format(models.TextChoices):
        DOCUMENT = "document", _("Document (PDF or Office file)")
        VIDEO = "video", _("Video (link)")
        ONLINE = "online", _("Online course or web page (link)")
        PRINT = "print", _("Printed (file for printing)")

    class Licence(models.TextChoices):
        CC_BY = "cc-by-4.0", _("Creative Commons Attribution 4.0")
        CC_BY_SA = "cc-by-sa-4.0", _("Creative Commons Attribution-ShareAlike 4.0")
        CC_BY_NC = "cc-by-nc-4.0", _("Creative Commons Attribution-NonCommercial 4.0")
        CC_BY_NC_ND = "cc-by-nc-nd-4.0", _("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0")
        ALL_RIGHTS = "all-rights-reserved", _("All rights reserved")

    TRANSLATED_FIELDS = ("title", "summary")  # core.translations

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    summary = models.TextField(_("summary"), blank=True)
    translations = translations_field()
    audience = models.CharField(_("audience"), max_length=30, choices=Audience)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True,
                                               validators=[MaxValueValidator(MAX_CHILD_AGE)])
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True,
                                               validators=[MaxValueValidator(MAX_CHILD_AGE)])
    pillar = models.ForeignKey("initiatives.Pillar", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("pillar"))
    format = models.CharField(_("format"), max_length=20, choices=Format, default=Format.DOCUMENT)
    licence = models.CharField(_("licence"), max_length=30, choices=Licence, default=Licence.CC_BY_NC)
    countries = CountryField(_("distributed in"), multiple=True, blank=True)
    owner_organisation = models.ForeignKey("partners.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name=_("owner"))
    guideline_document = models.OneToOneField(
        "consultations.GuidelineDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("The guideline document whose published versions this resource carries."))
    is_published = models.BooleanField(_("published"), default=False)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="resource_age_band_ordered",
                                   condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=F("min_age"))),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.is_published

    def owner_organisation_ids(self) -> set[int]:
        return {self.owner_organisation_id} if self.owner_organisation_id else set()


class ResourcePartner(models.Model):
    """An organisation that produced or translated a resource."""

    class Role(models.TextChoices):
        PRODUCER = "producer", _("Produced")
        TRANSLATOR = "translator", _("Translated")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="partner_roles")
    organisation = models.ForeignKey("partners.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resource", "organisation", "role"], name="resource_partner_unique")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_role_display()}"


class ResourceVersion(models.Model):
    """One version of a resource (first edition, revision); a guideline version published by a consultation is one."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=100)
    change_log = models.TextField(_("change log"), blank=True)
    guideline_version = models.OneToOneField("consultations.GuidelineVersion", null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="resource_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.resource.title}: {self.label}"


class LanguageVersion(models.Model):
    """A resource version in one language: a checked file, or a link (video, course)."""

    version = models.ForeignKey(ResourceVersion, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title in this language"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to="library/%Y/%m/", blank=True)
    file_type = models.CharField(max_length=10, blank=True)
    size = models.PositiveIntegerField(default=0)
    link = models.URLField(_("link"), blank=True)
    # Downloads are counted in aggregate only: no row per download, no cookie, no visitor id.
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="language_version_unique"),
            models.CheckConstraint(name="language_version_file_or_link",
                                   condition=(Q(file="") & ~Q(link="")) | (~Q(file="") & Q(link=""))),
        ]

    def __str__(self) -> str:
        return f"{self.version} [{self.language}]"


class PlanQuerySet(PublishableQuerySet):
    pass


class SessionPlan(models.Model):
    """A reusable plan for an educational session with one age band, and the materials it uses."""

    title = models.CharField(_("title"), max_length=300)
    min_age = models.PositiveSmallIntegerField(_("from age"), validators=[MaxValueValidator(MAX_CHILD_AGE)])
    max_age = models.PositiveSmallIntegerField(_("to age"), validators=[MaxValueValidator(MAX_CHILD_AGE)])
    topics = models.CharField(_("topics"), max_length=500, blank=True,
                              help_text=_("e.g. cyberbullying, sexting, online reputation, social media"))
    outline = models.TextField(_("outline"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    materials = models.ManyToManyField(Resource, blank=True, related_name="session_plans", verbose_name=_("materials"))
    owner_organisation = models.ForeignKey("partners.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")
    is_published = models.BooleanField(_("published"), default=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("session plan")
        ordering = ["min_age", "title"]
        constraints = [models.CheckConstraint(name="plan_age_band_ordered", condition=Q(max_age__gte=F("min_age")))]

    def __str__(self) -> str:
        return f"{self.title} ({self.min_age}–{self.max_age})"

    @property
    def is_public(self) -> bool:
        return self.is_published

    def owner_organisation_ids(self) -> set[int]:
        return {self.owner_organisation_id} if self.owner_organisation_id else set()


class SessionUse(models.Model):
    """An educational session (an activity) that followed a plan, with the materials it used."""

    activity = models.ForeignKey("activities.Activity", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SessionPlan, on_delete=models.PROTECT, related_name="uses")
    materials = models.ManyToManyField(Resource, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "plan"], name="session_use_unique")]

    def __str__(self) -> str:
        return f"{self.activity_id} → {self.plan}"


class SessionFeedback(models.Model):
    """Feedback on a session from one age band, in aggregate: how many answered and how they rated it (1–5).

    No identities: counts only, and children's counts are disclosure-controlled in public.
    """

    use = models.ForeignKey(SessionUse, on_delete=models.CASCADE, related_name="feedback")
    min_age = models.PositiveSmallIntegerField(_("from age"), validators=[MaxValueValidator(MAX_CHILD_AGE)])
    max_age = models.PositiveSmallIntegerField(_("to age"), validators=[MaxValueValidator(MAX_CHILD_AGE)])
    rating_1 = models.PositiveIntegerField(default=0)
    rating_2 = models.PositiveIntegerField(default=0)
    rating_3 = models.PositiveIntegerField(default=0)
    rating_4 = models.PositiveIntegerField(default=0)
    rating_5 = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["use", "min_age", "max_age"], name="feedback_band_unique"),
            models.CheckConstraint(name="feedback_age_band_ordered", condition=Q(max_age__gte=F("min_age"))),
        ]

    def __str__(self) -> str:
        return f"{self.use}: {self.min_age}–{self.max_age}"

    @property
    def ratings(self) -> list[int]:
        return [self.rating_1, self.rating_2, self.rating_3, self.rating_4, self.rating_5]
