"""Guideline documents with structured versions, consultations on a version, comments,
moderation, near-duplicate groups, dispositions and the published report.

Stable identity: an ``Anchor`` is a paragraph (or section heading) *as an idea* across the
versions of one document; a ``Paragraph`` is its text in one version. Editing, moving or
renumbering keeps the anchor; a new paragraph gets a new anchor; a deleted one simply has
no ``Paragraph`` in the later version.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from tutela.core.jobs import LeasedJob
from tutela.core.lifecycle import Lifecycle
from tutela.core.querysets import PublishableQuerySet
from tutela.core.translations import translations_field

if TYPE_CHECKING:
    from django.forms import BaseForm


class Audience(models.TextChoices):
    CHILDREN = "children", _("Children")
    PARENTS_EDUCATORS = "parents_educators", _("Parents, guardians and educators")
    INDUSTRY = "industry", _("Industry")
    POLICY_MAKERS = "policy_makers", _("Policy makers")


class GuidelineDocument(models.Model):
    """One edition of a guideline set (e.g. the 2014 Guidelines for Industry), with its versions."""

    TRANSLATED_FIELDS = ("title", "summary")  # core.translations

    title = models.CharField(_("title"), max_length=300)
    audience = models.CharField(_("audience"), max_length=30, choices=Audience)
    edition = models.CharField(_("edition"), max_length=40, help_text=_("e.g. 2014"))
    summary = models.TextField(_("summary"), blank=True)
    translations = translations_field()
    owner_organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="guideline_documents", verbose_name=_("lead organisation"),
    )
    deliverable = models.ForeignKey(
        "initiatives.Deliverable", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="guideline_documents", verbose_name=_("deliverable"),
    )
    is_published = models.BooleanField(_("published"), default=True)
    # Set when the document is withdrawn (DOCUMENT_LIFECYCLE): it stays readable, marked as withdrawn,
    # and no new consultation opens on it.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        verbose_name = _("guideline document")
        ordering = ["-edition", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.edition})"

    @property
    def is_public(self) -> bool:
        return self.is_published

    def owner_organisation_ids(self) -> set[int]:
        return {self.owner_organisation_id} if self.owner_organisation_id else set()

    @property
    def state(self) -> str:
        """Where it stands in DOCUMENT_LIFECYCLE, read from its fields: draft, published or withdrawn."""
        if self.withdrawn_at is not None:
            return "withdrawn"
        return "published" if self.is_published else "draft"


# A guideline document: a draft (not public) is published, and a published one may be withdrawn
# (it stays readable, marked so; no consultation opens on it again). Withdrawing cannot be undone.
DOCUMENT_LIFECYCLE = Lifecycle(
    name=_("guideline document"),
    labels={"draft": _("Draft (not public)"), "published": _("Published"), "withdrawn": _("Withdrawn")},
    transitions={"draft": {"published": _("Publish")}, "published": {"withdrawn": _("Withdraw")}},
    irreversible=frozenset({"withdrawn"}),
    field_name="state",
)


class VersionQuerySet(PublishableQuerySet):
    owner_lookup = "document__owner_organisation_id__in"

    def public(self):
        return self.filter(is_published=True, document__is_published=True)


class GuidelineVersion(models.Model):
    """One version of a document (draft 1, draft 2, final): a structured text."""

    class Stage(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("a version of a document, as against the final one", "Draft")
        FINAL = "final", _("Final")

    document = models.ForeignKey(GuidelineDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=100, help_text=_("e.g. Draft 1, Final"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage, default=Stage.DRAFT)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("based on")
    )
    change_log = models.TextField(_("change log"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("guideline version")
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="version_number_unique")]

    def __str__(self) -> str:
        return f"{self.document.title}: {self.label}"

    @property
    def is_public(self) -> bool:
        return self.is_published and self.document.is_published

    def owner_organisation_ids(self) -> set[int]:
        return self.document.owner_organisation_ids()

    @property
    def state(self) -> str:
        """Where it stands in VERSION_LIFECYCLE: unpublished, published (a public draft) or final (published)."""
        if not self.is_published:
            return "unpublished"
        return "final" if self.stage == self.Stage.FINAL else "published"


# A guideline version: an unpublished text is published as a draft for comment or as the final text;
# a published draft may be adopted as final. A published version stays public (people have read and
# commented on it), and a final one is the adopted text: adopting cannot be undone.
VERSION_LIFECYCLE = Lifecycle(
    name=_("guideline version"),
    labels={"unpublished": _("Not published"), "published": _("Published draft"), "final": _("Final")},
    transitions={
        "unpublished": {"published": _("Publish as a draft"), "final": _("Publish as the final text")},
        "published": {"final": _("Adopt as the final text")},
    },
    irreversible=frozenset({"final"}),
    field_name="state",
)


class GuidelineImport(LeasedJob):
    """A new version of a document (a Word file or Markdown text), read and imported by the worker,
    never in a web request. Leased while it runs (``tutela.core.jobs``): a dead worker's import is
    resumed or failed with the reason, and the version and the job's outcome commit together."""

    class Format(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        DOCX = "docx", "Word (DOCX)"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed (nothing saved)")

    document = models.ForeignKey(GuidelineDocument, on_delete=models.CASCADE, related_name="imports")
    label = models.CharField(_("version label"), max_length=100)
    stage = models.CharField(_("stage"), max_length=10, choices=GuidelineVersion.Stage,
                             default=GuidelineVersion.Stage.DRAFT)
    source_format = models.CharField(_("format"), max_length=10, choices=Format)
    file = models.FileField(_("file"), upload_to="consultations/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    version = models.ForeignKey(GuidelineVersion, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("imported version"))
    error = models.TextField(_("why it failed"), blank=True)
    worker_died = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("guideline import")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document} · {self.label}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.IMPORTED, self.Status.FAILED}


