"""Outreach: campaigns and their messages, training programmes with cohorts of adult trainees,
the cascade of who trained whom, institutions where children are reached, the sessions
ambassadors delivered (children only as counts by age band), reach parameters and certificates.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tutela.core.choices import CHILD_MAX_AGE, StakeholderGroup
from tutela.core.jobs import FileImportJob
from tutela.core.querysets import PublishableQuerySet
from tutela.core.review import Reviewable, review_constraint, reviewable

NO_CHILD_DATA = _("Never a child's name, birth date, contact or photo: children are only counted, by age band.")


# --- Institutions ---------------------------------------------------------------------------

class InstitutionQuerySet(PublishableQuerySet):
    def owned_by(self, org_ids):
        return self.filter(owner_organisation__in=list(org_ids))


class Institution(models.Model):
    """A school or other place where children are reached (never a child's own details)."""

    class Kind(models.TextChoices):
        PRIMARY_SCHOOL = "primary_school", _("Primary school")
        SECONDARY_SCHOOL = "secondary_school", _("Secondary school")
        SCHOOL = "school", _("School (all ages)")
        YOUTH_CENTRE = "youth_centre", _("Youth centre")
        LIBRARY = "library", _("Library")
        COMMUNITY = "community", _("Community centre")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    # Case- and accent-folded name + city + country: catches "Addis school 01" entered twice.
    name_key = models.CharField(max_length=300, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.SCHOOL)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"))
    owner_organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="outreach_institutions",
        verbose_name=_("recorded by"),
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False, help_text=_("Demo or example record, not a fact from a source."))
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution")
        ordering = ["country", "name"]
        indexes = [models.Index(fields=["country", "id"], name="outreach_inst_country_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.is_published

    def owner_organisation_ids(self) -> set[int]:
        return {self.owner_organisation_id} if self.owner_organisation_id else set()


class Enrolment(models.Model):
    """Approximately how many children of an age band an institution has: a number with its source."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="enrolments")
    min_age = models.PositiveSmallIntegerField(_("from age"))
    max_age = models.PositiveSmallIntegerField(_("to age"))
    count = models.PositiveIntegerField(_("approximate enrolment"))
    source = models.CharField(_("source"), max_length=300, help_text=_("Where the number comes from, or 'assumption'."))
    as_of = models.DateField(_("as of"), null=True, blank=True)

    class Meta:
        ordering = ["institution", "min_age"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "min_age", "max_age"], name="outreach_enrolment_band_unique"),
            models.CheckConstraint(name="outreach_enrolment_child_band",
                                   condition=Q(max_age__lte=CHILD_MAX_AGE) & Q(max_age__gte=F("min_age"))),
        ]

    def __str__(self) -> str:
        return f"{self.institution}: {self.min_age}–{self.max_age} ≈ {self.count}"


# --- Training programmes --------------------------------------------------------------------

class ProgrammeQuerySet(PublishableQuerySet):
    def owned_by(self, org_ids):
        return self.filter(organisers__in=list(org_ids))


@reviewable("outreach:programme_detail", "programme")
class TrainingProgramme(Reviewable, models.Model):
    """A programme that trains adults as safety ambassadors, e.g. the Addis Ababa pilot."""

    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    organisers = models.ManyToManyField("partners.Organisation", related_name="outreach_programmes_organised",
                                        verbose_name=_("organisers"))
    funders = models.ManyToManyField("partners.Organisation", related_name="outreach_programmes_funded", blank=True,
                                     verbose_name=_("funders"))
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="outreach_programmes",
        verbose_name=_("activity"), help_text=_("The activity (e.g. the pilot) this programme carries out."),
    )
    follow_on = models.ForeignKey(
        "activities.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="outreach_predecessors",
        verbose_name=_("follow-on project"),
    )
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # The children the cascade estimate is about.
    reach_min_age = models.PositiveSmallIntegerField(_("children reached from age"), default=6)
    reach_max_age = models.PositiveSmallIntegerField(_("children reached to age"), default=17)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("training programme")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(name="outreach_programme_dates", condition=Q(ends_on__gte=F("starts_on"))),
            models.CheckConstraint(
                name="outreach_programme_reach_band",
                condition=Q(reach_max_age__lte=CHILD_MAX_AGE) & Q(reach_max_age__gte=F("reach_min_age")),
            ),
            review_constraint("outreach_programme"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.is_published and not self.awaiting_review

    def owner_organisation_ids(self) -> set[int]:
        return set(self.organisers.values_list("pk", flat=True)) if self.pk else set()


class ByProgrammeQuerySet(models.QuerySet):
    """Records that belong to a programme share its visibility."""

    programme_path = "programme"

    def public(self):
        return self.filter(**{f"{self.programme_path}__is_published": True})

    def owned_by(self, org_ids):
        return self.filter(**{f"{self.programme_path}__organisers__in": list(org_ids)})


class ProgrammeOwned:
    programme_attr = "programme"

    @property
    def is_public(self) -> bool:
        return getattr(self, self.programme_attr).is_published

    def owner_organisation_ids(self) -> set[int]:
        return getattr(self, self.programme_attr).owner_organisation_ids()


class Cohort(ProgrammeOwned, models.Model):
    """A group of adults trained together in a programme."""

    programme = models.ForeignKey(TrainingProgramme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    sessions = models.ManyToManyField("activities.Activity", blank=True, related_name="outreach_cohorts",
                                      verbose_name=_("training sessions"))

    objects = ByProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        ordering = ["programme", "starts_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="outreach_cohort_name_unique")]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    EDUCATOR = "educator", _("Educator")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    PARENT = "parent", _("Parent")
    INDUSTRY = "industry", _("Industry")


class Trainee(ProgrammeOwned, models.Model):
    """An adult trained in a cohort, who may become a safety ambassador and train others.

    Named only with consent; otherwise known by a pseudonymous label. ``trained_by`` records the
    cascade (who trained whom); ``generation`` is 1 for people trained by the programme itself.
    """

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(TrainingProgramme, on_delete=models.CASCADE, related_name="trainees")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="trainees")
    full_name = models.CharField(_("name"), max_length=200, blank=True,
                                 help_text=_("Only with the person's consent to be named; otherwise leave empty."))
    consent_to_be_named = models.BooleanField(_("consented to be named"), default=False)
    label = models.CharField(_("label"), max_length=60,
                             help_text=_("A pseudonymous label such as 'Ambassador 007', used wherever the name may not be."))
    # Folded name (or label): one person once per cohort.
    identity_key = models.CharField(max_length=200, editable=False)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="trainees",
                                    verbose_name=_("institution"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.ENROLLED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    trained_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="trained",
                                   verbose_name=_("trained by"))
    generation = models.PositiveSmallIntegerField(_("generation"), default=1)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ByProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("trainee")
        ordering = ["programme", "generation", "label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "identity_key"], name="outreach_trainee_once_per_cohort"),
            models.UniqueConstraint(fields=["programme", "label"], name="outreach_trainee_label_unique"),
            models.CheckConstraint(name="outreach_trainee_named_with_consent",
                                   condition=Q(consent_to_be_named=True) | Q(full_name="")),
            models.CheckConstraint(name="outreach_trainee_completed_has_date",
                                   condition=~Q(status="completed") | Q(completed_on__isnull=False)),
            models.CheckConstraint(name="outreach_trainee_not_own_trainer", condition=~Q(trained_by=F("pk"))),
        ]
        indexes = [
            models.Index(fields=["programme", "generation"], name="outreach_trainee_gen_idx"),
            models.Index(fields=["programme", "status"], name="outreach_trainee_status_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name if self.consent_to_be_named and self.full_name else self.label


class DeliveredSessionQuerySet(ByProgrammeQuerySet):
    pass


class DeliveredSession(ProgrammeOwned, models.Model):
    """A session an ambassador delivered to one audience, counted by age band.

    One row per audience and age band. There is deliberately no free-text field: nothing here
    can hold a child's identity.
    """

    programme = models.ForeignKey(TrainingProgramme, on_delete=models.CASCADE, related_name="delivered_sessions")
    ambassador = models.ForeignKey(Trainee, null=True, blank=True, on_delete=models.PROTECT, related_name="delivered_sessions",
                                   verbose_name=_("delivered by"))
    campaign = models.ForeignKey("Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="delivered_sessions",
                                 verbose_name=_("campaign"))
    # No index of its own: outreach_session_cell_idx starts with it.
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, db_index=False,
                                    related_name="delivered_sessions", verbose_name=_("institution"))
    country = CountryField(_("country"))
    held_on = models.DateField(_("held on"))
    audience = models.CharField(_("audience"), max_length=20, choices=StakeholderGroup, default=StakeholderGroup.CHILDREN)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    count = models.PositiveIntegerField(_("how many attended"), help_text=NO_CHILD_DATA)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    objects = DeliveredSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivered session")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="outreach_session_children_band",
                condition=~Q(audience="children")
                | (Q(min_age__isnull=False) & Q(max_age__isnull=False) & Q(max_age__lte=CHILD_MAX_AGE)),
            ),
            models.CheckConstraint(
                name="outreach_session_band_ordered",
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=F("min_age")),
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "held_on"], name="outreach_session_prog_idx"),
            models.Index(fields=["country", "held_on"], name="outreach_session_country_idx"),
            models.Index(fields=["campaign", "held_on"], name="outreach_session_camp_idx"),
            # The counted rule's cells (institution × audience × band) in order, then every other
            # column the reach query reads: PostgreSQL answers whole-initiative reach with an
            # index-only scan and a streaming GROUP BY instead of hashing millions of rows
            # (reach.counted). Key columns rather than INCLUDE, which SQLite does not support.
            models.Index(fields=["institution", "audience", "min_age", "max_age", "count", "is_illustrative", "programme",
                                 "held_on"], name="outreach_session_cell_idx"),
        ]

    def __str__(self) -> str:
        band = f" {self.min_age}–{self.max_age}" if self.min_age is not None else ""
        return f"{self.held_on}: {self.get_audience_display()}{band} × {self.count}"


class Certificate(models.Model):
    """A verifiable certificate for an adult who completed a training. Re-issued after re-training."""

    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    completed_on = models.DateField(_("completed on"))
    issued_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason"), max_length=200, blank=True)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")

    class Meta:
        verbose_name = _("certificate")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["trainee"], condition=Q(revoked_at__isnull=True),
                                    name="outreach_one_valid_certificate"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def is_public(self) -> bool:
        return self.trainee.is_public

    def owner_organisation_ids(self) -> set[int]:
        return self.trainee.owner_organisation_ids()


# --- Campaigns ------------------------------------------------------------------------------

class CampaignQuerySet(PublishableQuerySet):
    def owned_by(self, org_ids):
        ids = list(org_ids)
        return self.filter(Q(owner_organisation__in=ids) | Q(partners__in=ids))


@reviewable("outreach:campaign_detail", "campaign")
class Campaign(Reviewable, models.Model):
    """An awareness campaign under a banner such as "Click Safe, Click Clever"."""

    banner = models.CharField(_("banner / slogan"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    owner_organisation = models.ForeignKey("partners.Organisation", on_delete=models.PROTECT,
                                           related_name="outreach_campaigns", verbose_name=_("owner"))
    partners = models.ManyToManyField("partners.Organisation", blank=True, related_name="outreach_campaign_partnerships",
                                      verbose_name=_("partners"))
    programme = models.ForeignKey(TrainingProgramme, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="campaigns", verbose_name=_("programme"))
    countries = CountryField(_("countries"), multiple=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("Language codes, e.g. am, en."))
    audiences = models.JSONField(_("audiences"), default=list, blank=True, help_text=_("Stakeholder groups addressed."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(name="outreach_campaign_dates", condition=Q(ends_on__gte=F("starts_on"))),
                       review_constraint("outreach_campaign")]

    def __str__(self) -> str:
        return self.banner

    @property
    def is_public(self) -> bool:
        return self.is_published and not self.awaiting_review

    def owner_organisation_ids(self) -> set[int]:
        if not self.pk:
            return {self.owner_organisation_id} if self.owner_organisation_id else set()
        return {self.owner_organisation_id} | set(self.partners.values_list("pk", flat=True))


class ByCampaignQuerySet(models.QuerySet):
    campaign_path = "campaign"

    def public(self):
        return self.filter(**{f"{self.campaign_path}__is_published": True})

    def owned_by(self, org_ids):
        ids = list(org_ids)
        return self.filter(Q(**{f"{self.campaign_path}__owner_organisation__in": ids})
                           | Q(**{f"{self.campaign_path}__partners__in": ids}))


class CampaignOwned:
    campaign: "Campaign"  # the model that mixes this in has the foreign key

    @property
    def is_public(self) -> bool:
        return self.campaign.is_published

    def owner_organisation_ids(self) -> set[int]:
        return self.campaign.owner_organisation_ids()


class Message(CampaignOwned, models.Model):
    """One piece of a campaign: a radio or TV spot, poster, leaflet, post, SMS, school assembly."""

    class Medium(models.TextChoices):
        RADIO_SPOT = "radio_spot", _("Radio spot")
        TV_SPOT = "tv_spot", _("TV spot")
        POSTER = "poster", _("Poster")
        LEAFLET = "leaflet", _("Leaflet")
        SOCIAL_POST = "social_post", _("Social-media post")
        SMS = "sms", _("SMS")
        SCHOOL_ASSEMBLY = "school_assembly", _("School assembly")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="messages")
    title = models.CharField(_("title"), max_length=200)
    medium = models.CharField(_("medium"), max_length=20, choices=Medium)
    language = models.CharField(_("language"), max_length=10, help_text=_("Language code, e.g. am, en."))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    size = models.CharField(_("size"), max_length=60, blank=True, help_text=_("e.g. A2, 160 characters"))
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to="outreach/messages/", blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    objects = ByCampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        ordering = ["campaign", "pk"]

    def __str__(self) -> str:
        return self.title


class PlacementQuerySet(ByCampaignQuerySet):
    campaign_path = "message__campaign"


class Placement(models.Model):
    """Where and when a message ran, with the audience the broadcaster or school reports."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="placements")
    outlet = models.CharField(_("where"), max_length=200, help_text=_("Broadcaster, school or venue. Never a person's name."))
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    country = CountryField(_("country"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    frequency = models.PositiveIntegerField(_("times run"), help_text=_("How many times the message ran (airings, assemblies, days on display)."))
    reported_audience = models.PositiveIntegerField(_("reported audience per run"))
    audience = models.CharField(_("audience"), max_length=20, choices=StakeholderGroup, default=StakeholderGroup.CHILDREN)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    audience_source = models.CharField(_("audience source"), max_length=300, help_text=_("Who reports the audience figure."))
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        ordering = ["message", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(name="outreach_placement_dates", condition=Q(ends_on__gte=F("starts_on"))),
            models.CheckConstraint(
                name="outreach_placement_children_band",
                condition=~Q(audience="children")
                | (Q(min_age__isnull=False) & Q(max_age__isnull=False) & Q(max_age__lte=CHILD_MAX_AGE)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message} @ {self.outlet}"

    @property
    def campaign(self):
        return self.message.campaign

    @property
    def is_public(self) -> bool:
        return self.message.campaign.is_published

    def owner_organisation_ids(self) -> set[int]:
        return self.message.campaign.owner_organisation_ids()


# --- Reach ----------------------------------------------------------------------------------

class ReachParameter(models.Model):
    """One assumption of a reach estimate (low, central, high) with its source, editable."""

    class Key(models.TextChoices):
        AMBASSADORS = "ambassadors", _("Ambassadors who were trained")
        SESSIONS_PER_AMBASSADOR = "sessions_per_ambassador", _("Sessions per ambassador")
        MEAN_CLASS_SIZE = "mean_class_size", _("Mean class size")
        SHARE_DELIVERING = "share_delivering", _("Share of ambassadors who actually deliver")
        UNIQUE_SHARE = "unique_share", _("Share of placement audience that are distinct people")

    SHARES = {Key.SHARE_DELIVERING, Key.UNIQUE_SHARE}
    CASCADE_KEYS = [Key.AMBASSADORS, Key.SESSIONS_PER_AMBASSADOR, Key.MEAN_CLASS_SIZE, Key.SHARE_DELIVERING]
    PLACEMENT_KEYS = [Key.UNIQUE_SHARE]

    programme = models.ForeignKey(TrainingProgramme, null=True, blank=True, on_delete=models.CASCADE, related_name="parameters")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="parameters")
    key = models.CharField(_("parameter"), max_length=30, choices=Key)
    low = models.DecimalField(_("low"), max_digits=12, decimal_places=3)
    central = models.DecimalField(_("central"), max_digits=12, decimal_places=3)
    high = models.DecimalField(_("high"), max_digits=12, decimal_places=3)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_assumption = models.BooleanField(_("assumption"), default=False,
                                        help_text=_("No source: a stated assumption of whoever made the estimate."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reach parameter")
        ordering = ["programme", "campaign", "key"]
        constraints = [
            models.CheckConstraint(name="outreach_parameter_one_subject",
                                   condition=Q(programme__isnull=True) ^ Q(campaign__isnull=True)),
            models.CheckConstraint(name="outreach_parameter_ordered",
                                   condition=Q(low__gte=0) & Q(central__gte=F("low")) & Q(high__gte=F("central"))),
            models.CheckConstraint(name="outreach_parameter_sourced",
                                   condition=Q(is_assumption=True) | ~Q(source="")),
            models.UniqueConstraint(fields=["programme", "key"], name="outreach_parameter_programme_key"),
            models.UniqueConstraint(fields=["campaign", "key"], name="outreach_parameter_campaign_key"),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.low:g}–{self.central:g}–{self.high:g}"

    @property
    def subject(self):
        return self.programme or self.campaign

    @property
    def is_public(self) -> bool:
        return self.subject.is_published

    def owner_organisation_ids(self) -> set[int]:
        return self.subject.owner_organisation_ids()


class ReachSnapshot(models.Model):
    """The last computed reach of a programme or campaign (recomputed whenever its data change)."""

    programme = models.OneToOneField(TrainingProgramme, null=True, blank=True, on_delete=models.CASCADE, related_name="reach_snapshot")
    campaign = models.OneToOneField(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="reach_snapshot")
    computed_at = models.DateTimeField()
    result = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.CheckConstraint(name="outreach_snapshot_one_subject",
                                   condition=Q(programme__isnull=True) ^ Q(campaign__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"reach of {self.programme or self.campaign} @ {self.computed_at:%Y-%m-%d %H:%M}"


class TraineeImport(FileImportJob):
    """A trainee file for a cohort, checked (dry run) or imported by the worker (``core.jobs.FileImportJob``)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(_("file"), upload_to="outreach/imports/%Y/%m/")

    class Meta(FileImportJob.Meta):
        verbose_name = _("trainee import")

    def __str__(self) -> str:
        return f"{self.cohort} · {self.original_name}"
