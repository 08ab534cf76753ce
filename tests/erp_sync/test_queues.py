"""Mass mail and long batch jobs go to the "bulk" queue (rate-limited), everything interactive to the
default "celery" queue: checked on the real Redis broker, by what lands in each queue."""

import json

import pytest
import redis
from django.conf import settings

from contacts.tasks import resend_stuck_gdpr_notices, send_gdpr_notice
from crm_project.celery import app
from erp_sync.tasks import check_partner_approvals, import_from_erp, push_partner, send_gdpr_notices
from events.google_tasks import delete_google_event, sync_event_to_google
from events.tasks import send_due_reminders
from ops.tasks import record_heartbeat
from receivables.tasks import resend_stuck_letters, run_daily_dunning, send_dunning_letter
from tests.chaos.worker import BrokerEnqueue

BULK = [
    (send_gdpr_notice, [1]),
    (send_dunning_letter, [1]),
    (send_gdpr_notices, [[1, 2]]),
    (import_from_erp, []),
    (run_daily_dunning, []),
]
INTERACTIVE = [
    (push_partner, [1]),
    (check_partner_approvals, []),
    (send_due_reminders, []),
    (sync_event_to_google, [1, 1]),
    (delete_google_event, [1, "g"]),
    (record_heartbeat, []),
    (resend_stuck_gdpr_notices, []),
    (resend_stuck_letters, []),
]


@pytest.fixture
def broker():
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("celery", "bulk")
    yield client
    client.delete("celery", "bulk")
    app.pool.force_close_all()


def queued_tasks(client, queue: str) -> list[str]:
    return [json.loads(raw)["headers"]["task"] for raw in client.lrange(queue, 0, -1)]


def test_each_task_is_sent_to_its_queue(broker):
    with BrokerEnqueue():
        for task, args in BULK + INTERACTIVE:
            task.delay(*args)
    assert sorted(queued_tasks(broker, "bulk")) == sorted(task.name for task, _ in BULK)
    assert sorted(queued_tasks(broker, "celery")) == sorted(task.name for task, _ in INTERACTIVE)


def test_the_sweeps_send_on_the_bulk_queue():
    # The outbox sweeps run on the interactive worker, but the sends they queue are bulk mail.
    router = app.amqp.router
    for task in (send_gdpr_notice, send_dunning_letter):
        assert router.route({}, task.name)["queue"].name == "bulk"


def test_bulk_mail_is_rate_limited_and_interactive_work_is_not():
    assert settings.BULK_MAIL_RATE_LIMIT == "10/s"  # the default; BULK_MAIL_RATE_LIMIT changes it
    assert send_gdpr_notice.rate_limit == send_dunning_letter.rate_limit == "10/s"
    assert push_partner.rate_limit is None and send_due_reminders.rate_limit is None
