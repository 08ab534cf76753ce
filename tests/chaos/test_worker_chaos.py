"""Chaos: a real Celery worker on Redis is SIGKILLed at random points of the dunning and GDPR-mail
jobs, 20 times, and restarted each time; afterwards every letter and notice that was due is in the
mail sink exactly once, none is missing, and every row is recorded sent once.

Exactly half the kills (order seeded, printed; CHAOS_SEED=n repeats a run) fall at the worst moment:
the sink has committed a message and the worker dies before reading the answer, so "sent" is never
recorded. The others fall at a random time after the worker is ready (claiming, rendering, the
dunning run, recording). Recovery is the production machinery, with shortened timings: the broker
redelivers a dead worker's unacknowledged tasks (visibility timeout 3 s here, 6 h in production) and
the outbox sweeps requeue rows whose task was lost.

What it proves does not depend on the machine's speed (tests/chaos/README.md): there is always mail
waiting when a worker starts (more contacts are added when it runs low), a kill after an accepted
message waits for that message however long it takes, and the test requires that at least
MIN_IN_FLIGHT_KILLS kills cut a task off (read from the killed worker's own log), not merely that 20
kills happened. Waits end on positive signals under deadlines scaled by CHAOS_TIME_FACTOR; a worker
that exits before it is ready is started again (counted, its log printed if the test fails).

Each worker is a fresh `celery worker` (`app.worker_main`, what the command line runs, on every queue
our tasks are routed to) forked from a launcher that imported Django, the tasks and the translation
catalogues once, so the starts take about a second each and every worker renders the same text.
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
from devtools.mailsink import MailSink
from partners.models import Partner
from receivables.dunning import message_id_for, plan_letters
from receivables.models import DunningLetter, Invoice, LetterEvent
from receivables.tasks import SENT_EVENT_ID, resend_stuck_letters, run_daily_dunning
from tests.chaos.worker import (
    BrokerEnqueue,
    CeleryWorker,
    EarlyExits,
    WorkerLauncher,
    broker_idle,
    clear_broker,
    log_tail,
    requires_postgres_and_redis,
    scaled,
    start_until_ready,
    worker_env,
    worker_queues,
)
from tests.factories import CompanyFactory, PartnerFactory

pytestmark = [pytest.mark.chaos, requires_postgres_and_redis, pytest.mark.django_db(transaction=True)]

KILLS = 20
ACCEPT_KILLS = KILLS // 2  # exactly this many right after the sink accepted a message
# At least this many kills cut off a task the worker had received and not finished (the accept kills
# always do; a random one may find the worker between two tasks).
MIN_IN_FLIGHT_KILLS = 15
DUE_PARTNERS_PER_COMPANY = 24
NOT_DUE_PARTNERS_PER_COMPANY = 4
NOTICE_BATCHES = 10  # batches of new contacts during the first kills; more when mail runs low
NOTICES_PER_BATCH = 3  # per company
LOW_WATER = 2 * NOTICES_PER_BATCH  # fewer mails than this waiting when a worker starts: add a batch
SINK_DELAY = 0.08  # seconds per request: a send takes time, so kills land inside it
# Deadlines (seconds, scaled by CHAOS_TIME_FACTOR); each bounds a wait for a positive signal.
ACCEPT_TIMEOUT = 240  # an armed worker gets a message accepted
ACCEPT_STALL = 15  # nothing accepted for this long while armed: add a batch of contacts
FINAL_TIMEOUT = 480  # the last worker finishes everything
STALL = 30  # no progress for this long in the final phase: sweep even if the broker is not idle
UNPLANNED_DEATHS = 5  # workers that may die on their own after they were ready (e.g. the OOM killer)


class KillOnAccept:
    """The sink's hook: after `n` more accepted messages, SIGKILL the current worker (before the sink
    answers, so the worker never learns the message went out)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.worker: CeleryWorker | None = None
        self.remaining: int | None = None
        self.triggered = threading.Event()  # the kill is under way
        self.fired = threading.Event()  # the worker is dead

    def arm(self, worker: CeleryWorker, after: int) -> None:
        with self.lock:
            self.worker, self.remaining = worker, after
            self.triggered.clear()
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
            self.triggered.set()
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


