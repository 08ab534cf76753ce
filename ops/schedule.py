"""The whole periodic schedule, declared here and nowhere else (tasks named by their dotted path).

`manage.py sync_schedules` copies it into django-celery-beat's tables once (creating what is missing,
never overwriting), so admins can edit times in the admin and their edits survive restarts and upgrades;
it also renames the task of existing rows after a task moved (RENAMED_TASKS).
It lives in ops, not in crm_project/celery.py, so the command does not import the project (the layers).
"""

# name -> (task, crontab fields). Times are in settings.TIME_ZONE.
PERIODIC_TASKS: dict[str, dict] = {
    # Every minute: proves the worker and beat are alive (read by the health page).
    "heartbeat": {
        "task": "ops.tasks.record_heartbeat",
        "crontab": {"minute": "*", "hour": "*"},
    },
    # Every minute: in-app and e-mail reminders that have come due (each person once).
    "event-reminders": {
        "task": "events.tasks.send_due_reminders",
        "crontab": {"minute": "*", "hour": "*"},
    },
    # Every 5 minutes: the outbox sweeps (sends whose task was lost between commit and enqueue).
    "gdpr-outbox": {
        "task": "contacts.tasks.resend_stuck_gdpr_notices",
        "crontab": {"minute": "*/5", "hour": "*"},
    },
    "dunning-outbox": {
        "task": "receivables.tasks.resend_stuck_letters",
        "crontab": {"minute": "*/5", "hour": "*"},
    },
    "webhook-outbox": {
        "task": "webhooks.tasks.resend_stuck_webhooks",
        "crontab": {"minute": "*/5", "hour": "*"},
    },
    # Hourly at :15: the incremental import from the ERP (partners, products, orders, invoices).
    "erp-import": {
        "task": "erp_sync.tasks.import_from_erp",
        "crontab": {"minute": "15", "hour": "*"},
    },
    # Every 10 minutes: approvals of partners pushed to the ERP.
    "erp-approvals": {
        "task": "erp_sync.tasks.check_partner_approvals",
        "crontab": {"minute": "*/10", "hour": "*"},
    },
    # Daily at 07:00: dunning letters by working-day rules (preview in the admin first).
    "dunning": {
        "task": "receivables.tasks.run_daily_dunning",
        "crontab": {"minute": "0", "hour": "7"},
    },
    # Daily at 03:40: forget periodic job runs older than 30 days (failures: 90 days).
    "prune-job-runs": {
        "task": "ops.tasks.prune_job_runs",
        "crontab": {"minute": "40", "hour": "3"},
    },
    # Daily at 05:30: partners without a next event for a month go to the supervisor.
    "partners-without-next-event": {
        "task": "events.tasks.reassign_partners_without_next_event",
        "crontab": {"minute": "30", "hour": "5"},
    },
    # Mondays, hourly at :05: the weekly team digest to each supervisor once Monday 07:00 has come in
    # their company's zone (one row per company, person and week; the run also resends lost digests).
    "team-digest": {
        "task": "team.tasks.record_weekly_digests",
        "crontab": {"minute": "5", "hour": "*", "day_of_week": "1"},
    },
}

# Tasks whose dotted name changed (old -> new): `sync_schedules` points an existing install's
# django-celery-beat rows at the new name, so beat never sends a name no worker knows. Issue 16 moved
# the heartbeat and the pruning from core to ops.
RENAMED_TASKS: dict[str, str] = {
    "core.tasks.record_heartbeat": "ops.tasks.record_heartbeat",
    "core.tasks.prune_job_runs": "ops.tasks.prune_job_runs",
}
