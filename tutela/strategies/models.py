"""National COP strategies: frameworks of criteria, country assessment rounds, gaps and action plans."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from tutela.core.querysets import PublishableQuerySet

LEVELS = range(0, 5)  # maturity 0 (nothing in place) to 4 (embedded and reviewed)


class EvidenceKind(models.TextChoices):
    LAW = "law", _("Law or regulation")
    POLICY = "policy", _("Policy or strategy document")
    BUDGET = "budget", _("Budget line")
    REPORT = "report", _("Report or statistics")
    PROCEDURE = "procedure", _("Procedure, protocol or agreement")
    WEBSITE = "website", _("Public website or service")
    OTHER = "other", _("Other")


class FrameworkQuerySet(PublishableQuerySet):
    def public(self):
        return self.all()

    def owned_by(self, org_ids):
        return self.none()


class Framework(models.Model):
    """One version of a set of criteria a country assesses itself against. Never changed once imported."""

    code = models.SlugField(_("code"), max_length=40, help_text=_("The same for every version, e.g. cop-national."))
    version = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sources = models.TextField(_("sources it draws on"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("framework")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="framework_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    is_public = True

    def owner_organisation_ids(self) -> set[int]:
        return set()


class Criterion(models.Model):
    """One thing a country is assessed on, with what each maturity level 0–4 looks like."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    pillar = models.ForeignKey("initiatives.Pillar", on_delete=models.PROTECT, related_name="criteria")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    guidance = models.TextField(_("guidance"), blank=True)
    levels = models.JSONField(_("level descriptors"), help_text=_("Five descriptors, for levels 0 to 4."))
    evidence_kinds = models.JSONField(_("evidence that counts"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["framework", "pillar__number", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="criterion_code_unique_in_framework")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class StrategyStage(models.TextChoices):
    NONE = "none", _("No national strategy")
    PREPARING = "preparing", _("Being prepared")
    ADOPTED = "adopted", _("Adopted")
    IMPLEMENTING = "implementing", _("Being implemented")
    REVIEWED = "reviewed", _("Implemented and reviewed")


class AssessmentQuerySet(PublishableQuerySet):
    def public(self):
        return self.filter(status=Assessment.Status.PUBLISHED)

    def owned_by(self, org_ids):
        return self.none()

    def owned_by_countries(self, codes):
        return self.filter(country__in=list(codes))


class Assessment(models.Model):
    """One round of a country's self-assessment against one framework version, on one date."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VALIDATED = "validated", _("Validated")
        PUBLISHED = "published", _("Summary published")

    country = CountryField(_("country"))
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    held_on = models.DateField(_("date of the round"))
    team = models.CharField(_("national team"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    strategy_stage = models.CharField(_("national strategy stage"), max_length=15, choices=StrategyStage,
                                      default=StrategyStage.NONE)
    summary = models.TextField(_("summary"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo or example record, not a fact from a source."))
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    # The mean level per pillar ({"1": 2.25, …}), stored when the round is validated: a validated
    # round never changes, so its means never do (selectors.pillar_means computes them, once).
    pillar_means = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        ordering = ["country", "-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["country", "held_on"], name="assessment_one_round_per_country_and_date"),
            models.CheckConstraint(name="assessment_published_has_summary",
                                   condition=~Q(status="published") | ~Q(summary="")),
        ]
        indexes = [models.Index(fields=["status", "country", "held_on"], name="assessment_status_country")]

    def __str__(self) -> str:
        return f"{self.country_name} {self.held_on:%Y-%m-%d}"

    @property
    def country_name(self) -> str:
        return str(countries.name(str(self.country)))

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def owner_organisation_ids(self) -> set[int]:
        return set()

    def owner_country_codes(self) -> set[str]:
        return {str(str(self.country))}


class Rating(models.Model):
    """A country's level on one criterion in one round, with the level it aims at and comments."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(_("target level"), default=3)
    comments = models.TextField(_("comments"), blank=True)

    class Meta:
        ordering = ["assessment", "criterion__pillar__number", "criterion__order", "criterion__code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="rating_one_per_criterion"),
            models.CheckConstraint(name="rating_level_0_to_4", condition=Q(level__isnull=True) | Q(level__lte=4)),
            models.CheckConstraint(name="rating_target_0_to_4", condition=Q(target_level__lte=4)),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.criterion.code}"

    @property
    def is_gap(self) -> bool:
        return self.level is None or self.level < self.target_level


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"strategies/evidence/{instance.rating.assessment_id}/{filename}"


class Evidence(models.Model):
    """A document or link that supports a rating."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("document"), upload_to=evidence_path, blank=True)
    file_type = models.CharField(max_length=8, blank=True)
    public_flag = models.BooleanField(
        _("show on the country page"), default=False,
        help_text=_("Answers, comments and evidence stay private unless the team marks a document public."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["rating", "pk"]
        constraints = [models.CheckConstraint(name="evidence_is_a_link_or_a_file", condition=~Q(url="") | ~Q(file=""))]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.public_flag and self.rating.assessment.status == Assessment.Status.PUBLISHED

    def owner_organisation_ids(self) -> set[int]:
        return set()

    def owner_country_codes(self) -> set[str]:
        return {str(str(self.rating.assessment.country))}


class ActionQuerySet(PublishableQuerySet):
    def public(self):
        return self.filter(assessment__status=Assessment.Status.PUBLISHED)

    def owned_by(self, org_ids):
        return self.none()

    def owned_by_countries(self, codes):
        return self.filter(assessment__country__in=list(codes))


class Action(models.Model):
    """A step in a country's action plan that closes a gap found in a round."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey("partners.Organisation", on_delete=models.PROTECT, related_name="strategy_actions",
                              verbose_name=_("owner organisation"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PLANNED)
    activities = models.ManyToManyField("activities.Activity", blank=True, related_name="strategy_actions")
    projects = models.ManyToManyField("activities.Project", blank=True, related_name="strategy_actions")
    agreements = models.ManyToManyField("partners.Agreement", blank=True, related_name="strategy_actions")
    partners = models.ManyToManyField("partners.Organisation", blank=True, related_name="strategy_actions_supported")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.assessment.status == Assessment.Status.PUBLISHED

    def owner_organisation_ids(self) -> set[int]:
        return set()

    def owner_country_codes(self) -> set[str]:
        return {str(str(self.assessment.country))}
