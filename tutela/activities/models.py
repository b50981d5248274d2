"""What the initiative does: activities at occasions, with partners, participation and outcomes; projects."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tutela.core.choices import CHILD_MAX_AGE, FigureKind, StakeholderGroup
from tutela.core.lifecycle import Lifecycle
from tutela.core.querysets import PublishableQuerySet
from tutela.core.review import Reviewable, review_constraint, reviewable
from tutela.core.translations import translations_field


class OccasionQuerySet(PublishableQuerySet):
    def owned_by(self, org_ids):
        return self.filter(organiser__in=list(org_ids))


class Occasion(models.Model):
    """A host event activities happen at: IGF 2013, ITU Telecom World 2013, Safer Internet Day 2014…"""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        FORUM = "forum", _("Forum")
        SUMMIT = "summit", _("Summit")
        EXHIBITION = "exhibition", _("Exhibition / world event")
        OBSERVANCE = "observance", _("Observance day")
        MEETING = "meeting", _("Meeting")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.CONFERENCE)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    organiser = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="occasions_organised"
    )
    website = models.URLField(_("website"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    objects = OccasionQuerySet.as_manager()

    class Meta:
        verbose_name = _("occasion")
        ordering = ["-starts_on", "name"]
        constraints = [models.CheckConstraint(name="occasion_ends_after_it_starts", condition=Q(ends_on__gte=F("starts_on")))]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_public(self) -> bool:
        return self.is_published

    def owner_organisation_ids(self) -> set[int]:
        return {self.organiser_id} if self.organiser_id else set()


class Topic(models.Model):
    """A subject an activity covers: cyberbullying, sexting, online reputation, social media…"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProjectQuerySet(PublishableQuerySet):
    def owned_by(self, org_ids):
        return self.filter(partners__in=org_ids)


