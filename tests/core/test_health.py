from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.test import TestCase

from core.tasks import record_heartbeat

UTC = ZoneInfo("UTC")


class HealthTests(TestCase):
    def test_all_ok_with_a_fresh_heartbeat(self):
        record_heartbeat()
        response = self.client.get("/health/")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertEqual(set(body["checks"]), {"database", "cache", "worker_beat"})
        self.assertEqual(response["Cache-Control"], "max-age=0, no-cache, no-store, must-revalidate, private")

    def test_stale_or_missing_heartbeat_is_degraded_not_down(self):
        self.assertEqual(self.client.get("/health/").json()["checks"]["worker_beat"]["status"], "missing")
        with time_machine.travel(datetime.now(UTC) - timedelta(minutes=10)):
            record_heartbeat()
        body = self.client.get("/health/").json()
        self.assertEqual((body["status"], body["checks"]["worker_beat"]["status"]), ("degraded", "stale"))

    def test_no_login_and_no_secrets(self):
        from django.conf import settings

        text = self.client.get("/health/").content.decode()
        self.assertNotIn(settings.SECRET_KEY, text)
        self.assertNotIn("postgres://", text)
