"""Import jobs: an uploaded file, what was asked of it (check / import), and its report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.core.jobs import LeasedJob


class ImportJobQuerySet(models.QuerySet):
    """Jobs are never public; a focal point sees the jobs of people of their organisation."""

    def public(self):
        return self.none()

    def owned_by(self, org_ids):
        return self.filter(created_by__organisation__in=list(org_ids))


class ImportJob(LeasedJob):
    """One uploaded CSV or XLSX file of activities, organisations or figures, checked and maybe imported."""

    class Kind(models.TextChoices):
        ACTIVITIES = "activities", _("Activities")
        ORGANISATIONS = "organisations", _("Organisations")
        FIGURES = "figures", _("Figures")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        CHECKED = "checked", _("Checked (nothing imported yet)")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed (nothing imported)")

    class Mode(models.TextChoices):
        CHECK = "check", _("Dry run: check every row, import nothing")
        ALL = "all", _("Import all rows, or nothing if any row is bad")
        VALID = "valid", _("Import the valid rows, skip the bad ones")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    file_format = models.CharField(_("format"), max_length=4, choices=Format)
    file = models.FileField(_("file"), upload_to="exchange/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode, default=Mode.CHECK)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("bad rows"), default=0)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"

    is_public = False

    def owner_organisation_ids(self) -> set[int]:
        org = getattr(self.created_by, "organisation_id", None) if self.created_by_id else None
        return {org} if org else set()

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.CHECKED, self.Status.IMPORTED, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
