"""Progress reports drafted from the records, edited by people, and frozen at sign-off."""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tutela.core.lifecycle import Lifecycle

# Placeholders are filled from the records; a [bracketed clause] is left out when one of its
# placeholders has no value (e.g. no patron appointed yet).
DEFAULT_OPENING = (
    "[In line with {mandate}, ]{lead} has entered into a {phase_lower} of concrete activities under the "
    "{initiative}, launched by the {launcher}[ in {launched_month}][ together with a new COP patron, {patron}]. "
    "Through this Initiative, high-level deliverables are designed, based on the {pillar_count} GCA/COP strategic "
    "pillars, to be achieved by {lead} in collaboration with COP partners."
)


class Encoded(list):
    """A paragraph's sentences (or bullets) with the JSON text to store, made once by drafting with its content hash.

    ``ParagraphJSONEncoder`` writes that text as it is instead of encoding the list a second time."""

    def __init__(self, items: list, text: str):
        super().__init__(items)
        self.json = text


_sorted_json = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
_FLAT = (str, int, float, bool, type(None))
_UNSET = object()


def pack(items: list) -> tuple[str, str]:
    """A paragraph's sentences (or bullets) as JSON: ``(plain, stored)``.

    ``plain`` is ``json.dumps(items, sort_keys=True, ensure_ascii=False)``, the text the content hash has read
    since the first drafts. ``stored`` is what the column holds: each distinct list of sources once, each
    sentence its text and the position of its list, ``{"items": [[text, k], …], "sources": [[{…}], …]}``
    (most sentences of a paragraph cite the same records: written out in full, the sources were three
    quarters of the text). Items of another shape than ``{"text": str, "sources": [flat dicts]}`` are stored
    as they are, plain. ``ParagraphJSONDecoder`` gives back the plain list either way."""
    if not items:
        return "[]", "[]"
    encoded_lists: dict[tuple[int, ...], str] = {}  # the sources lists of this paragraph, by identity
    position: dict[str, int] = {}
    distinct: list[str] = []
    plain: list[str] = []
    packed: list[str] = []
    last: Any = _UNSET  # the previous item's sources list (drafting shares one list between sentences)
    for item in items:
        if type(item) is not dict or len(item) != 2:
            return _plain(items)
        text, sources = item.get("text"), item.get("sources")
        if type(text) is not str:
            return _plain(items)
        if sources is not last:
            if type(sources) is not list:
                return _plain(items)
            ids = tuple(map(id, sources))
            listed = encoded_lists.get(ids)
            if listed is None:
                if not all(type(s) is dict and all(isinstance(v, _FLAT) for v in s.values()) for s in sources):
                    return _plain(items)
                listed = encoded_lists[ids] = _sorted_json(sources)
            k = position.get(listed)
            if k is None:
                k = position[listed] = len(distinct)
                distinct.append(listed)
            last, head, tail = sources, f'{{"sources": {listed}, "text": ', f", {k}]"
        quoted = _sorted_json(text)
        plain.append(head + quoted + "}")
        packed.append("[" + quoted + tail)
    return f"[{', '.join(plain)}]", f'{{"items": [{", ".join(packed)}], "sources": [{", ".join(distinct)}]}}'


def _plain(items: list) -> tuple[str, str]:
    text = _sorted_json(items)
    return text, text


def unpack(value: Any) -> Any:
    """The plain list of a stored value (``pack``): every sentence with its own copy of its sources."""
    if type(value) is dict and "items" in value and "sources" in value:
        sources = value["sources"]
        return [{"text": text, "sources": [dict(s) for s in sources[k]]} for text, k in value["items"]]
    return value


class ParagraphJSONEncoder(json.JSONEncoder):
    """The encoder of the paragraphs' JSON columns: a list of sentences is stored packed (``pack``); an
    ``Encoded`` list is written as the text it carries (drafting packed it already)."""

    def encode(self, o: Any) -> str:
        if isinstance(o, Encoded):
            return o.json
        if type(o) is list:
            return pack(o)[1]
        return super().encode(o)


class ParagraphJSONDecoder(json.JSONDecoder):
    """The decoder of the paragraphs' JSON columns: every reader gets ``[{"text", "sources"}, …]`` (``unpack``)."""

    def decode(self, s: str, *args: Any, **kwargs: Any) -> Any:
        return unpack(super().decode(s, *args, **kwargs))


class DraftStatus(models.TextChoices):
    """Where a draft made by the worker is ("" when the report was drafted in the request, or never)."""

    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being drafted")
    DONE = "done", _("Drafted")
    FAILED = "failed", _("Failed")


class ReportQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Report.Status.FINAL)

    def owned_by(self, org_ids):
        return self.none()


