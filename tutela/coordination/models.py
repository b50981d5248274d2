"""Coordination groups: bodies, terms of reference, lifetimes, meetings, a document registry, liaisons.

Numbers (meeting ordinals and document numbers) are allocated by the services under a row
lock and protected by unique constraints, so two people registering at the same instant never
get the same number and a number is never reused.
"""

from datetime import date
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tutela.core.querysets import PublishableQuerySet

if TYPE_CHECKING:
    from django_countries.fields import Country

LIFETIME_WARNING_DAYS = 90


class BodyQuerySet(PublishableQuerySet):
    def owned_by(self, org_ids):
        return self.filter(pk__in=BodyMembership.objects.filter(organisation__in=list(org_ids)).values("body_id"))

    def expired(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(status=Body.Status.ACTIVE, ends_on__lt=today)


class Body(models.Model):
    """A coordination body: a sector, study group, advisory group, JCA, council working group…"""

    class Kind(models.TextChoices):
        SECTOR = "sector", _("Sector")
        STUDY_GROUP = "study_group", _("Study group")
        ADVISORY_GROUP = "advisory_group", _("Advisory group")
        JOINT_COORDINATION_ACTIVITY = "jca", _("Joint coordination activity")
        COUNCIL_WORKING_GROUP = "council_wg", _("Council working group")
        WORKING_PARTY = "working_party", _("Working party")
        EXTERNAL = "external", _("External body")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class NumberStyle(models.TextChoices):
        SEQUENCE = "sequence", _("Per body: prefix and sequence (JCA-COP DOC047)")
        MEETING = "meeting", _("Per meeting: prefix/meeting/sequence (WG-CP/6/8)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, unique=True, help_text=_("e.g. JCA-COP"))
    slug = models.SlugField(_("address"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent body")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    mandate = models.CharField(
        _("mandate"), max_length=300, blank=True, help_text=_("e.g. Council Resolution 1306 (2009)")
    )
    description = models.TextField(_("description"), blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    established_date_is_approximate = models.BooleanField(_("month only"), default=False)
    ends_on = models.DateField(
        _("lifetime ends on"), null=True, blank=True, help_text=_("Empty for a standing body. Changed by extensions.")
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(
        _("address for liaison statements"), blank=True,
        help_text=_("Liaison statements sent to this body are e-mailed here, with their documents attached."),
    )
    # Document numbering, configurable per body.
    number_style = models.CharField(_("numbering"), max_length=10, choices=NumberStyle, default=NumberStyle.SEQUENCE)
    number_prefix = models.CharField(_("number prefix"), max_length=40, help_text=_("e.g. “JCA-COP DOC” or “WG-CP”"))
    number_padding = models.PositiveSmallIntegerField(_("zero padding"), default=3, help_text=_("3 gives DOC047"))
    # Registries rarely start at the beginning: meetings and documents held before.
    meetings_before_registry = models.PositiveIntegerField(
        _("meetings held before the registry"), default=0,
        help_text=_("The first meeting recorded here gets the next ordinal."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["short_name"]
        constraints = [
            models.CheckConstraint(
                name="body_ends_after_it_is_established",
                condition=Q(ends_on__isnull=True) | Q(established_on__isnull=True) | Q(ends_on__gte=F("established_on")),
            ),
            models.CheckConstraint(name="body_padding_at_most_8", condition=Q(number_padding__lte=8)),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_public(self) -> bool:
        return self.is_published

    def owner_organisation_ids(self) -> set[int]:
        if not self.pk:
            return set()
        return set(self.memberships.filter(organisation__isnull=False).values_list("organisation_id", flat=True))

    def is_expired_on(self, day: date) -> bool:
        return self.status == self.Status.ACTIVE and self.ends_on is not None and self.ends_on < day

    @property
    def is_expired(self) -> bool:
        """Past its end date without an extension: shown as expired everywhere."""
        return self.is_expired_on(timezone.localdate())

    @property
    def ends_soon(self) -> bool:
        if self.ends_on is None or self.status != self.Status.ACTIVE:
            return False
        days = (self.ends_on - timezone.localdate()).days
        return 0 <= days <= LIFETIME_WARNING_DAYS

    @property
    def lifecycle(self) -> str:
        """One word for badges: active, expired, closed."""
        if self.status == self.Status.CLOSED:
            return "closed"
        return "expired" if self.is_expired else "active"

    def ancestors(self) -> list["Body"]:
        chain, seen, node = [], {self.pk}, self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))


class BodyMembership(models.Model):
    """An organisation or a named adult belonging to a body, with their role."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        REPRESENTATIVE = "representative", _("Representative of a group")
        OBSERVER = "observer", _("Observer")
        INVITED_EXPERT = "invited_expert", _("Invited expert")
        SECRETARIAT = "secretariat", _("Secretariat")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="body_memberships"
    )
    person = models.ForeignKey(
        "initiatives.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="body_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.MEMBER)
    represents = models.CharField(_("represents"), max_length=200, blank=True, help_text=_("e.g. ITU-T SG13"))
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        ordering = ["body", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                name="membership_is_organisation_or_person",
                condition=Q(organisation__isnull=False) | Q(person__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["body", "organisation", "person"], name="membership_unique",
            ),
        ]

    def __str__(self) -> str:
        who = self.person or self.organisation
        return f"{who} ({self.get_role_display()})"


class Meeting(models.Model):
    """A numbered meeting of a body: the 4th, the 5th. Ordinals are per body and gap-free."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    ordinal = models.PositiveIntegerField(_("number"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    is_remote = models.BooleanField(_("remote"), default=False)
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="coordination_meetings",
        verbose_name=_("activity"),
    )
    participant_count = models.PositiveIntegerField(_("participants (count)"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    report_document = models.ForeignKey(
        "Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("minutes / report")
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        ordering = ["body", "-ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["body", "ordinal"], name="meeting_ordinal_unique_per_body"),
            models.CheckConstraint(name="meeting_ordinal_positive", condition=Q(ordinal__gte=1)),
            models.CheckConstraint(name="meeting_ends_after_it_starts", condition=Q(ends_on__gte=F("starts_on"))),
        ]
        # ends_on: "upcoming meetings" (ends_on >= today) reads the few future ones, not all 50,000.
        indexes = [models.Index(fields=["starts_on"], name="meeting_starts_idx"),
                   models.Index(fields=["ends_on"], name="meeting_ends_idx")]

    def __str__(self) -> str:
        return f"{self.body.short_name} {ordinal_label(self.ordinal)}"

    @property
    def ordinal_label(self) -> str:
        return ordinal_label(self.ordinal)

    @property
    def is_public(self) -> bool:
        return self.body.is_published

    def owner_organisation_ids(self) -> set[int]:
        return self.body.owner_organisation_ids()

    @property
    def place(self) -> str:
        if self.is_remote and not self.city:
            return str(_("Remote"))
        parts = [p for p in (self.venue, self.city, cast("Country", self.country).name if self.country else "") if p]
        text = ", ".join(parts)
        remote = _("and remote")
        return f"{text} ({remote})" if self.is_remote and text else text


def ordinal_label(n: int) -> str:
    """A meeting's number as the active language writes it: English 4 -> '4th', 1 -> '1st', 12 -> '12th',
    22 -> '22nd'; every other language through its own pattern (French "7e", Chinese "第7次"…), never English's
    suffixes."""
    if (get_language() or "en").split("-")[0] != "en":
        return pgettext("a meeting's number, in any language but English", "no. %(n)d") % {"n": n}
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class AgendaItem(models.Model):
    """One item of a meeting's agenda."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    documents = models.ManyToManyField("coordination.Document", blank=True, related_name="agenda_items")

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Attendance(models.Model):
    """Who attended a meeting: an organisation, or a named adult who consented to be named."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("initiatives.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    represents = models.CharField(_("represents"), max_length=200, blank=True)
    remote = models.BooleanField(_("remote"), default=False)

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                name="attendance_is_organisation_or_person",
                condition=Q(organisation__isnull=False) | Q(person__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return str(self.person or self.organisation)


class Decision(models.Model):
    """A numbered decision or agreement of a meeting."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        AGREEMENT = "agreement", _("Agreement")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.AGREEMENT)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="decision_unique")]

    def __str__(self) -> str:
        return f"{self.meeting} / {self.number}"


class ActionItem(models.Model):
    """Something a meeting asked someone to do, by a date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("action"))
    owner_person = models.ForeignKey(
        "initiatives.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    owner_label = models.CharField(_("owner"), max_length=200, blank=True, help_text=_("e.g. “Co-chairs”, “TSB”"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="action_item_unique")]
        # (status, due_on, id): the dashboard's "pending actions" is read in this order and stops after 21 rows.
        indexes = [models.Index(fields=["status", "due_on", "id"], name="action_status_due_id_idx")]

    def __str__(self) -> str:
        return f"{self.meeting} A{self.number}"

    @property
    def owner(self) -> str:
        if self.owner_person:
            return str(self.owner_person.public_label())
        return self.owner_label


class DocumentCounter(models.Model):
    """The last number handed out in one numbering scope (a body, or a body's meeting).

    Locked with SELECT … FOR UPDATE while a number is allocated; never decremented, so a
    number is never reused, even when its document is withdrawn.
    """

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="counters")
    # 0 for a body-wide sequence; the meeting's ordinal for per-meeting numbering.
    scope = models.PositiveIntegerField(default=0)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["body", "scope"], name="document_counter_unique")]

    def __str__(self) -> str:
        return f"{self.body} #{self.scope}: {self.last_number}"


class DocumentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(access=Document.Access.PUBLIC, body__is_published=True)

    def owned_by(self, org_ids):
        return self.filter(body__in=BodyMembership.objects.filter(organisation__in=list(org_ids)).values("body_id"))


class Document(models.Model):
    """A registered document with its permanent number. Revisions keep the number."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Contribution")
        TEMPORARY = "td", _("Temporary document")
        REPORT = "report", _("Meeting report / minutes")
        AGENDA = "agenda", _("Agenda")
        TERMS_OF_REFERENCE = "tor", _("Terms of reference")
        LIAISON = "liaison", _("Liaison statement")
        PRESENTATION = "presentation", _("Presentation")
        OTHER = "other", _("Other")

    class Access(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")

    # No index of its own: (body, scope, sequence) and (body, -registered_at) both start with body.
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="documents", db_index=False)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    scope = models.PositiveIntegerField(default=0, editable=False)
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=80, help_text=_("As printed, e.g. JCA-COP DOC047"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.CONTRIBUTION)
    title = models.CharField(_("title"), max_length=400)
    source = models.CharField(_("source"), max_length=300, help_text=_("Who submitted it, e.g. “Co-chairs”, “TSB”"))
    document_date = models.DateField(_("date"))
    access = models.CharField(_("access"), max_length=10, choices=Access, default=Access.PUBLIC)
    is_withdrawn = models.BooleanField(_("withdrawn"), default=False)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)
    revision = models.PositiveSmallIntegerField(_("current revision"), default=0)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False,
    )
    registered_at = models.DateTimeField(default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        ordering = ["body", "-scope", "-sequence"]
        constraints = [
            # The safety net behind the counter lock: a number exists once per scope, and once per body as printed.
            models.UniqueConstraint(fields=["body", "scope", "sequence"], name="document_number_unique"),
            models.UniqueConstraint(fields=["body", "number"], name="document_printed_number_unique"),
            models.CheckConstraint(name="document_sequence_positive", condition=Q(sequence__gte=1)),
            models.CheckConstraint(
                name="document_withdrawn_has_date", condition=Q(is_withdrawn=False) | Q(withdrawn_on__isnull=False)
            ),
        ]
        indexes = [
            models.Index(fields=["-registered_at", "-id"], name="document_registered_idx"),
            models.Index(fields=["body", "-registered_at", "-id"], name="document_body_registered_idx"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.number} Rev.{self.revision}" if self.revision else self.number

    @property
    def is_public(self) -> bool:
        return self.access == self.Access.PUBLIC and self.body.is_published

    def owner_organisation_ids(self) -> set[int]:
        return self.body.owner_organisation_ids()


def _document_upload_to(instance: "DocumentFile", filename: str) -> str:
    import uuid

    # The stored name is random: the original name is kept in a field, never trusted as a path.
    return f"coordination/{instance.document.body_id}/{uuid.uuid4().hex}.{instance.file_type}"


class DocumentFile(models.Model):
    """One file of one revision of a document, checked by content (not by its name)."""

    class FileType(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        XLSX = "xlsx", "Excel (XLSX)"
        PPTX = "pptx", "PowerPoint (PPTX)"
        ODT = "odt", "OpenDocument text (ODT)"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    file = models.FileField(upload_to=_document_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("type"), max_length=5, choices=FileType)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document", "-revision", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def content_type(self) -> str:
        return FILE_CONTENT_TYPES[self.file_type]


FILE_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
}


class DocumentRevision(models.Model):
    """The history of a document's revisions (Rev.1, Rev.2…), each under the same number."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveSmallIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=400)
    document_date = models.DateField(_("date"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document", "revision"]
        constraints = [models.UniqueConstraint(fields=["document", "revision"], name="document_revision_unique")]

    def __str__(self) -> str:
        return f"{self.document.number} Rev.{self.revision}" if self.revision else self.document.number


class TermsOfReference(models.Model):
    """A version of a body's terms of reference: a registered document, approved by someone on a date."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="terms_of_reference")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by (body)")
    )
    approved_by_label = models.CharField(_("approved by"), max_length=200, blank=True, help_text=_("e.g. “JCA-COP participants”"))
    approved_on = models.DateField(_("approved on"))
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("terms of reference")
        verbose_name_plural = _("terms of reference")
        ordering = ["body", "-approved_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.body} ToR ({self.document})"

    @property
    def approver(self) -> str:
        return self.approved_by.short_name if self.approved_by else self.approved_by_label


class LifetimeExtension(models.Model):
    """A decision to extend a body's lifetime: when, where, by whom, to which date, why."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="extensions")
    decided_on = models.DateField(_("decided on"))
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided at")
    )
    decided_by = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by (body)")
    )
    previous_end = models.DateField(_("previous end"), null=True, blank=True)
    new_end = models.DateField(_("new end"))
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lifetime extension")
        ordering = ["body", "decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.body} → {self.new_end}"


class LiaisonQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(status=LiaisonStatement.Status.DRAFT).filter(from_body__is_published=True)

    def owned_by(self, org_ids):
        bodies = BodyMembership.objects.filter(organisation__in=list(org_ids)).values("body_id")
        return self.filter(Q(from_body__in=bodies) | Q(recipients__body__in=bodies))


class LiaisonStatement(models.Model):
    """A liaison statement from one body (and meeting) to one or more bodies."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        AWAITING_REPLY = "awaiting_reply", _("Awaiting reply")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(_("reference"), max_length=80, blank=True, help_text=_("e.g. SG17-LS45"))
    from_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="liaisons_sent", verbose_name=_("from"))
    from_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="liaisons", verbose_name=_("agreed at meeting")
    )
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"), blank=True)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies", verbose_name=_("reply to")
    )
    contact_person = models.ForeignKey(
        "initiatives.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("contact")
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    approval = models.CharField(_("approval"), max_length=200, blank=True, help_text=_("e.g. “SG17 plenary”"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    attachments = models.ManyToManyField(Document, blank=True, related_name="liaisons", verbose_name=_("attachments"))
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = LiaisonQuerySet.as_manager()

    class Meta:
        verbose_name = _("liaison statement")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status"], name="liaison_status_idx")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT and self.from_body.is_published

    def owner_organisation_ids(self) -> set[int]:
        ids = self.from_body.owner_organisation_ids()
        if self.pk:
            for recipient in self.recipients.select_related("body"):
                ids |= recipient.body.owner_organisation_ids()
        return ids

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.SENT, self.Status.AWAITING_REPLY}


class LiaisonRecipient(models.Model):
    """One recipient of a liaison statement, with its own purpose and (for action) deadline."""

    class Delivery(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RETRYING = "retrying", _("Failed, will try again")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Purpose(models.TextChoices):
        ACTION = "action", _("For action")
        COMMENT = "comment", _("For comment")
        INFORMATION = "information", _("For information")

    liaison = models.ForeignKey(LiaisonStatement, on_delete=models.CASCADE, related_name="recipients")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="liaisons_received")
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    reminder_sent_on = models.DateField(_("reminder sent on"), null=True, blank=True)
    # The e-mail to the body's address, sent by the worker (``services.liaison_delivery_send``).
    delivery_status = models.CharField(_("delivery"), max_length=10, choices=Delivery, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    delivery_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_to = models.EmailField(_("sent to"), blank=True)
    delivery_queued_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        ordering = ["liaison", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["liaison", "body"], name="liaison_recipient_unique"),
            models.CheckConstraint(
                name="liaison_action_has_deadline", condition=~Q(purpose="action") | Q(deadline__isnull=False)
            ),
        ]
        indexes = [
            models.Index(fields=["purpose", "deadline"], name="liaison_recipient_deadline_idx"),
            # The dashboards' "awaiting reply" and "we owe a reply" lists: soonest deadline first, across many bodies.
            models.Index(fields=["deadline", "id"], name="liaison_reply_due_idx",
                         condition=Q(purpose__in=["action", "comment"])),
            # The worker's sweep: deliveries waiting for their next attempt.
            models.Index(fields=["next_attempt_at"], name="liaison_delivery_retry_idx",
                         condition=Q(delivery_status="retrying")),
        ]

    def __str__(self) -> str:
        return f"{self.body} ({self.get_purpose_display()})"

    def days_to_deadline(self, today: date | None = None) -> int | None:
        if self.deadline is None:
            return None
        return (self.deadline - (today or timezone.localdate())).days
