"""Mailing lists, subscribers and their consent, bulletins, one delivery row per recipient."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from tutela.core.jobs import FileImportJob, LeasedJob
from tutela.core.translations import translations_field

LANGUAGES = [(code, name) for code, name in settings.LANGUAGES]


class MailingList(models.Model):
    """A list people subscribe to: a membership category, partners' focal points, the public."""

    class Kind(models.TextChoices):
        MEMBERSHIP = "membership", _("ITU membership category")
        FOCAL_POINTS = "focal_points", _("Partners' focal points")
        PUBLIC = "public", _("Public subscribers")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PUBLIC)
    description = models.TextField(_("description"), blank=True)
    public_signup = models.BooleanField(_("anyone may subscribe"), default=False,
                                        help_text=_("Shown on the public sign-up page (double opt-in)."))
    is_private = models.BooleanField(_("private archive"), default=False,
                                     help_text=_("Sent bulletins are not shown in the public archive."))
    consent_text = models.TextField(
        _("consent text"), default=_("I agree to receive bulletins from this list by e-mail. I can unsubscribe at any time "
                                     "with the link in every bulletin."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mailing list")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    """One e-mail address, its language and topics; suspended when its mail bounces."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended (bounces)")

    email = models.EmailField(_("e-mail address"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES, default="en")
    topics = models.JSONField(_("topics"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    soft_bounces = models.PositiveSmallIntegerField(default=0)
    # Changing it revokes every manage and unsubscribe link sent so far.
    key = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        ordering = ["email"]
        # One person per address whatever its case: two sign-ups as Ana@ and ana@ are one subscriber.
        constraints = [models.UniqueConstraint(Lower("email"), name="bulletins_subscriber_email_ci")]

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    """A subscriber on one list: pending until confirmed (double opt-in), active, or unsubscribed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="subscriptions")
    status = models.CharField(_("status"), max_length=15, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        constraints = [models.UniqueConstraint(fields=["subscriber", "mailing_list"], name="bulletins_one_subscription")]
        indexes = [models.Index(fields=["mailing_list", "status"])]

    def __str__(self) -> str:
        return f"{self.subscriber} · {self.mailing_list}"


class ConsentRecord(models.Model):
    """What a subscriber agreed to (or withdrew), when, how and from where. Append-only."""

    class Action(models.TextChoices):
        GIVEN = "given", _("Consent given")
        CONFIRMED = "confirmed", _("Confirmed by e-mail")
        WITHDRAWN = "withdrawn", _("Withdrawn (unsubscribed)")

    class Method(models.TextChoices):
        WEB_FORM = "web_form", _("Public sign-up form")
        CONFIRMATION = "confirmation", _("Confirmation link")
        IMPORT = "import", _("Imported file")
        API = "api", _("API")
        MANAGE = "manage", _("Subscription page")
        ONE_CLICK = "one_click", _("One-click unsubscribe")
        MAILTO = "mailto", _("Unsubscribe by e-mail")
        STAFF = "staff", _("Entered by the secretariat")

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="consents")
    action = models.CharField(max_length=10, choices=Action)
    method = models.CharField(max_length=15, choices=Method)
    text = models.TextField(_("text agreed to"), blank=True)
    source = models.CharField(_("from where"), max_length=300, blank=True,
                              help_text=_("Page and address, file name and line, or API token."))
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("consent record")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.subscription} · {self.action} · {self.at:%Y-%m-%d}"


class SubscriberImport(FileImportJob):
    """A subscriber file for a list, checked (dry run) or imported by the worker (``core.jobs.FileImportJob``)."""

    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(_("file"), upload_to="bulletins/imports/%Y/%m/")

    class Meta(FileImportJob.Meta):
        verbose_name = _("subscriber import")

    def __str__(self) -> str:
        return f"{self.mailing_list} · {self.original_name}"


class Bulletin(LeasedJob):
    """One issue of a list: Markdown in English (its translations in ``translations``), blocks drawn from the records."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        QUEUED = "queued", _("Queued for sending")
        RUNNING = "running", _("Sending")
        SENT = "sent", _("Sent")

    class Block(models.TextChoices):
        ACTIVITIES = "activities", _("Newly published activities")
        DOCUMENTS = "documents", _("New guideline versions")
        CONSULTATIONS = "consultations", _("Consultations opening or closing")
        FIGURES = "figures", _("New figures")

    TRANSLATED_FIELDS = ("subject", "body")  # core.translations; subscribers of a language without one get English

    mailing_list = models.ForeignKey(MailingList, on_delete=models.PROTECT, related_name="bulletins")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text (Markdown)"), blank=True)
    translations = translations_field()
    blocks = models.JSONField(_("blocks"), default=list, blank=True)
    blocks_since = models.DateField(_("records since"), null=True, blank=True)
    # Empty: everyone on the list. Otherwise subscribers who chose one of these topics, and those who chose none.
    topics = models.JSONField(_("topics"), default=list, blank=True)
    organisations = models.ManyToManyField("partners.Organisation", blank=True, related_name="+",
                                           verbose_name=_("sent by (co-branding)"))
    commitment = models.ForeignKey("partners.Commitment", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("commitment it fulfils"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    # What was sent, frozen when sending starts: {language: {"subject", "html", "text"}}.
    rendered = models.JSONField(default=dict, blank=True, editable=False)
    retry_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulletin")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_at"])]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One recipient of one bulletin: the row that makes sending idempotent."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField(max_length=254)
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=15, choices=Status, default=Status.QUEUED)
    message_id = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["bulletin", "subscriber"], name="bulletins_one_delivery")]
        indexes = [models.Index(fields=["bulletin", "status", "id"], condition=Q(status="queued"),
                                name="bulletins_delivery_queued")]

    def __str__(self) -> str:
        return f"{self.bulletin} → {self.email}"


class CommitmentDelivery(models.Model):
    """What fulfilled a commitment once: exactly one activity, bulletin or coordination document.

    It lives here, not in partners: partners sits below activities, coordination and bulletins, and a
    relation points down the layers only (docs/partners.md, "What fulfilled a commitment"). The
    commitment's cadence is compared with these rows by ``selectors.cadence_against_deliveries``.
    """

    commitment = models.ForeignKey("partners.Commitment", on_delete=models.CASCADE, related_name="deliveries",
                                   verbose_name=_("commitment"))
    activity = models.ForeignKey("activities.Activity", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("activity"))
    bulletin = models.ForeignKey(Bulletin, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("bulletin"))
    document = models.ForeignKey("coordination.Document", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("document"))
    delivered_on = models.DateField(_("delivered on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commitment delivery")
        ordering = ["commitment", "delivered_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="bulletins_delivery_exactly_one_record",
                condition=(models.Q(activity__isnull=False, bulletin__isnull=True, document__isnull=True)
                           | models.Q(activity__isnull=True, bulletin__isnull=False, document__isnull=True)
                           | models.Q(activity__isnull=True, bulletin__isnull=True, document__isnull=False))),
        ]
        indexes = [models.Index(fields=["commitment", "delivered_on"], name="bulletins_delivery_when_idx")]

    def __str__(self) -> str:
        return f"{self.commitment_id} @ {self.delivered_on}"

    @property
    def record(self) -> models.Model:
        return self.activity or self.bulletin or self.document  # type: ignore[return-value]  # one is set
