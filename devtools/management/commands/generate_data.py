"""Fill the database with a realistic, reproducible data set for benchmarks.

    manage.py generate_data --scale 1        # the reference size (issue 9)
    manage.py generate_data --scale 0.01     # 1 % of it, for a quick look

Reference size: 3 companies, 300 users in a supervisor hierarchy up to 12 levels deep with diamonds,
100,000 partners, 250,000 contacts, 200,000 threads with 1,000,000 communications, 300,000 tasks,
500,000 events and 200,000 open invoices. Everything goes in with bulk inserts in batches, so memory
stays flat; the same --seed gives the same data.
"""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from communications.models import Communication, NumberSequence, Task, Thread
from companies.access import invalidate
from companies.list_toolbars import forget as forget_toolbars
from companies.models import Company, Membership, SupervisorEdge, User
from contacts.models import Contact
from events.models import Event, EventType
from partners.models import Partner, PartnerAccount
from receivables.models import Invoice

REFERENCE = {
    "companies": 3,
    "users": 300,
    "partners": 100_000,
    "contacts": 250_000,
    "threads": 200_000,
    "communications": 1_000_000,
    "tasks": 300_000,
    "events": 500_000,
    "invoices": 200_000,
}
BATCH = 5000
DEPTH = 12


class Command(BaseCommand):
    help = "Generate a reproducible benchmark data set (--scale 1 = the reference size)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.01)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--prefix", default="gen")

    def handle(self, *args, scale: float, seed: int, prefix: str, **options):
        if Company.objects.filter(code__startswith=f"{prefix}-").exists():
            raise CommandError(
                f"Companies {prefix}-* exist already: generate into a fresh database or give another --prefix."
            )
        self.rng = random.Random(seed)  # noqa: S311 (reproducible data, not security)
        self.prefix = prefix
        sizes = {key: max(int(value * scale), 1) for key, value in REFERENCE.items()}
        sizes["companies"] = REFERENCE["companies"]
        sizes["users"] = max(sizes["users"], DEPTH * sizes["companies"] * 2)
        self.now = timezone.now()
        started = time.perf_counter()
        steps = [
            ("companies and users", self.people),
            ("partners", self.partners),
            ("contacts", self.contacts),
            ("threads", self.threads),
            ("communications", self.communications),
            ("tasks", self.tasks),
            ("events", self.events),
            ("invoices", self.invoices),
        ]
        self.sizes = sizes
        for label, step in steps:
            begin = time.perf_counter()
            with transaction.atomic():
                count = step()
            self.stdout.write(f"{label:<22} {count:>9} rows  {time.perf_counter() - begin:7.1f} s")
        begin = time.perf_counter()
        self.statistics()
        self.stdout.write(f"{'statistics':<22} {'':>9}       {time.perf_counter() - begin:7.1f} s")
        self.stdout.write(self.style.SUCCESS(f"done in {time.perf_counter() - started:.1f} s"))

    def statistics(self) -> None:
        """Planner statistics and visibility maps for the new rows, as after a restore; without them the
        planner guesses row counts of freshly loaded tables and picks slow plans (the partner search took
        270 ms instead of 100 until autovacuum came round). The access cache forgets the bulk-made
        memberships' predecessors, the list toolbars their member pickers."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        invalidate()
        forget_toolbars()

    def _bulk(self, model, rows, batch=BATCH) -> int:
        total, chunk = 0, []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                model.objects.bulk_create(chunk)
                total += len(chunk)
                chunk = []
        if chunk:
            model.objects.bulk_create(chunk)
            total += len(chunk)
        return total

    # People: per company a hierarchy DEPTH levels deep; some people have two supervisors (diamonds).
    def people(self) -> int:
        self.companies = [
            Company.objects.create(
                code=f"{self.prefix}-{i}", name=f"Generated {self.prefix}-{i} Kft.", country="HU"
            )
            for i in range(1, self.sizes["companies"] + 1)
        ]
        password = make_password("bench-Pass-2026")
        per_company = self.sizes["users"] // len(self.companies)
        self.users: dict[int, list[User]] = {}
        self.levels: dict[int, list[list[User]]] = {}
        rows = 0
        for company in self.companies:
            users = User.objects.bulk_create(
                [
                    User(
                        username=f"{company.code}-u{n:03d}",
                        password=password,
                        first_name="Gen",
                        last_name=f"{n:03d}",
                    )
                    for n in range(per_company)
                ]
            )
            Membership.objects.bulk_create([Membership(user=u, company=company) for u in users])
            levels = [[users[0]]] + [[] for _ in range(DEPTH)]
            for index, user in enumerate(users[1:], start=1):
                levels[1 + index % DEPTH].append(user)
            edges = []
            for depth in range(1, DEPTH + 1):
                above = levels[depth - 1] or levels[0]
                for user in levels[depth]:
                    bosses = {self.rng.choice(above)}
                    if len(above) > 1 and self.rng.random() < 0.2:
                        bosses.add(self.rng.choice(above))
                    edges += [SupervisorEdge(company=company, supervisor=b, subordinate=user) for b in bosses]
            SupervisorEdge.objects.bulk_create(edges)
            self.users[company.pk] = users
            self.levels[company.pk] = levels
            rows += len(users) + len(edges)
        return rows

    def partners(self) -> int:
        start = Partner.objects.count()
        count = self._bulk(
            Partner,
            (
                Partner(name=f"{self.prefix.title()} Partner {start + n:07d} Kft.")
                for n in range(self.sizes["partners"])
            ),
        )
        self.partner_ids = list(Partner.objects.order_by("-pk").values_list("pk", flat=True)[:count])
        self.partner_company = {}
        accounts = []
        for pk in self.partner_ids:
            company = self.rng.choice(self.companies)
            self.partner_company[pk] = company
            owner = self.rng.choice(self.users[company.pk])
            accounts.append(PartnerAccount(company=company, partner_id=pk, owner=owner, status="active"))
        return count + self._bulk(PartnerAccount, iter(accounts))

    def contacts(self) -> int:
        return self._bulk(
            Contact,
            (
                Contact(
                    partner_id=self.rng.choice(self.partner_ids),
                    last_name=f"Contact {n}",
                    email=f"c{n}@gen.example",
                )
                for n in range(self.sizes["contacts"])
            ),
        )

    def threads(self) -> int:
        def rows():
            for n in range(self.sizes["threads"]):
                partner = self.rng.choice(self.partner_ids)
                company = self.partner_company[partner]
                yield Thread(
                    company=company, partner_id=partner, owner=self.rng.choice(self.users[company.pk]),
                    subject=f"Thread {n}",
                )  # fmt: skip

        count = self._bulk(Thread, rows())
        self.threads_list = list(
            Thread.objects.order_by("-pk").values_list("pk", "company_id", "partner_id")[:count]
        )
        return count

    def _numbered(self, model, prefix_for, total: int, make) -> int:
        counters: dict[tuple[int, str], int] = {}

        def rows():
            for n in range(total):
                thread_id, company_id, partner_id = self.rng.choice(self.threads_list)
                created = self.now - timedelta(minutes=self.rng.randint(0, 60 * 24 * 700))
                series = f"{prefix_for(n)}-{timezone.localtime(created).year}"
                key = (company_id, series)
                if key not in counters:
                    counters[key] = self._last(company_id, series)
                counters[key] += 1
                yield make(n, thread_id, company_id, partner_id, created, f"{series}-{counters[key]:06d}")

        count = self._bulk(model, rows())
        for (company_id, series), value in counters.items():
            NumberSequence.objects.update_or_create(
                company_id=company_id, series=series, defaults={"last_value": value}
            )
        return count

    def _last(self, company_id: int, series: str) -> int:
        row = NumberSequence.objects.filter(company_id=company_id, series=series).first()
        return row.last_value if row else 0

    def communications(self) -> int:
        def make(n, thread_id, company_id, partner_id, created, number):
            users = self.users[company_id]
            return Communication(
                company_id=company_id, thread_id=thread_id, partner_id=partner_id, number=number,
                direction="in" if n % 2 == 0 else "out", channel=("email", "phone", "meeting")[n % 3],
                subject=f"Communication {n}", author=self.rng.choice(users),
                assignee=self.rng.choice(users) if n % 4 == 0 else None, created_at=created,
            )  # fmt: skip

        return self._numbered(
            Communication, lambda n: "IN" if n % 2 == 0 else "OUT", self.sizes["communications"], make
        )

    def tasks(self) -> int:
        def make(n, thread_id, company_id, partner_id, created, number):
            users = self.users[company_id]
            return Task(
                company_id=company_id, thread_id=thread_id, partner_id=partner_id, number=number,
                subject=f"Task {n}", author=self.rng.choice(users), assignee=self.rng.choice(users),
                status=("new", "assigned", "in_progress", "done")[n % 4], created_at=created,
                deadline=created + timedelta(days=self.rng.randint(1, 30)),
            )  # fmt: skip

        return self._numbered(Task, lambda n: "T", self.sizes["tasks"], make)

    def events(self) -> int:
        call, _ = EventType.objects.get_or_create(
            code="phone-call", defaults={"name_en": "Phone call", "kind": "call"}
        )

        def rows():
            for n in range(self.sizes["events"]):
                partner = self.rng.choice(self.partner_ids)
                company = self.partner_company[partner]
                start = self.now + timedelta(minutes=self.rng.randint(-60 * 24 * 500, 60 * 24 * 60))
                yield Event(
                    company=company, type=call, partner_id=partner, owner=self.rng.choice(self.users[company.pk]),
                    starts_at=start, subject=f"Event {n}", outcome="open" if start > self.now else "successful",
                )  # fmt: skip

        return self._bulk(Event, rows())

    def invoices(self) -> int:
        today = date.today()
        start = Invoice.objects.count()

        def rows():
            for n in range(self.sizes["invoices"]):
                partner = self.rng.choice(self.partner_ids)
                due = today - timedelta(days=self.rng.randint(-30, 200))
                amount = Decimal(self.rng.randint(1000, 3_000_000))
                yield Invoice(
                    company=self.partner_company[partner], partner_id=partner, number=f"GEN-{start + n:08d}",
                    issued_on=due - timedelta(days=30), due_on=due, amount=amount, open_amount=amount,
                )  # fmt: skip

        return self._bulk(Invoice, rows())
