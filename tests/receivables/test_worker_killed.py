"""A worker killed between sending and recording: no duplicate, no loss.

A real `celery worker` subprocess sends a dunning letter (or a GDPR notice) through anymail's Resend
backend to the local sink; the sink commits the message and, before answering, SIGKILLs the whole
worker. The mail has left, "sent" was never recorded. Then the recovery paths run:
- the broker redelivers the same task (short visibility timeout) and a new worker takes over at once;
- or (production's 6-hour visibility timeout) the outbox sweep requeues the letter once its lease
  has ended, and the original task, redelivered hours later, finds nothing to do.
Either way the sink holds one copy, the repeat is suppressed by the idempotency key, and the row is
recorded sent once.

Each worker is the real command line (`celery -A crm_project worker -Q <every queue our tasks are
routed to>`). Waits end on positive signals (the worker's "ready." line, the sink's accept, the row's
status) under generous deadlines scaled by CHAOS_TIME_FACTOR; a worker that exits before it is ready is
started again (tests/chaos/worker.py).
"""

import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from contacts.models import ContactType, GdprNotice
from contacts.notices import notice_message_id
from contacts.services import contact_create
from contacts.tasks import resend_stuck_gdpr_notices, send_gdpr_notice
from devtools.mailsink import MailSink
from ops.outbox import LEASE
from receivables.dunning import dunning_run, message_id_for
from receivables.models import DunningLetter, Invoice, LetterEvent
from receivables.tasks import SENT_EVENT_ID, resend_stuck_letters, send_dunning_letter
from tests.chaos.worker import (
    BrokerEnqueue,
    CeleryWorker,
    EarlyExits,
    clear_broker,
    log_tail,
    requires_postgres_and_redis,
    scaled,
    start_until_ready,
    worker_env,
)
from tests.factories import CompanyFactory, PartnerFactory

pytestmark = [requires_postgres_and_redis, pytest.mark.django_db(transaction=True)]

# Deadlines (seconds, scaled by CHAOS_TIME_FACTOR): a fresh command-line worker imports all of Django,
# which takes seconds on an idle machine and far longer on a loaded one.
SEND_TIMEOUT = 240


class Kind:
    """A dunning letter or a GDPR notice, recorded (with its send task queued in Redis)."""

    def __init__(self, name: str):
        self.name = name

    def record(self):
        company = CompanyFactory(language="en")
        partner = PartnerFactory(name="Late Payer Kft.")
        with BrokerEnqueue():
            if self.name == "notice":
                contact_create(partner=partner, company=company, last_name="Gál", email="gal@late.example")
                return GdprNotice.objects.get()
            financial = ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")
            contact_create(
                partner=partner, company=None, types=[financial], last_name="F", email="ap@late.example"
            )
            Invoice.objects.create(
                company=company, partner=partner, number="I-1", issued_on=date(2026, 9, 1),
                due_on=date(2026, 10, 1), amount=Decimal(5000), open_amount=Decimal(5000),
            )  # fmt: skip
            dunning_run(company, date(2026, 11, 23))
            return DunningLetter.objects.get()

    def key(self, row) -> str:
        return (message_id_for(row) if self.name == "letter" else notice_message_id(row)).strip("<>")

    def task_owner(self, row) -> str:
        return row.lease_owner

    @property
    def sweep(self):
        return resend_stuck_letters if self.name == "letter" else resend_stuck_gdpr_notices

    @property
    def task(self):
        return send_dunning_letter if self.name == "letter" else send_gdpr_notice


@pytest.fixture(params=["letter", "notice"])
def kind(request):
    return Kind(request.param)


@pytest.fixture
def sink(tmp_path):
    clear_broker()
    with MailSink(tmp_path / "sink.sqlite3") as sink:
        yield sink