class Contacts:
    """Batches of new contacts in each company (a form, an import): each queues its GDPR notice, in
    between the letters the dunning run queued."""

    def __init__(self, companies: list[Company]):
        self.companies = companies
        self.batches = 0

    @property
    def notices(self) -> int:
        return len(self.companies) * NOTICES_PER_BATCH * self.batches

    def add_batch(self) -> None:
        with BrokerEnqueue():
            for company in self.companies:
                partners = list(Partner.objects.filter(invoices__company=company).order_by("pk"))
                for i in range(self.batches * NOTICES_PER_BATCH, (self.batches + 1) * NOTICES_PER_BATCH):
                    contact_create(
                        partner=partners[i % len(partners)], company=company, last_name=f"Sales {i}",
                        email=f"sales{i:03d}@{company.code}-contacts.example",
                    )  # fmt: skip
        self.batches += 1


def progress() -> tuple[int, int, int, int]:
    return (
        DunningLetter.objects.count(),
        DunningLetter.objects.filter(status="sent").count(),
        GdprNotice.objects.count(),
        GdprNotice.objects.filter(status="sent").count(),
    )


def test_twenty_sigkills_during_dunning_and_gdpr_mail_lose_nothing_and_duplicate_nothing(tmp_path):
    seed_value = int(os.environ.get("CHAOS_SEED") or random.SystemRandom().randrange(10**6))
    rng = random.Random(seed_value)
    print(f"\nchaos seed {seed_value} (CHAOS_SEED={seed_value} repeats this run)")
    started = time.monotonic()
    clear_broker()
    today = timezone.localdate()
    companies, expected_letters = seed(today)
    contacts = Contacts(companies)
    print(f"seeded in {time.monotonic() - started:.1f} s; worker queues {worker_queues()}")
    assert len(expected_letters) == 2 * DUE_PARTNERS_PER_COMPANY

    def waiting_mail() -> int:
        letters, letters_sent, _notices, notices_sent = progress()
        return len(expected_letters) - letters_sent + contacts.notices - notices_sent

    trigger = KillOnAccept()
    workers: list[CeleryWorker] = []
    early_exits = EarlyExits()
    died: list[CeleryWorker] = []  # ended on their own after they were ready
    broker = redis.Redis.from_url(settings.REDIS_URL)
    schedule = [True] * ACCEPT_KILLS + [False] * (KILLS - ACCEPT_KILLS)
    rng.shuffle(schedule)

    def start(name: str) -> CeleryWorker:
        worker = launcher.start(name=name, log_path=tmp_path / f"{name}.log")
        workers.append(worker)
        return worker

    def died_on_its_own(worker: CeleryWorker) -> None:
        died.append(worker)
        print(f"{worker.name} died on its own, started again:\n{log_tail(worker.log_path, 10)}")
        assert len(died) <= UNPLANNED_DEATHS, f"seed {seed_value}: {len(died)} workers died on their own"

    def kill_after_accepts(worker: CeleryWorker, after: int) -> bool:
        """Arm the sink, wait (however long the machine needs) until it kills the worker right after
        the `after`-th accepted message. False if the worker died on its own first."""
        trigger.arm(worker, after)
        deadline = time.monotonic() + scaled(ACCEPT_TIMEOUT)
        seen, last_change = sum(sink.store.request_counts().values()), time.monotonic()
        while not trigger.triggered.wait(0.3):
            if not worker.alive and not trigger.triggered.is_set():
                trigger.disarm()
                return False
            requests = sum(sink.store.request_counts().values())
            if requests != seen:
                seen, last_change = requests, time.monotonic()
            elif time.monotonic() - last_change > scaled(ACCEPT_STALL):
                contacts.add_batch()  # what was waiting is stuck or lost until the sweep: new mail
                print(f"  nothing sent for {scaled(ACCEPT_STALL):.0f} s: added contacts")
                last_change = time.monotonic()
            assert time.monotonic() < deadline, (
                f"seed {seed_value}: {worker.name} had no message accepted in {scaled(ACCEPT_TIMEOUT):.0f} s; "
                f"{progress()}\n{log_tail(worker.log_path)}"
            )
        assert trigger.fired.wait(scaled(60)), f"{worker.name} outlived its SIGKILL"
        return True

    kills: list[tuple[str, int]] = []  # what each kill cut off: (when, tasks in flight)
    with MailSink(tmp_path / "sink.sqlite3", delay=SINK_DELAY, on_accept=trigger) as sink:
        launcher = WorkerLauncher(
            env=worker_env(sink_url=sink.url, visibility_timeout=3), log_path=tmp_path / "launcher.log"
        )
        try:
            while len(kills) < KILLS:
                n = len(kills)
                if contacts.batches < NOTICE_BATCHES or waiting_mail() < LOW_WATER:
                    contacts.add_batch()
                worker = start_until_ready(start, f"chaos{n:02d}", early_exits)
                if schedule[n]:
                    after = rng.randint(1, 6)
                    if not kill_after_accepts(worker, after):
                        died_on_its_own(worker)
                        continue
                    when = f"after {after} accepted"
                else:
                    pause = rng.uniform(0.05, 1.5)
                    time.sleep(pause)  # a random point of the work, not a wait for anything
                    if not worker.alive:
                        died_on_its_own(worker)
                        continue
                    worker.kill()
                    when = f"{pause:.2f} s after ready"
                kills.append((when, len(worker.tasks_in_flight())))
                # Production's restore lock expires after 5 minutes; a worker killed while holding it
                # would stall this shortened run, so its stale lock goes with it.
                broker.delete("unacked_mutex")
                print(
                    f"kill {n + 1:2d}: {when:22s} in flight {kills[-1][1]}  "
                    f"letters/sent/notices/sent {progress()}"
                )
            kills_done = time.monotonic()

            target = (len(expected_letters), len(expected_letters), contacts.notices, contacts.notices)
            final = start_until_ready(start, "final", early_exits)
            deadline = time.monotonic() + scaled(FINAL_TIMEOUT)
            last, last_change = None, time.monotonic()
            while True:
                state = progress()
                if state == target:
                    break
                assert time.monotonic() < deadline, (
                    f"seed {seed_value}: not finished: {state}, expected {target}\n{log_tail(final.log_path)}"
                )
                if not final.alive:
                    died_on_its_own(final)
                    final = start_until_ready(start, f"final{len(died)}", early_exits)
                if state != last:
                    last, last_change = state, time.monotonic()
                elif (
                    time.monotonic() - last_change > 2
                    and broker_idle(broker, launcher.queues)
                    and not final.tasks_in_flight()
                ) or time.monotonic() - last_change > scaled(STALL):
                    # Nothing queued, nothing held, nothing running, yet not done: what waits with no
                    # task (lost between commit and enqueue, e.g. a dunning run killed after a letter's
                    # commit) is swept, as the 5-minute job would.
                    with BrokerEnqueue(), time_machine.travel(timezone.now() + timedelta(minutes=20)):
                        swept = resend_stuck_letters() + resend_stuck_gdpr_notices()
                    print(f"sweep requeued {swept}")
                    last_change = time.monotonic()
                time.sleep(0.3)
            finished = time.monotonic()
            final.stop()
        except BaseException:
            if early_exits:
                print(f"{len(early_exits)} workers exited before they were ready:\n{early_exits.report()}")
            raise
        finally:
            trigger.disarm()
            for worker in workers:
                worker.stop()
            launcher.close()
            clear_broker()
        delivered = sink.store.messages()
        requests = sink.store.request_counts()

    accept_kills = sum(when.startswith("after") for when, _ in kills)
    in_flight_kills = sum(1 for _, tasks in kills if tasks)
    attempts = Counter(DunningLetter.objects.values_list("attempts", flat=True)) + Counter(
        GdprNotice.objects.values_list("attempts", flat=True)
    )
    print(
        f"kills: {len(kills)} ({accept_kills} right after the sink accepted, {in_flight_kills} with a task "
        f"in flight); restarts: {len(early_exits)} before ready, {len(died)} died on their own; "
        f"mail {len(expected_letters)} letters + {contacts.notices} notices; requests {requests}; "
        f"attempts {dict(sorted(attempts.items()))}; chaos phase {kills_done - started:.1f} s, "
        f"recovery {finished - kills_done:.1f} s"
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
    assert len(notice_rows) == contacts.notices
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
    assert len(delivered) == len(expected_letters) + contacts.notices
    # Every resend carried the first send's very payload (same text, same translation): no conflict.
    assert requests.get("conflict", 0) == 0

    # The chaos did hit the window: every kill right after an accept forced a resend that the key
    # suppressed (the sink counted it as replayed, not delivered), and most kills cut a task off.
    assert accept_kills == ACCEPT_KILLS
    assert requests.get("replayed", 0) >= accept_kills
    assert in_flight_kills >= MIN_IN_FLIGHT_KILLS, (
        f"seed {seed_value}: only {in_flight_kills} kills hit a task"
    )