@reviewable("activities:project_detail", "project")
class Project(Reviewable, models.Model):
    """A programme of work moving through a pipeline, e.g. the African E-Safety Project."""

    class Stage(models.TextChoices):
        IDEA = "idea", _("Idea")
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage, default=Stage.IDEA)
    partners = models.ManyToManyField("partners.Organisation", related_name="projects", blank=True)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    follows = models.ForeignKey(
        "Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_on_projects",
        verbose_name=_("follows on from"),
    )
    pillars = models.ManyToManyField("initiatives.Pillar", related_name="projects", blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        ordering = ["name"]
        constraints = [review_constraint("project")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.is_published and not self.awaiting_review

    def owner_organisation_ids(self) -> set[int]:
        return set(self.partners.values_list("pk", flat=True)) if self.pk else set()


# A project's stages: the one table the service checks a change against (pages draw their buttons from it).
PROJECT_LIFECYCLE = Lifecycle(
    name=_("project"),
    labels=dict(Project.Stage.choices),
    transitions={
        Project.Stage.IDEA: {Project.Stage.PLANNED: _("Plan it"), Project.Stage.CANCELLED: _("Cancel")},
        Project.Stage.PLANNED: {Project.Stage.ACTIVE: _("Start it"), Project.Stage.IDEA: _("Back to idea"),
                                Project.Stage.CANCELLED: _("Cancel")},
        Project.Stage.ACTIVE: {Project.Stage.CLOSED: _("Close it"), Project.Stage.CANCELLED: _("Cancel")},
    },
    irreversible=frozenset({Project.Stage.CLOSED, Project.Stage.CANCELLED}),
)


class ActivityQuerySet(PublishableQuerySet):
    # ``owned_by`` is a correlated ``EXISTS`` (a semi-join), not a join: it never repeats a row, so
    # ``core.access.readable`` needs no DISTINCT, and "public OR own" stays one walk newest first. Not ``id IN (owner
    # rows)``: under that OR, PostgreSQL hashes all of an organisation's owner rows (79,473 for the busiest of 1 M
    # activities: 15–20 ms, once per query and per parallel worker) as soon as one non-public row is tested; an EXISTS
    # probes the owner rows of the rows it tests by index, and PostgreSQL may still hash them when it tests many
    # (bench/RESULTS.md, issue 15, session 12). Written in the ORM, so the subquery runs wherever the query runs.
    owned_by_is_distinct = True

    def owned_by(self, org_ids):
        return self.filter(models.Exists(ActivityPartner.objects.filter(
            activity=models.OuterRef("pk"), organisation__in=list(org_ids), role__in=ActivityPartner.OWNER_ROLES)))


@reviewable("activities:activity_detail", "activity")
class Activity(Reviewable, models.Model):
    """Something the initiative did or plans: a dialogue, forum, workshop, session, training, pilot…"""

    class Kind(models.TextChoices):
        STRATEGIC_DIALOGUE = "strategic_dialogue", _("High-level strategic dialogue")
        REGIONAL_FORUM = "regional_forum", _("Regional forum")
        WORKSHOP = "workshop", _("Workshop")
        OPEN_FORUM = "open_forum", _("Open forum")
        SESSION = "session", _("Session / panel")
        WORLD_CAFE = "world_cafe", _("World Café")
        TRAINING = "training", _("Training")
        EDUCATIONAL_EVENT = "educational_event", _("Educational event")
        PILOT = "pilot", _("Pilot")
        SUMMIT = "summit", _("Summit participation")
        MEETING = "meeting", _("Meeting")
        CONSULTATION = "consultation", _("Consultation")
        PUBLICATION = "publication", _("Publication")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSLATED_FIELDS = ("title", "summary")  # core.translations: English here, the other languages in translations

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    date_is_approximate = models.BooleanField(
        _("dates approximate"), default=False, help_text=_("The source gives only the month or period.")
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    occasion = models.ForeignKey(
        Occasion, null=True, blank=True, on_delete=models.PROTECT, related_name="activities", verbose_name=_("occasion")
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities", verbose_name=_("project")
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="parts",
        verbose_name=_("part of"), help_text=_("e.g. one of two sessions of the same event"),
    )
    summary = models.TextField(_("summary"), blank=True)
    translations = translations_field()
    objective = models.TextField(_("objective"), blank=True)
    focus = models.CharField(_("focus"), max_length=300, blank=True,
                             help_text=_("What it focused on, when that was recorded (e.g. issues related to child online safety)."))
    follows_up = models.CharField(_("follows up"), max_length=300, blank=True, help_text=_("e.g. the Global Youth Summit BYND 2015"))
    pillars = models.ManyToManyField("initiatives.Pillar", related_name="activities", verbose_name=_("pillars"))
    topics = models.ManyToManyField(Topic, related_name="activities", blank=True, verbose_name=_("topics"))
    audiences = models.JSONField(_("audiences"), default=list, blank=True, help_text=_("Stakeholder groups the activity is for."))
    deliverables = models.ManyToManyField(
        "initiatives.Deliverable", related_name="activities", blank=True, verbose_name=_("deliverables")
    )
    is_published = models.BooleanField(_("published"), default=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo or example record, not a fact from a source.")
    )
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=_("Document or page this record rests on."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["-starts_on", "-id"], name="activity_keyset_idx"),
            models.Index(fields=["country", "-starts_on"], name="activity_country_idx"),
            models.Index(fields=["kind", "-starts_on"], name="activity_kind_idx"),
            models.Index(fields=["-created_at", "-id"], name="activity_created_idx"),  # hub's Atom feed, newest first
            # The secretariat's workspace counts what waits for review on every visit (core.review.waiting_counts):
            # a few rows among many, so a partial index (at 1 M activities the count was a 0.4 s sequential scan).
            models.Index(fields=["awaiting_review"], condition=Q(awaiting_review=True), name="activity_awaiting_review_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="activity_ends_after_it_starts", condition=Q(ends_on__gte=F("starts_on"))),
            review_constraint("activity"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.is_published and not self.awaiting_review

    def owner_organisation_ids(self) -> set[int]:
        if not self.pk:
            return set()
        return set(
            self.partner_roles.filter(role__in=ActivityPartner.OWNER_ROLES).values_list("organisation_id", flat=True)
        )


class ActivityPartner(models.Model):
    """An organisation's part in an activity."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        LAUNCHER = "launcher", _("Launched it (a course, a campaign, a publication…)")
        HOST = "host", _("Host")
        FUNDER = "funder", _("Funder")
        TRAINER = "trainer", _("Trainer")
        AUSPICES = "auspices", _("Under the auspices of")
        PARTNER = "partner", _("Partner")
        SPEAKER = "speaker", _("Speaker / panellist")
        PARTICIPANT = "participant", _("Participant (attended)")

    # Organisations in these roles own the activity: their focal points may edit it.
    OWNER_ROLES = [Role.ORGANISER, Role.CO_ORGANISER]

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="partner_roles")
    organisation = models.ForeignKey("partners.Organisation", on_delete=models.PROTECT, related_name="activity_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role)

    class Meta:
        ordering = ["activity", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "organisation", "role"], name="activity_partner_unique")
        ]
        indexes = [
            # The owner rows of an organisation, by organisation and activity: what ActivityQuerySet.owned_by reads,
            # one activity's or all of them (an index-only scan; the predicate is its role condition).
            models.Index(fields=["organisation", "activity"], name="activity_partner_owner_idx",
                         condition=models.Q(role__in=["organiser", "co_organiser"])),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Participation(models.Model):
    """How many of one stakeholder group took part. Children: counts by age band only, never names."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participation")
    group = models.CharField(_("group"), max_length=20, choices=StakeholderGroup)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    class Unit(models.TextChoices):
        PEOPLE = "people", _("people")
        COUNTRIES = "countries", _("countries")
        MEMBER_STATES = "member_states", _("Member States")

    count = models.PositiveIntegerField(_("count"), null=True, blank=True, help_text=_("Leave empty when unknown."))
    unit = models.CharField(_("counted in"), max_length=20, choices=Unit, default=Unit.PEOPLE,
                            help_text=_("What the count counts: people, or the countries or Member States taking part."))
    kind = models.CharField(_("kind"), max_length=20, choices=FigureKind, default=FigureKind.COUNTED)
    description = models.CharField(
        _("description"), max_length=200, blank=True,
        help_text=_("Who they were, as a group (e.g. 'ITU staff who are parents'). Never a child's name."),
    )

    class Meta:
        verbose_name = _("participation")
        ordering = ["activity", "group", "min_age"]
        constraints = [
            models.CheckConstraint(
                name="children_have_an_age_band",
                condition=~Q(group="children") | (Q(min_age__isnull=False) & Q(max_age__isnull=False)),
            ),
            models.CheckConstraint(
                name="child_age_band_within_0_17",
                condition=~Q(group="children") | Q(max_age__lte=CHILD_MAX_AGE),
            ),
            models.CheckConstraint(
                name="age_band_ordered",
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=F("min_age")),
            ),
        ]

    def __str__(self) -> str:
        band = f" {self.min_age}–{self.max_age}" if self.min_age is not None else ""
        return f"{self.get_group_display()}{band}: {self.count if self.count is not None else '?'}"

    @property
    def age_band(self) -> str:
        return f"{self.min_age}–{self.max_age}" if self.min_age is not None else ""


class Outcome(models.Model):
    """A statement an activity produced: a recommendation, an agreement, a call for action…"""

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", _("Recommendation")
        AGREEMENT = "agreement", _("Agreement")
        CALL_FOR_ACTION = "call_for_action", _("Call for action")
        DECISION = "decision", _("Decision")
        STATEMENT = "statement", _("Statement")
        FINDING = "finding", _("Finding")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    text = models.TextField(_("text"))
    points = models.JSONField(_("points"), default=list, blank=True, help_text=_("The numbered points, one per item."))
    made_by = models.ForeignKey(
        "initiatives.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes",
        verbose_name=_("made by"),
    )
    made_by_organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes",
        verbose_name=_("made by (organisation)"),
    )
    made_by_group = models.CharField(_("made by (group)"), max_length=200, blank=True,
                                     help_text=_("e.g. the administrations of the Arab region"))
    addressed_to = models.CharField(_("addressed to"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["activity", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class ActivityLink(models.Model):
    """A document or web page about an activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), max_length=500)

    class Meta:
        ordering = ["activity", "pk"]

    def __str__(self) -> str:
        return self.title


class ActivityPerson(models.Model):
    """A named adult's part in an activity (speaker, trainer…), only when they may be named."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("initiatives.Person", on_delete=models.PROTECT, related_name="activity_roles")
    role = models.CharField(_("role"), max_length=100, help_text=_("e.g. speaker, trainer, moderator"))

    class Meta:
        ordering = ["activity", "pk"]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})"
