"""Records of background work: one row per periodic job slot, one row per task that finally failed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One slot of a periodic job (e.g. "the 07:00 dunning run of 30 Nov").

    The unique (task, slot) pair is what makes a slot run once: a second beat process, a restarted beat
    or a duplicated message finds the row taken and skips (ops.jobs.CrmTask).
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    task = models.CharField(_("job"), max_length=200)
    slot = models.DateTimeField(_("slot"))
    task_id = models.CharField(_("task id"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        db_table = "core_jobrun"  # moved from core (ops/migrations/0001_initial.py): same table
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        ordering = ["-slot", "task"]
        constraints = [models.UniqueConstraint(fields=["task", "slot"], name="job_run_once_per_slot")]
        indexes = [models.Index(fields=["status", "-started_at"], name="job_run_status_idx")]

    def __str__(self) -> str:
        return f"{self.task} @ {self.slot:%Y-%m-%d %H:%M}"


class TaskFailure(models.Model):
    """A task that failed for good (retries used up or not retryable); shown to admins."""

    task = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=255)
    arguments = models.TextField(_("arguments"), blank=True)
    exception = models.CharField(_("exception"), max_length=500)
    traceback = models.TextField(_("traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), db_index=True)

    class Meta:
        db_table = "core_taskfailure"  # moved from core: same table
        verbose_name = _("failed background task")
        verbose_name_plural = _("failed background tasks")
        ordering = ["-failed_at"]

    def __str__(self) -> str:
        return f"{self.task}: {self.exception}"