class Report(models.Model):
    """A progress report: what it covers, to whom it is presented, and its paragraphs."""

    class Structure(models.TextChoices):
        CHRONOLOGICAL = "chronological", _("Chronological")
        BY_PILLAR = "by_pillar", _("Grouped by pillar")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final (signed off)")

    class Include(models.TextChoices):
        ACTIVITIES = "activities", _("Activities")
        AGREEMENTS = "agreements", _("Agreements and partnerships")
        PROJECTS = "projects", _("Planned projects")
        COORDINATION = "coordination", _("Coordination meetings, documents and liaisons")
        CONSULTATIONS = "consultations", _("Consultations")
        OUTREACH = "outreach", _("Campaigns and training programmes")

    title = models.CharField(_("title"), max_length=300)
    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.PROTECT, related_name="reports")
    presented_to = models.CharField(_("presented to"), max_length=200, blank=True,
                                    help_text=_("e.g. Council Working Group on Child Online Protection (CWG-COP)"))
    meeting = models.CharField(_("meeting"), max_length=200, blank=True, help_text=_("e.g. 8th meeting"))
    meeting_place = models.CharField(_("meeting place"), max_length=200, blank=True)
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    document_date = models.DateField(_("date of the document"), null=True, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True, help_text=_("e.g. ITU Secretariat"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    include_ongoing = models.BooleanField(
        _("include still-relevant earlier items"), default=True,
        help_text=_("Also report activities that began before the period but were still running in it, and undated agreements."),
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    structure = models.CharField(_("structure"), max_length=20, choices=Structure, default=Structure.CHRONOLOGICAL)
    includes = models.JSONField(_("include"), default=list, blank=True)
    opening_template = models.TextField(_("opening paragraph"), default=DEFAULT_OPENING, blank=True)
    # The drafted groups of records (paragraph keys) whose paragraph an editor deleted: a redraft never brings them back.
    deleted_keys = models.JSONField(default=list, blank=True)
    # The editor's choices in the period preview, per record: {"activity:12": "in", "agreement:3": "out"}.
    # Every draft and redraft honours them over what the period proposes.
    selection = models.JSONField(_("chosen records"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    drafted_at = models.DateTimeField(_("last drafted"), null=True, blank=True)
    draft_progress = models.PositiveSmallIntegerField(default=0)
    # A draft made by the worker (a large period): its state, the task that runs it, and why it failed.
    draft_status = models.CharField(_("drafting"), max_length=10, choices=DraftStatus, blank=True)
    draft_task_id = models.CharField(max_length=64, blank=True)
    draft_error = models.TextField(_("why drafting failed"), blank=True)
    finalised_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("signed off by"))
    snapshot = models.JSONField(_("frozen text"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(name="report_period_ordered", condition=Q(period_end__gte=F("period_start")),
                                   violation_error_message=_("The period must end on or after the day it starts.")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reports:report_detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    @property
    def is_public(self) -> bool:
        """Signed-off reports are public documents; drafts are the secretariat's."""
        return self.is_final

    def owner_organisation_ids(self) -> set[int]:
        return set()

    def chosen(self, kind: str) -> tuple[set[int], set[int]]:
        """The ids of records of ``kind`` ("activity", "agreement") the editor included, and excluded."""
        ins: set[int] = set()
        outs: set[int] = set()
        for key, choice in (self.selection or {}).items():
            prefix, _sep, pk = key.partition(":")
            if prefix == kind and pk.isdigit():
                (ins if choice == "in" else outs).add(int(pk))
        return ins, outs

    def included(self, kind: str) -> bool:
        return not self.includes or kind in self.includes


# A report's lifecycle: a draft is signed off, which freezes its text and stores its files once. There is no
# way back: a signed-off report is a published document (define a new report to start another draft).
REPORT_LIFECYCLE = Lifecycle(
    name=_("report"),
    labels=dict(Report.Status.choices),
    transitions={Report.Status.DRAFT: {Report.Status.FINAL: _("Sign off")}},
    irreversible=frozenset({Report.Status.FINAL}),
    field_name="status",
)


class ReportParagraph(models.Model):
    """One numbered paragraph. Generated from records, or written by an editor; its sources stay linked."""

    class Origin(models.TextChoices):
        GENERATED = "generated", _("Generated")
        FREE = "free", _("Written by an editor")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="paragraphs")
    order = models.PositiveIntegerField()
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.GENERATED)
    # Which drafted groups of records make this paragraph (stable across drafts, so a redraft finds its
    # paragraph; a merged paragraph carries several, the halves of a split one share theirs).
    keys = models.JSONField(default=list, blank=True)
    section = models.CharField(max_length=100, blank=True)
    # Generated text as sentences, each with the records it came from, as every reader gets it:
    # [{"text": "...", "sources": [{"model": "activities.activity", "id": 3, "label": "..."}]}]
    # (stored packed, each distinct list of sources once: ``pack``/``unpack``).
    sentences = models.JSONField(default=list, encoder=ParagraphJSONEncoder, decoder=ParagraphJSONDecoder)
    bullets = models.JSONField(default=list, encoder=ParagraphJSONEncoder, decoder=ParagraphJSONDecoder)
    generated_hash = models.CharField(max_length=64, blank=True)
    # An editor's version; when set it is what the report shows.
    edited_text = models.TextField(blank=True)
    is_edited = models.BooleanField(default=False)
    # A redraft found different generated text for an edited paragraph: kept here, never applied silently.
    pending_sentences = models.JSONField(null=True, blank=True, encoder=ParagraphJSONEncoder,
                                         decoder=ParagraphJSONDecoder)
    pending_bullets = models.JSONField(null=True, blank=True, encoder=ParagraphJSONEncoder,
                                         decoder=ParagraphJSONDecoder)
    is_stale = models.BooleanField(default=False, help_text=_("Its records are no longer in the period."))
    # The paragraph in other languages (issue 18 item 4), as records keep theirs (core.translations) but with what a
    # paragraph's text is made of: {language: {"text": "...", "bullets": ["..."], "of": original_hash(...)}}. "of" is
    # the hash of the text and bullets it translates: once the paragraph's own text changes (edited, redrafted,
    # merged, split), the translation no longer matches it and is out of date (``translation_state``).
    translations = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["report", "order"]

    def __str__(self) -> str:
        return f"{self.report} ¶{self.order}"

    @classmethod
    def drafted(cls, report_id: int, order: int, key: str, section: str, sentences: "Encoded", bullets: "Encoded",
                generated_hash: str) -> "ReportParagraph":
        """A new generated paragraph, not yet saved (drafting writes 10,000 at a time with ``bulk_create``).

        Made from the value of every concrete field in their order, the way Django's documented ``Model.from_db``
        makes an instance (``cls(*values)``): keyword arguments look up every field's default again (10,000
        instances took 0.31–0.44 s that way, 0.16–0.24 s so; bench/RESULTS.md, issue 14, sessions 11–12). ``test_drafted_paragraph_is_the_keyword_one`` fails if a field is added or moved
        without this list following."""
        return _positional(cls)(None, report_id, order, cls.Origin.GENERATED, [key], section, sentences, bullets,
                                generated_hash, "", False, None, None, False, {})

    @property
    def text(self) -> str:
        if self.is_edited:
            return self.edited_text
        return " ".join(s["text"] for s in self.sentences)

    @property
    def bullet_texts(self) -> list[str]:
        return [b["text"] for b in self.bullets] if not self.is_edited or self.bullets else []

    def translation_state(self, language: str) -> str:
        """"current", "outdated" (the paragraph's text changed since it was translated) or "missing"."""
        entry = (self.translations or {}).get(language)
        if not entry or not entry.get("text"):
            return "missing"
        return "current" if entry.get("of") == original_hash(self.text, self.bullet_texts) else "outdated"

    @property
    def sources(self) -> list[dict]:
        seen, out = set(), []
        for item in [*self.sentences, *self.bullets]:
            for src in item.get("sources", []):
                ref = (src["model"], src["id"])
                if ref not in seen:
                    seen.add(ref)
                    out.append(src)
        return out


def _positional(model: type[models.Model]) -> Any:
    """``model`` for a call with positional values (django-stubs types a model's positional arguments in another
    order than Django's, which is every concrete field in ``_meta.concrete_fields`` order)."""
    return model


def original_hash(text: str, bullets: list[str]) -> str:
    """What a paragraph's translation is of: its text and bullets, hashed (a translation records it)."""
    return hashlib.sha256(json.dumps([text, list(bullets)], ensure_ascii=False).encode()).hexdigest()[:32]


class ReportFile(models.Model):
    """A PDF or DOCX of a report.

    Made by the worker, with its progress, when the PDF is long (``rendering.PDF_IN_WORKER_FROM``).
    At sign-off the report's PDF and DOCX are stored once (``signed_off``) with their SHA-256 and
    served from then on: never made again, whatever happens to the records later. Once per language
    (``language``: its labels, dates and direction): the original one at sign-off, another when first asked.
    """

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=4, choices=Format)
    signed_off = models.BooleanField(default=False)
    # The language its labels, dates and direction are in (one of settings.LANGUAGES): the text is the report's.
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # SHA-256 of the document data it was made from: a draft's file is served again only for the same text.
    document_hash = models.CharField(max_length=64, blank=True)
    content = models.BinaryField(null=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "format", "language"], condition=Q(signed_off=True),
                                    name="report_file_signed_off_once_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.format}, {self.language})"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def content_type(self) -> str:
        return {"pdf": "application/pdf",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}[self.format]
