from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: background jobs (CrmTask, the slot scheduler, JobRun/TaskFailure, heartbeat and prune
    tasks, the periodic schedule), the outbox and its mail backend, /health/, backup/restore and
    sync_schedules.

    It sits above core (plumbing) and below every domain app (docs/architecture.md, "Layers").
    JobRun/TaskFailure moved here from core keeping their tables (core_jobrun, core_taskfailure).
    """

    name = "ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from ops.jobs import connect_failure_recorder

        connect_failure_recorder()