@pytest.fixture
def start_worker(tmp_path, sink):
    """`start_worker(name, visibility_timeout=...)`: a worker that is ready (started again if it exits
    before); `start_worker.started[-1]` is the one running."""
    started: list[CeleryWorker] = []
    early_exits = EarlyExits()

    def start_one(name: str, visibility_timeout: int | None) -> CeleryWorker:
        worker = CeleryWorker(
            env=worker_env(sink_url=sink.url, visibility_timeout=visibility_timeout),
            log_path=tmp_path / f"{name}.log",
            name=name,
            concurrency=1,
        )
        started.append(worker)  # before it can send: the sink's kill finds it
        return worker.start()

    def start(name: str, *, visibility_timeout: int | None) -> CeleryWorker:
        return start_until_ready(lambda name: start_one(name, visibility_timeout), name, early_exits)

    start.started = started
    yield start
    if early_exits:  # pytest shows this with the failure, if there is one
        print(f"{len(early_exits)} workers exited before they were ready:\n{early_exits.report()}")
    for worker in started:
        worker.stop()
    clear_broker()


def kill_when_accepted(sink: MailSink, started: list[CeleryWorker]) -> threading.Event:
    """SIGKILL the running worker right after the sink committed its message, before the answer goes
    back."""
    killed = threading.Event()

    def on_accept(message):
        if not killed.is_set():
            started[-1].kill()
            killed.set()

    sink.on_accept = on_accept
    return killed


def wait_for(predicate, timeout: float, what: str, worker: CeleryWorker) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}:\n{log_tail(worker.log_path)}")


def assert_sent_once(kind: Kind, row, sink: MailSink) -> None:
    row.refresh_from_db()
    assert row.status == "sent"
    assert row.attempts == 2
    delivered = sink.store.messages()
    assert [m.idempotency_key for m in delivered] == [kind.key(row)]
    assert row.message_id == delivered[0].id  # the replayed answer carries the first send's id
    assert sink.store.request_counts() == {"delivered": 1, "replayed": 1}
    if kind.name == "letter":
        assert list(LetterEvent.objects.filter(letter=row).values_list("event_id", flat=True)) == [
            SENT_EVENT_ID
        ]


def test_killed_after_the_sink_accepted_is_resent_at_once_on_redelivery_and_delivered_once(
    kind, sink, start_worker
):
    row = kind.record()
    killed = kill_when_accepted(sink, start_worker.started)
    first = start_worker("first", visibility_timeout=3)
    wait_for(killed.is_set, scaled(SEND_TIMEOUT), "the first send", first)
    row.refresh_from_db()
    assert row.status == "sending"  # the mail left, "sent" was never recorded
    assert len(sink.store.messages()) == 1
    first_owner, first_lease_end = kind.task_owner(row), row.lease_until

    sink.on_accept = None
    second = start_worker("second", visibility_timeout=3)
    # The same task comes back (visibility timeout) and takes over without waiting for the lease.
    wait_for(
        lambda: type(row).objects.get(pk=row.pk).status == "sent", scaled(SEND_TIMEOUT), "the resend", second
    )
    assert_sent_once(kind, row, sink)
    # The redelivered task itself sent it (not a sweep's new task), while the first attempt's 2-minute
    # lease still ran: it did not wait for the lease, however long the workers took to start.
    assert f"[{first_owner}] succeeded" in log_tail(second.log_path, 1000)
    assert row.sent_at < first_lease_end


def test_killed_after_the_sink_accepted_is_recovered_by_the_sweep_and_the_late_redelivery_is_a_no_op(
    kind, sink, start_worker, settings
):
    row = kind.record()
    killed = kill_when_accepted(sink, start_worker.started)
    first = start_worker("first", visibility_timeout=None)  # production: 6 hours
    wait_for(killed.is_set, scaled(SEND_TIMEOUT), "the first send", first)
    row.refresh_from_db()
    original_task = kind.task_owner(row)
    assert row.status == "sending" and original_task

    sink.on_accept = None
    settings.EMAIL_BACKEND = "ops.mail.ResendEmailBackend"
    settings.ANYMAIL = {"RESEND_API_KEY": "re_test_key", "RESEND_API_URL": sink.url}
    assert kind.sweep() == 0  # the lease still runs: a live send is never doubled
    with time_machine.travel(timezone.now() + LEASE + timedelta(seconds=5)):
        assert kind.sweep() == 1  # the sweep's task runs here (eager) and resends with the same key
        assert kind.sweep() == 0
    assert_sent_once(kind, row, sink)

    # Hours later the broker redelivers the original task: it finds the row sent and does nothing.
    assert kind.task.apply(args=[row.pk], task_id=original_task).get() == "nothing to do"
    assert_sent_once(kind, row, sink)
