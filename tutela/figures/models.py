"""Figures: every number the initiative reports, with how it was made and what it rests on."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tutela.core.choices import CHILD_MAX_AGE, FigureKind, StakeholderGroup
from tutela.core.querysets import PublishableQuerySet
from tutela.core.review import Reviewable, review_constraint, reviewable


class Indicator(models.Model):
    """What a figure measures: people trained, children reached, schools engaged, participants…"""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("e.g. people, children, schools, countries"))
    definition = models.TextField(_("definition"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FigureQuerySet(PublishableQuerySet):
    def owned_by(self, org_ids):
        return self.filter(owner_organisation__in=org_ids)

    def about(self, obj):
        return self.filter(subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk)


@reviewable("figures:figure_detail", "figure")
class Figure(Reviewable, models.Model):
    """One number with its indicator, kind (counted/estimated/modelled), target-or-actual, method and source."""

    class Measure(models.TextChoices):
        ACTUAL = "actual", _("Actual")
        TARGET = "target", _("Target")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    # Set on instances for display, never stored: what disclosure control withheld (figures.disclosure)
    # and the record the figure is about, as the reader may see it (selectors.attach_subjects).
    withheld: str
    shown_subject: models.Model | None

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="figures")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    low = models.DecimalField(_("low"), max_digits=14, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(_("high"), max_digits=14, decimal_places=2, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FigureKind)
    measure = models.CharField(_("target or actual"), max_length=10, choices=Measure, default=Measure.ACTUAL)
    method = models.TextField(_("method"), blank=True, help_text=_("How the number was counted, estimated or modelled."))
    assumptions = models.TextField(_("assumptions"), blank=True)
    source = models.CharField(_("source"), max_length=300, help_text=_("The document, page or record it comes from."))
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    as_of = models.DateField(_("as of"))
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    country = CountryField(_("country"), blank=True)
    # Breakdown: any combination; children only by age band.
    group = models.CharField(_("group"), max_length=20, choices=StakeholderGroup, blank=True)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex, blank=True)
    # The record the figure is about (an activity, project, programme, campaign…).
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    owner_organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="figures",
        verbose_name=_("reported by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("figure")
        ordering = ["-as_of", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="figure_subject_idx"),
            models.Index(fields=["indicator", "kind", "measure"], name="figure_indicator_idx"),
            models.Index(fields=["-as_of", "-id"], name="figure_keyset_idx"),
            # The figures that may be breakdowns of one another (``selectors.breakdown_parents``, the
            # disclosure groups): the subject as the rule compares it, null as 0, so a lookup of one
            # figure's family is one index probe, not a scan of its indicator.
            models.Index(Coalesce("subject_type_id", 0), Coalesce("subject_id", 0), "indicator", "measure", "kind",
                         name="figure_family_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="figure_value_not_negative", condition=Q(value__gte=0)),
            models.CheckConstraint(
                name="figure_range_brackets_value",
                condition=(Q(low__isnull=True) | Q(low__lte=F("value"))) & (Q(high__isnull=True) | Q(high__gte=F("value"))),
            ),
            models.CheckConstraint(
                name="figure_children_have_an_age_band",
                condition=~Q(group="children") | (Q(min_age__isnull=False) & Q(max_age__lte=CHILD_MAX_AGE)),
            ),
            models.CheckConstraint(
                name="figure_period_ordered",
                condition=Q(period_start__isnull=True) | Q(period_end__isnull=True) | Q(period_end__gte=F("period_start")),
            ),
            review_constraint("figure"),
        ]

    def __str__(self) -> str:
        return f"{self.value:g} {self.indicator.unit} ({self.get_kind_display().lower()}, {self.get_measure_display().lower()})"

    @property
    def is_public(self) -> bool:
        return self.is_published and not self.awaiting_review

    def owner_organisation_ids(self) -> set[int]:
        return {self.owner_organisation_id} if self.owner_organisation_id else set()

    @property
    def age_band(self) -> str:
        return f"{self.min_age}–{self.max_age}" if self.min_age is not None else ""


class DashboardSummary(models.Model):
    """The public dashboard's numbers, as the worker last computed them (``services.dashboard_refresh``).

    One row per scope: what the public sees (published records, children's numbers already through
    ``tutela.core.disclosure``) and what the secretariat sees (every record, exact). The page reads
    one row instead of aggregating every activity and figure on each request.
    """

    class Scope(models.TextChoices):
        PUBLIC = "public", _("Published records, disclosure-controlled")
        ALL = "all", _("Every record (secretariat)")

    scope = models.CharField(max_length=10, choices=Scope, unique=True)
    data = models.JSONField(encoder=DjangoJSONEncoder)
    refreshed_at = models.DateTimeField(_("figures as of"))

    def __str__(self) -> str:
        return f"{self.scope} as of {self.refreshed_at:%Y-%m-%d %H:%M}"


class DashboardRefresh(models.Model):
    """One row: is a refresh of the summary queued? Many changes in a row queue one refresh."""

    queued = models.BooleanField(default=False)
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return "queued" if self.queued else "idle"
