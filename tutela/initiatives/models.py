"""The initiative, its five GCA pillars, its deliverables, and the people appointed to it."""

from datetime import date

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tutela.core.querysets import PublishableQuerySet


class Initiative(models.Model):
    """A programme of work such as the COP Global Initiative, with its mandate and phase."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    phase = models.CharField(_("phase"), max_length=100, blank=True)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    launch_place = models.CharField(_("launched at"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    lead_organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="initiatives_led"
    )

    class Meta:
        verbose_name = _("initiative")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    is_public = True

    def owner_organisation_ids(self) -> set[int]:
        return {self.lead_organisation_id} if self.lead_organisation_id else set()

    def mandate_on(self, day: date | None = None) -> "MandateVersion | None":
        """The version of the mandate in force on ``day`` (today when None): the latest in force from that day or
        before; an undated version counts as in force from the start."""
        day = day or timezone.localdate()
        return (self.mandate_versions.filter(Q(in_force_from__isnull=True) | Q(in_force_from__lte=day))
                .order_by(F("in_force_from").desc(nulls_last=True), "-pk").first())

    @property
    def mandate(self) -> str:
        """The mandate in force today, as cited ("" when none is recorded)."""
        version = self.mandate_on()
        return version.citation if version else ""


class MandateVersion(models.Model):
    """One version of the initiative's mandate, e.g. a resolution adopted at one conference and revised at a later one.

    A report cites the version in force on its meeting date; versions are added, never overwritten by a new one.
    """

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="mandate_versions")
    citation = models.CharField(_("citation"), max_length=300,
                                help_text=_("As a report cites it, e.g. Plenipotentiary Resolution 179 (Rev. Busan, 2014)"))
    in_force_from = models.DateField(_("in force from"), null=True, blank=True,
                                     help_text=_("Empty only for a first version whose date is not known."))
    adopted_by = models.CharField(_("adopted or revised by"), max_length=200, blank=True,
                                  help_text=_("e.g. Plenipotentiary Conference, Busan"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mandate version")
        ordering = ["initiative", F("in_force_from").asc(nulls_first=True), "pk"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "in_force_from"], name="mandate_version_one_per_day",
                                    violation_error_message=_("This initiative already has a version of its mandate "
                                                              "in force from that day.")),
        ]

    def __str__(self) -> str:
        return self.citation

    is_public = True

    def owner_organisation_ids(self) -> set[int]:
        return self.initiative.owner_organisation_ids()


class Pillar(models.Model):
    """One of the five Global Cybersecurity Agenda pillars (reference data, created by migration)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40)
    slug = models.SlugField(unique=True)
    description = models.TextField(_("COP interpretation"), blank=True)

    class Meta:
        verbose_name = _("pillar")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class DeliverableQuerySet(PublishableQuerySet):
    def owned_by(self, org_ids):
        return self.filter(Q(lead_organisation__in=org_ids) | Q(contributing_organisations__in=org_ids))


class Deliverable(models.Model):
    """A high-level deliverable of the initiative, achieved with partners under one or more pillars."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="deliverables")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    pillars = models.ManyToManyField(Pillar, related_name="deliverables", verbose_name=_("pillars"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    lead_organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="deliverables_led",
        verbose_name=_("lead organisation"),
    )
    contributing_organisations = models.ManyToManyField(
        "partners.Organisation", blank=True, related_name="deliverables_contributed", verbose_name=_("contributing organisations")
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        verbose_name = _("deliverable")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.is_published

    def owner_organisation_ids(self) -> set[int]:
        ids = {self.lead_organisation_id} if self.lead_organisation_id else set()
        if self.pk:
            ids |= set(self.contributing_organisations.values_list("pk", flat=True))
        return ids


class PersonQuerySet(models.QuerySet):
    def public(self):
        return self.filter(Q(is_public_figure=True) | Q(consent_to_be_named=True))

    def owned_by(self, org_ids):
        return self.filter(organisation__in=org_ids)


class Person(models.Model):
    """An adult named in the records: a public figure, or someone who consented to be named.

    Children are never recorded as people: they are counted, by age band, on activities.
    """

    honorific = models.CharField(_("honorific"), max_length=60, blank=True, help_text=_("e.g. H.E. Ms, Dame, Mr"))
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True, help_text=_("e.g. President of Costa Rica"))
    organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="people",
        verbose_name=_("organisation"),
    )
    country = CountryField(_("country"), blank=True)
    is_public_figure = models.BooleanField(
        _("public figure"), default=False, help_text=_("A head of state, minister, patron or champion acting publicly.")
    )
    consent_to_be_named = models.BooleanField(_("consented to be named"), default=False)
    consent_recorded_on = models.DateField(_("consent recorded on"), null=True, blank=True)
    email = models.EmailField(_("e-mail (staff only)"), blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                name="person_consent_has_a_date",
                condition=Q(consent_to_be_named=False) | Q(consent_recorded_on__isnull=False) | Q(is_public_figure=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.honorific} {self.full_name}".strip()

    @property
    def may_be_named(self) -> bool:
        return self.is_public_figure or self.consent_to_be_named

    @property
    def is_public(self) -> bool:
        return self.may_be_named

    def public_label(self) -> str:
        """The name when it may be shown publicly, otherwise a neutral label."""
        return str(self) if self.may_be_named else str(_("a representative"))

    def owner_organisation_ids(self) -> set[int]:
        return {self.organisation_id} if self.organisation_id else set()


class AppointmentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(Q(person__is_public_figure=True) | Q(person__consent_to_be_named=True))

    def owned_by(self, org_ids):
        return self.filter(person__organisation__in=org_ids)

    def current(self, on=None):
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))

    def on(self, subject):
        return self.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)


class Appointment(models.Model):
    """A person's role on something: patron of the initiative, co-chair of a body, focal point of an organisation."""

    class Role(models.TextChoices):
        PATRON = "patron", _("Patron")
        CHAMPION = "champion", _("Champion")
        CHAIR = "chair", _("Chair")
        CO_CHAIR = "co_chair", _("Co-chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        FOCAL_POINT = "focal_point", _("Focal point")
        RAPPORTEUR = "rapporteur", _("Rapporteur")
        EDITOR = "editor", _("Editor")
        MEMBER = "member", _("Member")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    role = models.CharField(_("role"), max_length=20, choices=Role)
    # What the appointment is on: an initiative, a coordination body, an organisation…
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        ordering = ["role", "starts_on"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="appointment_subject_idx")]
        constraints = [
            models.CheckConstraint(
                name="appointment_ends_after_it_starts",
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}"

    @property
    def is_public(self) -> bool:
        return self.person.may_be_named

    def owner_organisation_ids(self) -> set[int]:
        return self.person.owner_organisation_ids()
