"""The one sending routine (`ops.outbox.Outbox.send`) every outbox kind goes through, the tasks that
call it through their services, and queueing a send task by name.

The routine is exercised with a kind of its own over the `GdprNotice` table, so what is proven here is
the routine's part (claim, Message-ID, record, retry or give up), not a notice's text. The e-mail
backend is the far side of the network: an SMTP server that refuses a number of sends.
"""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from celery.signals import task_retry
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.test import TestCase, override_settings

from contacts.models import GdprNotice, NoticeStatus
from contacts.services import contact_create
from core.audit import system_user
from crm_project.celery import app as celery_app
from ops.outbox import LEASE, Outbox, SendFailed, Unsendable, queue_after_commit
from tests.contacts.test_gdpr_notice import FlakyEmailBackend
from tests.factories import CompanyFactory, PartnerFactory

BUDAPEST = ZoneInfo("Europe/Budapest")


def test_kind(**hooks) -> Outbox:
    """A kind over the notice table whose message says which row it is."""
    options = {
        "build": lambda row: EmailMessage(subject=f"Row {row.pk}", body="Hello", to=[row.recipient]),
        "message_id": lambda row: f"<row-{row.pk}@crm.example>",
        **hooks,
    }
    return Outbox(
        model=GdprNotice,
        max_attempts=3,
        gave_up=NoticeStatus.GAVE_UP,
        label="Test row",
        **options,
    )


test_kind.__test__ = False  # a helper, not a test


@override_settings(EMAIL_BACKEND="tests.contacts.test_gdpr_notice.FlakyEmailBackend")
class OutboxSendTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = CompanyFactory(language="en")
        cls.actor = system_user()

    def setUp(self):
        FlakyEmailBackend.failures_left = 0
        self.row = GdprNotice.objects.create(
            company=self.company, email_hash="a" * 64, recipient="anna@example.com", language="en"
        )

    def send(self, kind: Outbox, owner: str = "task-1") -> str:
        return kind.send(self.row.pk, attempt_owner=owner, actor=self.actor)

    def test_it_sends_with_the_stable_message_id_and_records_the_send(self):
        at = datetime(2026, 11, 23, 9, tzinfo=BUDAPEST)
        with time_machine.travel(at, tick=False):
            self.assertEqual(self.send(test_kind()), "sent")
        self.assertEqual(
            [(m.subject, m.to) for m in mail.outbox], [(f"Row {self.row.pk}", ["anna@example.com"])]
        )
        self.assertEqual(mail.outbox[0].extra_headers["Message-ID"], f"<row-{self.row.pk}@crm.example>")
        self.row.refresh_from_db()
        self.assertEqual(
            (self.row.status, self.row.attempts, self.row.sent_at, self.row.last_error),
            ("sent", 1, at, ""),
        )
        self.assertEqual(
            (self.row.lease_owner, self.row.lease_until), ("", None)
        )  # a sent row holds no lease

    def test_the_kind_records_what_else_sent_means_with_the_send(self):
        seen = []
        self.send(test_kind(on_sent=lambda row, at: seen.append((row.pk, at))))
        self.row.refresh_from_db()
        self.assertEqual(seen, [(self.row.pk, self.row.sent_at)])

    def test_a_second_attempt_while_the_first_holds_the_lease_sends_nothing(self):
        kind = test_kind()
        at = datetime(2026, 11, 23, 9, tzinfo=BUDAPEST)
        with time_machine.travel(at, tick=False):
            self.assertTrue(kind.claim(self.row.pk, task_id="task-1"))  # the first attempt, still sending
            self.assertEqual(self.send(kind, owner="task-2"), "nothing to do")
        self.assertEqual(len(mail.outbox), 0)
        with time_machine.travel(at + LEASE / 2, tick=False):  # its own task redelivered: at once
            self.assertEqual(self.send(kind, owner="task-1"), "sent")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(self.send(kind, owner="task-3"), "nothing to do")  # sent: never again
        self.assertEqual(len(mail.outbox), 1)

    def test_a_failed_send_is_recorded_and_raised_for_the_task_to_retry(self):
        FlakyEmailBackend.failures_left = 1
        kind = test_kind()
        with self.assertRaises(SendFailed) as failed:
            self.send(kind)
        self.assertIsInstance(failed.exception.__cause__, ConnectionRefusedError)
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.attempts), ("failed", 1))
        self.assertIn("refused the connection", self.row.last_error)
        self.assertEqual(self.row.lease_owner, "")  # released: the retry claims it again at once
        self.assertEqual(self.send(kind, owner="task-1-retry"), "sent")
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.attempts, self.row.last_error), ("sent", 2, ""))
        self.assertEqual(len(mail.outbox), 1)

    def test_the_last_attempt_that_fails_gives_up_for_a_person_to_look_at(self):
        FlakyEmailBackend.failures_left = 10
        kind = test_kind()
        for attempt in (1, 2):
            with self.assertRaises(SendFailed):
                self.send(kind, owner=f"task-{attempt}")
        self.assertEqual(self.send(kind, owner="task-3"), "gave up")
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.attempts), ("gave_up", 3))
        self.assertEqual(self.send(kind, owner="task-4"), "nothing to do")
        self.assertEqual(len(mail.outbox), 0)

    def test_a_row_that_can_never_be_sent_gives_up_with_the_reason(self):
        def no_address(row):
            raise Unsendable("no address")

        self.assertEqual(self.send(test_kind(build=no_address)), "no address")
        self.row.refresh_from_db()
        self.assertEqual((self.row.status, self.row.last_error), ("gave_up", "no address"))
        self.assertEqual(len(mail.outbox), 0)

    def test_a_slow_attempt_that_was_taken_over_does_not_record_over_the_newer_one(self):
        def taken_over_while_building(row):
            # The lease ended while this attempt hung; another attempt claimed the row meanwhile.
            GdprNotice.objects.filter(pk=row.pk).update(lease_owner="task-2")
            return EmailMessage(subject="Slow", body="Hello", to=[row.recipient])

        self.assertEqual(self.send(test_kind(build=taken_over_while_building)), "taken over")
        self.row.refresh_from_db()
        self.assertEqual(
            (self.row.status, self.row.lease_owner, self.row.sent_at), ("sending", "task-2", None)
        )


