"""ERP synchronisation: runs with their counts and errors, the lease lock, and partner push requests."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Partner


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    PARTIAL = "partial", _("Succeeded with skipped records")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped: another run was in progress")
    ABANDONED = "abandoned", _("Abandoned: its worker stopped")


class SyncRun(models.Model):
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    full = models.BooleanField(_("full resync"), default=False)
    trigger = models.CharField(_("started by"), max_length=20, default="schedule")
    changed_since = models.DateTimeField(_("changes since"), null=True, blank=True)
    cursor = models.DateTimeField(_("ERP time at start"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict)
    error = models.TextField(_("error"), blank=True)
    # Where the run works and how far it got: the admin shows them, and a run that dies keeps them.
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    last_kind = models.CharField(_("last kind imported"), max_length=20, blank=True)
    last_page = models.PositiveIntegerField(_("last page imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("synchronisation run")
        verbose_name_plural = _("synchronisation runs")
        ordering = ["-started_at", "-pk"]
        permissions = [("run_erp_sync", _("Start an ERP synchronisation and see its runs"))]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def last_page_label(self) -> str:
        """ "partners page 7": the last page whose records are committed ("" before the first)."""
        if not self.last_kind or not self.last_page:
            return ""
        return _("%(kind)s page %(page)s") % {"kind": self.last_kind, "page": self.last_page}


class SyncError(models.Model):
    """One ERP record that could not be imported: reported and skipped, never fatal."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="errors")
    kind = models.CharField(_("kind"), max_length=20)
    erp_id = models.CharField(_("ERP id"), max_length=64, blank=True)
    message = models.TextField(_("message"))

    class Meta:
        verbose_name = _("synchronisation error")
        verbose_name_plural = _("synchronisation errors")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.erp_id}: {self.message[:60]}"


class SyncState(models.Model):
    """A single row: the last good cursor and a short lease lock that the running import renews every
    few seconds, so it runs out soon after its worker dies (erp_sync.importer)."""

    key = models.CharField(_("key"), max_length=20, unique=True, default="erp")
    last_cursor = models.DateTimeField(_("last good cursor"), null=True, blank=True)
    locked_by = models.CharField(_("lock owner"), max_length=64, blank=True)
    locked_until = models.DateTimeField(_("lock expires at"), null=True, blank=True)
    run = models.ForeignKey(
        SyncRun,
        verbose_name=_("run holding the lock"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ERP lock")
        verbose_name_plural = _("ERP lock")

    def __str__(self) -> str:
        return str(_("ERP import lock"))

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_by and self.locked_until and self.locked_until > timezone.now())


class PushStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Waiting for approval in the ERP")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PartnerPush(models.Model):
    """A CRM-made partner handed to the ERP after its first success; the key makes retries harmless."""

    partner = models.OneToOneField(Partner, on_delete=models.CASCADE, related_name="erp_push")
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=PushStatus.choices, default=PushStatus.PENDING
    )
    reason = models.TextField(_("ERP's reason"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partner push to the ERP")
        verbose_name_plural = _("partner pushes to the ERP")

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_status_display()})"
