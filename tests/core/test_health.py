from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core.cache import cache
from django.test import TestCase, TransactionTestCase
from django.utils import timezone

from ops.beat import BEAT_KEY
from ops.models import TaskFailure
from ops.tasks import record_heartbeat

UTC = ZoneInfo("UTC")


class HealthTests(TestCase):
    def test_all_ok_with_a_fresh_heartbeat(self):
        record_heartbeat()
        cache.set(BEAT_KEY, timezone.now().isoformat())
        response = self.client.get("/health/")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertEqual(set(body["checks"]), {"database", "cache", "worker", "beat", "failed_tasks"})
        self.assertEqual(body["checks"]["failed_tasks"], {"status": "ok", "last_24_hours": 0})
        self.assertEqual(response["Cache-Control"], "max-age=0, no-cache, no-store, must-revalidate, private")

    def test_stale_or_missing_heartbeat_is_degraded_not_down(self):
        checks = self.client.get("/health/").json()["checks"]
        self.assertEqual((checks["worker"]["status"], checks["beat"]["status"]), ("missing", "missing"))
        with time_machine.travel(datetime.now(UTC) - timedelta(minutes=10)):
            record_heartbeat()
        cache.set(BEAT_KEY, timezone.now().isoformat())  # beat alive, workers not: the queue is stuck
        body = self.client.get("/health/").json()
        self.assertEqual(body["status"], "degraded")
        self.assertEqual(
            (body["checks"]["worker"]["status"], body["checks"]["beat"]["status"]), ("stale", "ok")
        )

    def test_recent_task_failures_are_reported(self):
        TaskFailure.objects.create(
            task="receivables.tasks.run_daily_dunning",
            task_id="x",
            exception="boom",
            failed_at=timezone.now(),
        )
        TaskFailure.objects.create(
            task="old", task_id="y", exception="boom", failed_at=timezone.now() - timedelta(days=2)
        )
        checks = self.client.get("/health/").json()["checks"]
        self.assertEqual(checks["failed_tasks"], {"status": "failing", "last_24_hours": 1})

    def test_no_login_and_no_secrets(self):
        from django.conf import settings

        text = self.client.get("/health/").content.decode()
        self.assertNotIn(settings.SECRET_KEY, text)
        self.assertNotIn("postgres://", text)


class BeatLivenessTests(TransactionTestCase):
    """A TransactionTestCase: beat's scheduler closes connections that are inside a transaction."""

    def test_beat_records_that_it_is_alive_when_it_sends(self):
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        from crm_project.celery import app
        from ops.beat import SlotScheduler

        PeriodicTask.objects.create(
            name="heartbeat", task="ops.tasks.record_heartbeat", crontab=CrontabSchedule.objects.create()
        )
        scheduler = SlotScheduler(app=app)
        scheduler.apply_entry(scheduler.schedule["heartbeat"])
        body = self.client.get("/health/").json()
        self.assertEqual(body["status"], "ok", body)
