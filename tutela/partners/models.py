"""Partner organisations (and, with the initiative core, their agreements)."""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tutela.core.lifecycle import Lifecycle
from tutela.core.querysets import PublishableQuerySet
from tutela.core.review import Reviewable, review_constraint, reviewable


class OrganisationQuerySet(PublishableQuerySet):
    def owned_by(self, org_ids):
        return self.filter(pk__in=list(org_ids))


# First words of names read with "the" ("the African Union Commission", "the Ministry of …"): the suggestion for a new
# organisation whose "the" is not given, and what prose did before an organisation could say it (migration 0007).
THE_WORDS = {"african", "international", "united", "national", "global", "european", "joint", "council", "east", "west",
             "north", "south", "arab", "asian", "commonwealth", "ministry", "office", "department"}


def suggested_the(name: str, acronym: str, kind: str) -> bool:
    """Whether a new organisation is named with "the", when its editor did not say: what report prose did before the
    choice existed ("the Government of …" organising an occasion; names written in full beside an acronym starting
    with one of ``THE_WORDS``)."""
    first = name.split()[0].lower() if name.split() else ""
    if first == "government":
        return True
    country_like = kind == Organisation.Kind.GOVERNMENT and not (
        " " not in acronym and sum(map(str.isupper, acronym)) >= 2)
    return (bool(acronym) and acronym != name and not acronym.startswith("(") and not country_like
            and first in THE_WORDS)


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
    # How prose names it: "held by the Pacific Islands Forum", "The African Union Commission signed …".
    named_with_the = models.BooleanField(
        _("“the” before its name in a sentence"), default=False,
        help_text=_("Tick when the name is read with “the” in running text (the Pacific Islands Forum, the "
                    "Ministry of Education); leave it for names that are not (Save the Children, Oman, Microsoft). "
                    "An acronym is always written as it is."))
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

    @property
    def name_in_text(self) -> str:
        """Its full name as a sentence reads it: "the Pacific Islands Forum", "Save the Children"."""
        return f"the {self.name}" if self.named_with_the else self.name

    def owner_organisation_ids(self) -> set[int]:
        return {self.pk} if self.pk else set()

    @property
    def short(self) -> str:
        return self.acronym or self.name


class AgreementQuerySet(PublishableQuerySet):
    def owned_by(self, org_ids):
        return self.filter(parties__in=org_ids)

    def expiring_within(self, days: int, today=None):
        from datetime import timedelta

        from django.utils import timezone

        today = today or timezone.localdate()
        return self.filter(in_force_to__gte=today, in_force_to__lte=today + timedelta(days=days))


@reviewable("partners:agreement_detail", "agreement")
class Agreement(Reviewable, models.Model):
    """A cooperation agreement between organisations: an MoU, a partnership, a letter of intent."""

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding")
        PARTNERSHIP = "partnership", _("Partnership agreement")
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        FUNDING = "funding", _("Funding agreement")
        OTHER = "other", _("Other")

    class Stage(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        RENEWED = "renewed", _("Renewed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.MOU)
    title = models.CharField(_("title"), max_length=300)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage, default=Stage.DRAFT)
    parties = models.ManyToManyField(Organisation, related_name="agreements", verbose_name=_("parties"))
    # Set for display, never stored: the parties other than the organisation a page is about
    # (selectors.organisation_detail).
    other_parties: list[Organisation]
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_at = models.CharField(_("signed at"), max_length=200, blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    in_force_to = models.DateField(_("in force until"), null=True, blank=True)
    framework = models.CharField(_("framework"), max_length=200, blank=True, help_text=_("e.g. the ITU Global Cybersecurity Agenda"))
    countries = CountryField(
        _("countries served"), multiple=True, blank=True,
        help_text=_("The countries this agreement serves, e.g. support for national frameworks in several countries."),
    )
    objectives = models.TextField(_("objectives"), blank=True)
    source_url = models.URLField(_("source"), blank=True)
    date_is_approximate = models.BooleanField(
        _("date approximate"), default=False, help_text=_("The source gives only the period, not the exact day.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        ordering = ["-signed_on", "title"]
        constraints = [
            models.CheckConstraint(
                name="agreement_ends_after_it_starts",
                condition=models.Q(in_force_to__isnull=True)
                | models.Q(in_force_from__isnull=True)
                | models.Q(in_force_to__gte=models.F("in_force_from")),
            ),
            review_constraint("agreement"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.is_published and not self.awaiting_review

    def owner_organisation_ids(self) -> set[int]:
        return set(self.parties.values_list("pk", flat=True)) if self.pk else set()


def agreement_stage_from_dates(signed_on: date | None, in_force_from: date | None, in_force_to: date | None,
                               today: date) -> str:
    """Where an agreement stands by its dates alone: how one recorded without a stage starts (and
    how migration 0005 placed the agreements recorded before stages existed)."""
    if signed_on is None:
        return Agreement.Stage.DRAFT
    if in_force_to is not None and in_force_to < today:
        return Agreement.Stage.EXPIRED
    if in_force_from is not None and in_force_from > today:
        return Agreement.Stage.SIGNED
    return Agreement.Stage.ACTIVE


# An agreement's stages: the one table the service checks a change against.
AGREEMENT_LIFECYCLE = Lifecycle(
    name=_("agreement"),
    labels=dict(Agreement.Stage.choices),
    transitions={
        Agreement.Stage.DRAFT: {Agreement.Stage.SIGNED: _("Record the signature")},
        Agreement.Stage.SIGNED: {Agreement.Stage.ACTIVE: _("Put it in force")},
        Agreement.Stage.ACTIVE: {Agreement.Stage.EXPIRED: _("Mark it expired"),
                                 Agreement.Stage.RENEWED: _("Mark it renewed")},
    },
    irreversible=frozenset({Agreement.Stage.EXPIRED, Agreement.Stage.RENEWED}),
)


class Commitment(models.Model):
    """Something a party to an agreement undertook to do, followed up on a cadence."""

    class Cadence(models.TextChoices):
        ONCE = "once", _("Once")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")
        REGULAR = "regular", _("On a regular basis (unspecified)")

    class FollowUp(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        DONE = "done", _("Done")
        LAPSED = "lapsed", _("Lapsed")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    text = models.TextField(_("commitment"))
    responsible = models.ManyToManyField(Organisation, blank=True, related_name="commitments", verbose_name=_("responsible"))
    cadence = models.CharField(_("cadence"), max_length=20, choices=Cadence, default=Cadence.ONCE)
    follow_up_status = models.CharField(_("follow-up"), max_length=20, choices=FollowUp, default=FollowUp.NOT_STARTED)
    last_done_on = models.DateField(_("last done on"), null=True, blank=True)
    next_due_on = models.DateField(_("next due on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("commitment")
        ordering = ["agreement", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    # A commitment is seen and changed with its agreement.
    @property
    def is_public(self) -> bool:
        return self.agreement.is_public

    def owner_organisation_ids(self) -> set[int]:
        return self.agreement.owner_organisation_ids()
