"""Chaos: a real Celery worker on Redis is SIGKILLed at random points of the dunning and GDPR-mail
jobs, 20 times, and restarted each time; afterwards every letter and notice that was due is in the
mail sink exactly once, none is missing, and every row is recorded sent once.

Half the kills (seeded random, printed; CHAOS_SEED=n repeats a run) fall at the worst moment: the
sink has committed a message and the worker dies before reading the answer, so "sent" is never
recorded. The others fall at a random time after the worker is ready (claiming, rendering, the
dunning run, recording, idle). Recovery is the production machinery, with shortened timings: the
broker redelivers a dead worker's unacknowledged tasks (visibility timeout 3 s here, 6 h in
production) and the outbox sweeps requeue rows whose task was lost.

Each worker is a fresh `celery worker` (`app.worker_main`, what the command line runs) forked from a
launcher that imported Django and the tasks once, so the 21 starts take about a second each.
"""

import os
import random
import threading
import time
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
import redis
import time_machine
from django.conf import settings
from django.utils import timezone

from companies.models import Company
from contacts.models import ContactType, GdprNotice
from contacts.notices import notice_message_id
from contacts.services import contact_create
from contacts.tasks import resend_stuck_gdpr_notices
from core.mailsink import MailSink
from partners.models import Partner
from receivables.dunning import message_id_for, plan_letters
from receivables.models import DunningLetter, Invoice, LetterEvent
from receivables.tasks import SENT_EVENT_ID, resend_stuck_letters, run_daily_dunning
from tests.chaos.worker import (
    BrokerEnqueue,
    CeleryWorker,
    WorkerLauncher,
    clear_broker,
    requires_postgres_and_redis,
    worker_env,
)
from tests.factories import CompanyFactory, PartnerFactory

pytestmark = [pytest.mark.chaos, requires_postgres_and_redis, pytest.mark.django_db(transaction=True)]

KILLS = 20
DUE_PARTNERS_PER_COMPANY = 24
NOT_DUE_PARTNERS_PER_COMPANY = 4
NOTICE_BATCHES = 10
NOTICES_PER_BATCH = 3  # per company
SINK_DELAY = 0.08  # seconds per request: a send takes time, so kills land inside it
FINAL_TIMEOUT = 120


