"""`manage.py sync_schedules` after an upgrade that moved tasks (issue 16: core.tasks -> ops.tasks): an
existing install's periodic jobs keep the admin's times and point at the new task names, so the worker
knows what beat sends and /health/ sees the heartbeat at once."""

from io import StringIO

from django.core.management import call_command
from django.test import TransactionTestCase
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from crm_project.celery import app
from ops.schedule import PERIODIC_TASKS


def sync() -> str:
    out = StringIO()
    call_command("sync_schedules", stdout=out)
    return out.getvalue()


class SyncSchedulesTests(TransactionTestCase):
    """A TransactionTestCase: beat's scheduler closes connections that are inside a transaction."""

    def test_a_fresh_install_gets_every_job_under_a_task_the_worker_knows(self):
        self.assertIn(f"{len(PERIODIC_TASKS)} created", sync())
        app.loader.import_default_modules()
        for job in PeriodicTask.objects.exclude(name="celery.backend_cleanup"):
            self.assertIn(job.task, app.tasks, job.name)
        self.assertEqual(PeriodicTask.objects.get(name="heartbeat").task, "ops.tasks.record_heartbeat")
        self.assertIn("0 created", sync())  # idempotent

    def test_an_upgraded_install_keeps_its_times_and_uses_the_new_task_names(self):
        every_two_minutes = CrontabSchedule.objects.create(minute="*/2", hour="*", timezone="Europe/Budapest")
        night = CrontabSchedule.objects.create(minute="10", hour="2", timezone="Europe/Budapest")
        PeriodicTask.objects.create(
            name="heartbeat", task="core.tasks.record_heartbeat", crontab=every_two_minutes
        )
        PeriodicTask.objects.create(
            name="prune-job-runs", task="core.tasks.prune_job_runs", crontab=night, enabled=False
        )

        output = sync()

        self.assertIn("2 renamed", output)
        heartbeat = PeriodicTask.objects.get(name="heartbeat")
        prune = PeriodicTask.objects.get(name="prune-job-runs")
        self.assertEqual(
            (heartbeat.task, heartbeat.crontab), ("ops.tasks.record_heartbeat", every_two_minutes)
        )
        self.assertEqual(
            (prune.task, prune.crontab, prune.enabled), ("ops.tasks.prune_job_runs", night, False)
        )
        self.assertFalse(PeriodicTask.objects.filter(task__startswith="core.").exists())

        # Beat's next heartbeat runs on the worker, and /health/ counts it.
        from ops.beat import SlotScheduler

        scheduler = SlotScheduler(app=app)
        scheduler.apply_entry(scheduler.schedule["heartbeat"])
        body = self.client.get("/health/").json()
        self.assertEqual(body["checks"]["worker"]["status"], "ok", body)
