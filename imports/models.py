"""Spreadsheet imports: one `ImportRun` per uploaded file (wizard state, progress and result) and the
user's last column mapping per kind (`ImportMapping`)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from companies.visibility import CompanyOwnedQuerySet
from core.choices import ChoiceLabels


class ImportKind(models.TextChoices):
    PARTNERS = "partners", _("Partners")
    CONTACTS = "contacts", _("Contacts")


class Matching(models.TextChoices):
    """What happens to a row that matches an existing record (tax number / e-mail)."""

    UPDATE = "update", _("Update the existing record, create the rest")
    SKIP = "skip", _("Leave the existing record unchanged, create the rest")
    CREATE = "create", _("Create new records only: a row that matches one fails as a duplicate")


class Encoding(models.TextChoices):
    AUTO = "auto", _("Detect")
    UTF8 = "utf-8", _("UTF-8")
    CP1250 = "cp1250", _("Windows-1250 (Central European, Hungarian)")
    CP1251 = "cp1251", _("Windows-1251 (Cyrillic, Bulgarian)")


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Not started")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped by an error")


class ImportRunQuerySet(CompanyOwnedQuerySet):
    # Whoever started the import sees it, and so do their supervisors and whole-company viewers.
    owner_fields = ("created_by",)


def upload_path(instance: "ImportRun", filename: str) -> str:
    """A random name: the file's own name is kept in `original_name`, never used as a path."""
    extension = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    return f"imports/{secrets.token_hex(16)}.{extension}"


class ImportRun(ChoiceLabels, models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    kind = models.CharField(_("what"), max_length=10, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    encoding = models.CharField(_("encoding"), max_length=10, choices=Encoding.choices, default=Encoding.AUTO)
    headers = models.JSONField(default=list)
    # {"column header": "field name"}: columns mapped to nothing are left out.
    mapping = models.JSONField(default=dict)
    matching = models.CharField(
        _("existing records"), max_length=10, choices=Matching.choices, default=Matching.UPDATE
    )
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    total_rows = models.PositiveIntegerField(default=0)
    # Rows before this one (1 = the header) are done; a resumed run starts here, so nothing runs twice.
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    # [{"row": 7, "reason": "..."}], the spreadsheet's row numbers (the header is row 1).
    failures = models.JSONField(default=list)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["company", "created_by", "-created_at"], name="importrun_company_user")
        ]
        # Only the one function in the function list (no add/change/delete: runs are made by the wizard).
        default_permissions = ()
        permissions = [("run_import", _("Import partners and contacts from spreadsheets"))]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_kind_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.is_finished else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ImportSheet(models.Model):
    """The upload's rows as read once (text; a formula cell as {"formula": text}), so the preview and
    the job do not parse the spreadsheet again. Its own table, so listing runs never loads them."""

    run = models.OneToOneField(ImportRun, on_delete=models.CASCADE, related_name="sheet", primary_key=True)
    rows = models.JSONField(default=list)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.run_id)


class ImportMapping(models.Model):
    """The last mapping a user confirmed for a kind of import in a company: {header: field}."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["company", "user", "kind"], name="importmapping_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