class Anchor(models.Model):
    """The identity of a paragraph or section across the versions of one document."""

    document = models.ForeignKey(GuidelineDocument, on_delete=models.CASCADE, related_name="anchors")
    key = models.CharField(_("key"), max_length=12)
    introduced_in = models.ForeignKey(GuidelineVersion, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="anchor_key_unique")]

    def __str__(self) -> str:
        return self.key


class Paragraph(models.Model):
    """A section heading or a paragraph of text, as it stands in one version."""

    class Kind(models.TextChoices):
        SECTION = "section", _("Section")
        PARAGRAPH = "paragraph", _("Paragraph")

    version = models.ForeignKey(GuidelineVersion, on_delete=models.CASCADE, related_name="paragraphs")
    anchor = models.ForeignKey(Anchor, on_delete=models.PROTECT, related_name="paragraphs")
    kind = models.CharField(max_length=10, choices=Kind)
    level = models.PositiveSmallIntegerField(default=1, help_text=_("Heading level for sections; 0 for paragraphs."))
    position = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=40)
    section = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
        help_text=_("The section this paragraph or sub-section belongs to."),
    )
    text = models.TextField(_("text"))
    translations = translations_field()  # the text in the other languages, written by version_translate

    TRANSLATED_FIELDS = ("text",)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="paragraph_position_unique"),
            models.UniqueConstraint(fields=["version", "anchor"], name="paragraph_anchor_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:60]}"

    @property
    def label(self) -> str:
        return str(_("§ %(n)s") if self.kind == self.Kind.SECTION else _("¶ %(n)s")) % {"n": self.number}


class ConsultationQuerySet(PublishableQuerySet):
    pass


class Consultation(models.Model):
    """A public consultation on one version of a guideline document."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        REPORT_PUBLISHED = "report_published", _("Report published")

    TRANSLATED_FIELDS = ("title", "summary")  # core.translations

    title = models.CharField(_("title"), max_length=300)
    code = models.CharField(
        _("code"), max_length=8, unique=True, help_text=_("Short prefix of receipt numbers, e.g. IG14 (letters and digits).")
    )
    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="consultations")
    summary = models.TextField(_("summary"), blank=True)
    translations = translations_field()
    languages = models.JSONField(
        _("languages"), default=list, blank=True,
        help_text=_("The languages besides English the consultation is held in: its text is offered, and comments "
                    "taken, in each."))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    time_zone = models.CharField(
        _("time zone of the window"), max_length=64, default="UTC", help_text=_("e.g. Europe/Zurich")
    )
    online_form = models.BooleanField(_("online comment form"), default=True)
    in_person_sessions = models.ManyToManyField(
        "activities.Activity", blank=True, related_name="consultations", verbose_name=_("in-person sessions")
    )
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("the consultation as an activity"),
    )
    allow_public = models.BooleanField(
        _("the public may comment"), default=True,
        help_text=_("People without an account may comment after confirming an e-mail address."),
    )
    max_attachment_bytes = models.PositiveIntegerField(default=5 * 1024 * 1024)
    owner_organisation = models.ForeignKey(
        "partners.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="consultations", verbose_name=_("lead organisation"),
    )
    is_published = models.BooleanField(_("published"), default=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(name="consultation_closes_after_it_opens", condition=Q(closes_at__gt=F("opens_at")))
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.is_published

    def owner_organisation_ids(self) -> set[int]:
        ids = {self.owner_organisation_id} if self.owner_organisation_id else set()
        return ids | self.version.document.owner_organisation_ids()

    def status_at(self, when=None) -> str:
        when = when or timezone.now()
        if hasattr(self, "report") and self.report.published_at:
            return self.Status.REPORT_PUBLISHED
        if when < self.opens_at:
            return self.Status.SCHEDULED
        if when < self.closes_at:
            return self.Status.OPEN
        return self.Status.CLOSED

    @property
    def status(self) -> str:
        return self.status_at()

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    def is_open(self, when=None) -> bool:
        return self.status_at(when) == self.Status.OPEN


# A consultation's lifecycle, read from its window and report: scheduled (a draft not yet open) →
# open → closed → report published. The one table the services check a move against.
CONSULTATION_LIFECYCLE = Lifecycle(
    name=_("consultation"),
    labels=dict(Consultation.Status.choices),
    transitions={
        Consultation.Status.SCHEDULED: {Consultation.Status.OPEN: _("Open it now")},
        Consultation.Status.OPEN: {Consultation.Status.CLOSED: _("Close it now")},
        Consultation.Status.CLOSED: {Consultation.Status.REPORT_PUBLISHED: _("Publish the report")},
    },
    irreversible=frozenset({Consultation.Status.CLOSED, Consultation.Status.REPORT_PUBLISHED}),
    field_name="status",
)


class Question(models.Model):
    """A numbered question of the consultation's optional questionnaire."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Free text")
        CHOICE = "choice", _("One choice")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.TEXT)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="question_number_unique")]

    def __str__(self) -> str:
        return f"Q{self.number}. {self.text[:60]}"