class KillOnAccept:
    """The sink's hook: after `n` more accepted messages, SIGKILL the current worker (before the sink
    answers, so the worker never learns the message went out)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.worker: CeleryWorker | None = None
        self.remaining: int | None = None
        self.fired = threading.Event()

    def arm(self, worker: CeleryWorker, after: int) -> None:
        with self.lock:
            self.worker, self.remaining = worker, after
            self.fired.clear()

    def disarm(self) -> None:
        with self.lock:
            self.remaining = None

    def __call__(self, message) -> None:
        with self.lock:
            if self.remaining is None:
                return
            self.remaining -= 1
            if self.remaining > 0:
                return
            self.remaining, worker = None, self.worker
        worker.kill()
        self.fired.set()


def seed(today: date) -> tuple[list[Company], dict]:
    """Two companies with overdue partners (financial contacts from the ERP, shared, so without a
    notice of their own) and partners not due yet; the dunning job is queued twice (a repeated run)."""
    financial = ContactType.objects.create(code="financial", name_en="Financial", cardinality="one")
    companies = [
        CompanyFactory(name="Alfa Kft.", code="alfa", country="HU", language="hu"),
        CompanyFactory(name="Beta EOOD", code="beta", country="BG", language="bg", currency="EUR"),
    ]
    for company in companies:
        for i in range(DUE_PARTNERS_PER_COMPANY + NOT_DUE_PARTNERS_PER_COMPANY):
            partner = PartnerFactory(name=f"{company.name} partner {i:02d}")
            due = (
                today - timedelta(days=20 + i) if i < DUE_PARTNERS_PER_COMPANY else today + timedelta(days=9)
            )
            Invoice.objects.create(
                company=company, partner=partner, number=f"{company.code}-{i:03d}",
                issued_on=due - timedelta(days=30), due_on=due, amount=Decimal(5000 + 100 * i),
                open_amount=Decimal(5000 + 100 * i), currency="HUF" if company.code == "alfa" else "EUR",
            )  # fmt: skip
            contact_create(
                partner=partner, company=None, types=[financial], last_name=f"Finance {i}",
                email=f"ap{i:02d}@{company.code}-partner.example",
            )  # fmt: skip
    expected_letters = {}
    for company in companies:
        for planned in plan_letters(company, today).letters:
            expected_letters[(company.pk, planned.partner.pk)] = tuple(planned.recipients)
    with BrokerEnqueue():
        run_daily_dunning.delay()
        run_daily_dunning.delay()
    return companies, expected_letters


def add_contacts(companies: list[Company], batch: int) -> None:
    """A batch of new contacts in each company (a form, an import): each queues its GDPR notice,
    in between the letters the dunning run queued."""
    with BrokerEnqueue():
        for company in companies:
            partners = list(Partner.objects.filter(invoices__company=company).order_by("pk"))
            for i in range(batch * NOTICES_PER_BATCH, (batch + 1) * NOTICES_PER_BATCH):
                contact_create(
                    partner=partners[i % len(partners)], company=company, last_name=f"Sales {i}",
                    email=f"sales{i:02d}@{company.code}-contacts.example",
                )  # fmt: skip


def progress() -> tuple[int, int, int, int]:
    return (
        DunningLetter.objects.count(),
        DunningLetter.objects.filter(status="sent").count(),
        GdprNotice.objects.count(),
        GdprNotice.objects.filter(status="sent").count(),
    )


def test_twenty_sigkills_during_dunning_and_gdpr_mail_lose_nothing_and_duplicate_nothing(tmp_path, capsys):
    seed_value = int(os.environ.get("CHAOS_SEED") or random.SystemRandom().randrange(10**6))
    rng = random.Random(seed_value)
    print(f"\nchaos seed {seed_value} (CHAOS_SEED={seed_value} repeats this run)")
    started = time.monotonic()
    clear_broker()
    today = timezone.localdate()
    companies, expected_letters = seed(today)
    notices = 2 * NOTICE_BATCHES * NOTICES_PER_BATCH
    print(f"seeded in {time.monotonic() - started:.1f} s")
    assert len(expected_letters) == 2 * DUE_PARTNERS_PER_COMPANY

    trigger = KillOnAccept()
    workers: list[CeleryWorker] = []
    broker = redis.Redis.from_url(settings.REDIS_URL)

    def start(name: str) -> CeleryWorker:
        worker = launcher.start(name=name, log_path=tmp_path / f"{name}.log")
        workers.append(worker)
        return worker

    log = []
    with MailSink(tmp_path / "sink.sqlite3", delay=SINK_DELAY, on_accept=trigger) as sink:
        launcher = WorkerLauncher(
            env=worker_env(sink_url=sink.url, visibility_timeout=3), log_path=tmp_path / "launcher.log"
        )
        try:
            for n in range(KILLS):
                if n < NOTICE_BATCHES:
                    add_contacts(companies, n)
                worker = start(f"chaos{n:02d}")
                if rng.random() < 0.5:
                    after = rng.randint(1, 6)
                    trigger.arm(worker, after)
                    worker.wait_ready()
                    if not trigger.fired.wait(20):  # no mail left to send: kill it anyway
                        trigger.disarm()
                        worker.kill()
                    log.append(f"after {after} accepted" if trigger.fired.is_set() else "idle")
                else:
                    worker.wait_ready()
                    pause = rng.uniform(0.05, 1.5)
                    time.sleep(pause)
                    worker.kill()
                    log.append(f"{pause:.2f} s after ready")
                # Production's restore lock expires after 5 minutes; a worker killed while holding it
                # would stall this shortened run, so its stale lock goes with it.
                broker.delete("unacked_mutex")
                print(f"kill {n + 1:2d}: {log[-1]:22s} letters/sent/notices/sent {progress()}")
            kills_done = time.monotonic()

            final = start("final")
            deadline = time.monotonic() + FINAL_TIMEOUT
            last, last_change = None, time.monotonic()
            while True:
                state = progress()
                if state == (len(expected_letters), len(expected_letters), notices, notices):
                    break
                assert time.monotonic() < deadline, f"seed {seed_value}: not finished: {state}"
                if state != last:
                    last, last_change = state, time.monotonic()
                elif time.monotonic() - last_change > 5:
                    # Stalled: what waits with no task (lost between commit and enqueue, e.g. a dunning
                    # run killed after a letter's commit) is swept, as the 5-minute job would.
                    with BrokerEnqueue(), time_machine.travel(timezone.now() + timedelta(minutes=20)):
                        swept = resend_stuck_letters() + resend_stuck_gdpr_notices()
                    print(f"sweep requeued {swept}")
                    last_change = time.monotonic()
                time.sleep(0.3)
            finished = time.monotonic()
            final.stop()
        finally:
            trigger.disarm()
            for worker in workers:
                worker.stop()
            launcher.close()
            clear_broker()
        delivered = sink.store.messages()
        requests = sink.store.request_counts()

    accept_kills = sum(entry.startswith("after") for entry in log)
    print(
        f"kills: {KILLS} ({accept_kills} right after the sink accepted); requests {requests}; "
        f"chaos phase {kills_done - started:.1f} s, recovery {finished - kills_done:.1f} s"
    )

    # Rows: one letter per due partner (no duplicate rows), every letter and notice recorded sent once.
    letters = list(DunningLetter.objects.all())
    assert sorted((letter.company_id, letter.partner_id) for letter in letters) == sorted(expected_letters)
    assert {letter.status for letter in letters} == {"sent"}
    sent_events = Counter(
        LetterEvent.objects.filter(event_id=SENT_EVENT_ID).values_list("letter_id", flat=True)
    )
    assert sent_events == Counter({letter.pk: 1 for letter in letters})
    notice_rows = list(GdprNotice.objects.all())
    assert {notice.status for notice in notice_rows} == {"sent"}

    # The sink: exactly one delivery per letter and notice, by key and by recipient + content.
    by_key = Counter(message.idempotency_key for message in delivered)
    assert [key for key, count in by_key.items() if count > 1] == [], f"seed {seed_value}: duplicates"
    expected_keys = {message_id_for(letter).strip("<>"): letter for letter in letters} | {
        notice_message_id(notice).strip("<>"): notice for notice in notice_rows
    }
    assert set(by_key) == set(expected_keys), f"seed {seed_value}: missing or unexpected mail"
    by_content = Counter((message.recipients, message.subject, message.text) for message in delivered)
    assert max(by_content.values()) == 1
    for message in delivered:
        row = expected_keys[message.idempotency_key]
        assert row.message_id == message.id  # recorded with the id of the one delivery
        if isinstance(row, DunningLetter):
            assert message.recipients == expected_letters[(row.company_id, row.partner_id)]
            assert row.subject == message.subject
    assert len(delivered) == len(expected_letters) + notices

    # The chaos did hit the window: every kill right after an accept forced a resend that the key
    # suppressed (the sink counted it as replayed, not delivered).
    assert requests.get("replayed", 0) >= accept_kills > 0
