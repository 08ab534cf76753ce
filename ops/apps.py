from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: background jobs (CrmTask, the slot scheduler, JobRun/TaskFailure, heartbeat and prune
    tasks, the periodic schedule), the outbox and its mail backend, /health/, backup/restore and
    sync_schedules.

    It sits above core (plumbing) and below every domain app (docs/architecture.md, "Layers").
    JobRun/TaskFailure moved here from core keeping their tables (core_jobrun, core_taskfailure).
    No translated verbose_name yet: the lead adds one with its hu/bg translation (a new msgid would fail
    the translation test until then), so the admin shows the label.
    """

    name = "ops"
    label = "ops"

    def ready(self) -> None:
        from ops.jobs import connect_failure_recorder

        connect_failure_recorder()
