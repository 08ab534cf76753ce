"""The Celery app. The whole periodic schedule is declared in ops/schedule.py (`PERIODIC_TASKS`).

`manage.py sync_schedules` copies `PERIODIC_TASKS` into django-celery-beat's
tables once (creating what is missing, never overwriting), so admins can edit
times in the admin and their edits survive restarts and upgrades.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_project.settings")

# Every task's base class runs a beat-stamped periodic job once per slot (ops/jobs.py).
app = Celery("crm_project", task_cls="ops.jobs:CrmTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