@override_settings(EMAIL_BACKEND="tests.contacts.test_gdpr_notice.FlakyEmailBackend")
class SendTaskRetryTests(TestCase):
    """The tasks own the retries: a failed send comes back after a growing back-off."""

    def setUp(self):
        FlakyEmailBackend.failures_left = 0
        self.countdowns: list[float] = []

        def record(sender=None, reason=None, **kwargs):
            self.countdowns.append(reason.when)

        task_retry.connect(record, weak=False, dispatch_uid="test-outbox-retry")
        self.addCleanup(task_retry.disconnect, dispatch_uid="test-outbox-retry")

    def test_a_notice_is_retried_after_30_then_60_seconds_at_most_and_delivered_once(self):
        FlakyEmailBackend.failures_left = 2
        with self.captureOnCommitCallbacks(execute=True):
            contact_create(
                partner=PartnerFactory(),
                company=CompanyFactory(language="en"),
                last_name="K",
                email="k@example.com",
            )
        self.assertEqual(len(self.countdowns), 2)
        first, second = self.countdowns
        self.assertTrue(
            0 <= first <= 30 and 0 <= second <= 60, self.countdowns
        )  # full jitter, not a fixed 3 min
        notice = GdprNotice.objects.get()
        self.assertEqual((notice.status, notice.attempts), ("sent", 3))
        self.assertEqual([m.to for m in mail.outbox], [["k@example.com"]])


class QueueByNameTests(TestCase):
    """A domain module queues its send task by the task's dotted name, after commit."""

    @pytest.fixture(autouse=True)
    def _broker(self):
        if not settings.REDIS_URL:
            pytest.skip("needs Redis (REDIS_URL)")
        self.broker = redis.Redis.from_url(settings.REDIS_URL)
        self.broker.delete("celery", "bulk")
        yield
        self.broker.delete("celery", "bulk")

    def test_it_is_queued_after_commit_on_the_tasks_own_queue(self):
        was = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = False  # to the real broker, as in production
        self.addCleanup(setattr, celery_app.conf, "task_always_eager", was)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            queue_after_commit("receivables.tasks.send_dunning_letter", 42)
        self.assertEqual(self.broker.llen("bulk"), 0)  # nothing before the commit
        for callback in callbacks:
            callback()
        queued = [json.loads(raw) for raw in self.broker.lrange("bulk", 0, -1)]
        self.assertEqual(
            [message["headers"]["task"] for message in queued], ["receivables.tasks.send_dunning_letter"]
        )
        self.assertEqual(queued[0]["headers"]["argsrepr"], "(42,)")
        self.assertEqual(self.broker.llen("celery"), 0)