class StakeholderType(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    INDUSTRY = "industry", _("Industry")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")
    INTERNATIONAL = "international", _("International organisation")
    INDIVIDUAL = "individual", _("Individual")
    # A type, never an identity: the organisation speaks, the child is not recorded.
    CHILD_VIA_ORGANISATION = "child_via_org", _("Child or young person, via an organisation")


class IndustrySector(models.TextChoices):
    MOBILE = "mobile", _("Mobile operators")
    ISP = "isp", _("Internet service providers")
    CONTENT = "content", _("Content providers, online retailers and app developers")
    UGC = "ugc", _("User-generated content, interactive and social media services")
    BROADCAST = "broadcast", _("National and public service broadcasters")
    HARDWARE = "hardware", _("Hardware manufacturers, operating system developers and app stores")
    OTHER = "other", _("Other industry")


class Respondent(models.Model):
    """Who answers a consultation: a signed-in account or a confirmed e-mail address.

    No field can hold a child's identity: a child or young person takes part only through an
    organisation, recorded as a stakeholder type.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="consultation_respondents"
    )
    email = models.EmailField(_("e-mail (never published)"), blank=True)
    confirmation_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    stakeholder_type = models.CharField(_("stakeholder type"), max_length=20, choices=StakeholderType, blank=True)
    industry_sector = models.CharField(_("industry sector"), max_length=20, choices=IndustrySector, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    consent_to_list = models.BooleanField(_("may be listed as a contributor"), default=False)
    wants_outcome = models.BooleanField(_("wants to hear about the outcome"), default=False)
    is_illustrative = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"], condition=Q(user__isnull=False), name="respondent_user_once"
            ),
            models.UniqueConstraint(
                fields=["consultation", "email"], condition=Q(user__isnull=True) & ~Q(email=""),
                name="respondent_email_once",
            ),
        ]

    def __str__(self) -> str:
        return self.public_label

    @property
    def public_label(self) -> str:
        kind = StakeholderType(self.stakeholder_type).label if self.stakeholder_type else str(_("Respondent"))
        if self.is_anonymous or not self.organisation_name:
            return str(kind)
        return f"{self.organisation_name} ({kind})"

    @property
    def is_confirmed(self) -> bool:
        return self.user_id is not None or self.confirmed_at is not None


class Answer(models.Model):
    """A respondent's answer to a questionnaire question."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)
    choice = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["respondent", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"Q{self.question.number}: {(self.choice or self.text)[:60]}"


class CommentGroup(models.Model):
    """Comments whose text is the same or nearly so (a form-letter campaign), decided at once."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comment_groups")
    representative = models.ForeignKey("Comment", on_delete=models.CASCADE, related_name="+")
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Set for display, never stored: its pending comments (selectors), its decision form (views).
    pending: int
    form: "BaseForm"

    class Meta:
        ordering = ["-size", "id"]

    def __str__(self) -> str:
        return f"group {self.pk} ({self.size})"


class Disposition(models.Model):
    """The decision on one comment or a group of them, with the rationale and where it led."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        ACCEPTED_MODIFIED = "accepted_modified", _("Accepted with modification")
        NOTED = "noted", _("Noted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        OUT_OF_SCOPE = "out_of_scope", _("Out of scope")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="dispositions")
    decision = models.CharField(_("decision"), max_length=20, choices=Decision)
    rationale = models.TextField(_("rationale"))
    resulting_paragraphs = models.ManyToManyField(
        Paragraph, blank=True, related_name="dispositions", verbose_name=_("paragraphs of the next version")
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    is_illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["consultation", "id"]

    def __str__(self) -> str:
        return self.get_decision_display()


class CommentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Comment.Status.PUBLISHED, consultation__is_published=True)

    def owned_by(self, org_ids):
        ids = list(org_ids)
        return self.filter(
            Q(consultation__owner_organisation_id__in=ids)
            | Q(consultation__version__document__owner_organisation_id__in=ids)
        )


class Comment(models.Model):
    """One comment on a paragraph, a passage of it, a section or the whole document."""

    class Target(models.TextChoices):
        DOCUMENT = "document", _("Whole document")
        SECTION = "section", _("Section")
        PARAGRAPH = "paragraph", _("Paragraph")
        PASSAGE = "passage", _("Passage of a paragraph")

    class Type(models.TextChoices):
        GENERAL = "general", _("General")
        TECHNICAL = "technical", _("Technical")
        EDITORIAL = "editorial", _("Editorial")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")
        SPAM = "spam", _("Spam")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online form")
        API = "api", _("API")
        IN_PERSON = "in_person", _("In-person session")

    # Each index costs every intake (grouping writes CommentGroupMember rows, never comments): the
    # foreign keys below are served by the composite indexes in Meta (their leading column), so they
    # get no index of their own.
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments", db_index=False)
    respondent = models.ForeignKey(Respondent, on_delete=models.PROTECT, related_name="comments", db_index=False)
    target = models.CharField(_("on"), max_length=10, choices=Target, default=Target.PARAGRAPH)
    paragraph = models.ForeignKey(
        Paragraph, null=True, blank=True, on_delete=models.PROTECT, related_name="comments", verbose_name=_("paragraph"),
        db_index=False,
    )
    quote = models.TextField(_("passage"), blank=True)
    comment_type = models.CharField(_("type"), max_length=10, choices=Type, default=Type.GENERAL)
    text = models.TextField(_("comment"))
    proposed_change = models.TextField(_("proposed change"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en",
                                help_text=_("The language the commenter read the text in and wrote."))
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.ONLINE)
    session = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("For comments made at an in-person session."),
    )
    receipt = models.CharField(_("receipt number"), max_length=24)  # unique: see Meta (no extra LIKE index)
    submission_key = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    moderation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    text_hash = models.CharField(max_length=32)  # indexed with the consultation in Meta
    signature = models.BinaryField(editable=False)
    disposition = models.ForeignKey(
        Disposition, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    is_illustrative = models.BooleanField(default=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["respondent", "submission_key"], name="comment_submitted_once"),
            models.UniqueConstraint(fields=["receipt"], name="comment_receipt_unique"),
            models.CheckConstraint(
                name="comment_target_has_paragraph",
                condition=Q(target="document", paragraph__isnull=True) | (~Q(target="document") & Q(paragraph__isnull=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["paragraph", "status", "id"], name="comment_paragraph_status_idx"),
            models.Index(fields=["consultation", "status", "id"], name="comment_queue_idx"),
            models.Index(fields=["consultation", "text_hash"], name="comment_hash_idx"),
        ]

    def __str__(self) -> str:
        return self.receipt

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.consultation.is_published

    def owner_organisation_ids(self) -> set[int]:
        return self.consultation.owner_organisation_ids()


class CommentGroupMember(models.Model):
    """A comment's near-duplicate group: a narrow row beside the wide comment row, so that grouping
    a million comments inserts (comment, group) pairs instead of rewriting the comments (and every
    index on them); a comment is in at most one group.

    Both columns are ordinary foreign keys (on PostgreSQL Django makes them DEFERRABLE INITIALLY
    DEFERRED, so a grouping run's COPY is checked at commit), as every other table has."""

    comment = models.OneToOneField(Comment, primary_key=True, on_delete=models.CASCADE, related_name="group_member")
    group = models.ForeignKey(CommentGroup, on_delete=models.CASCADE, related_name="members")

    def __str__(self) -> str:
        return f"{self.comment_id} in group {self.group_id}"


class CommentAttachment(models.Model):
    """A PDF, DOCX or ODT file sent with a comment (content sniffed, size-limited)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="consultations/attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


class ModerationAction(models.Model):
    """The moderation log: who published, hid or marked a comment as spam, and why."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="moderation_log")
    action = models.CharField(max_length=10, choices=Comment.Status)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.comment_id}"


class ConsultationReport(models.Model):
    """The consultation's published outcome: a summary and the synopsis frozen at publication."""

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="report")
    summary = models.TextField(_("summary of the outcome"))
    synopsis = models.JSONField(default=dict)
    final_version = models.ForeignKey(
        GuidelineVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("resulting version"),
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Report on {self.consultation}"
