"""Demo activity that fills every list, chart and calendar at any date: events, threads with
communications and tasks, invoices and a few notifications, spread over the three months before the
day `seed_demo` runs and the month after it, in each company's language (Hungarian for Alfa,
Bulgarian for Beta).

1. The plan is drawn from a fixed random seed per company: the same texts, people and partners on
   every run; only the dates move with the day it runs (`days` relative to today, working days only).
2. Idempotent: a company's activity is created once. When its first planned event exists, nothing is
   added again (re-running `seed_demo` creates nothing new, on the same day or later).
3. Past meetings are closed (with a closing note), so no demo user starts blocked by the meeting
   rule; overdue tasks, open invoices of every ageing bucket and unread notifications are there on purpose.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from communications import services as communication_services
from communications.models import Communication, Notification, Task, Thread
from companies.models import Company, User
from events.models import Event, EventType
from partners.models import PartnerAccount
from receivables.models import Invoice

PAST_DAYS, FUTURE_DAYS = 91, 31


@dataclass(frozen=True)
class Texts:
    """One company's language: what its people write."""

    events: dict[str, list[str]]
    won: list[str]
    lost: list[str]
    topics: list[str]
    incoming: list[str]
    outgoing: list[str]
    calls: list[str]
    bodies: list[str]
    tasks: list[str]
    invoice_prefix: str


HU = Texts(
    events={
        "phone-call": [
            "Telefonos egyeztetés – {p}",
            "Visszahívás a szállítási határidőről – {p}",
            "Árajánlat utánkövetése – {p}",
            "Reklamáció egyeztetése – {p}",
        ],
        "meeting": [
            "Személyes tárgyalás – {p}",
            "Keretszerződés áttekintése – {p}",
            "Üzemlátogatás – {p}",
            "Termékbemutató – {p}",
        ],
        "offer": ["Ajánlat kiküldése – {p}", "Árlista frissítése – {p}"],
        "reminder": ["Szerződés lejárata – {p}", "Negyedéves rendelés esedékes – {p}"],
    },
    won=[
        "Megállapodtunk a következő lépésekről.",
        "Az ügyfél elfogadta az ajánlatot, a rendelés a jövő héten jön.",
        "Jó hangulatú egyeztetés, a műszaki kérdéseket tisztáztuk.",
    ],
    lost=[
        "Nem értük el, később újra próbáljuk.",
        "Az ügyfél idén már nem tervez beszerzést.",
    ],
    topics=["Keretszerződés 2027", "Alkatrészek az új gyártósorhoz", "Szervizszerződés megújítása"],
    incoming=["Árajánlatkérés: {product}", "Kérdés a szállítási határidőről", "Számlamásolat kérése"],
    outgoing=["Ajánlat: {product}", "Rendelés visszaigazolása", "Műszaki adatlapok"],
    calls=["Telefonos egyeztetés a szállításról", "Tárgyalás a kedvezményről"],
    bodies=[
        "Kérik, hogy a szállítás a hónap végéig megtörténjen.",
        "Az ár rendben van, a fizetési határidőt 30 napra kérik.",
        "Átküldtem a kért dokumentumokat, visszajelzést várunk.",
    ],
    tasks=[
        "Ajánlat elkészítése",
        "Szerződéstervezet küldése",
        "Szállítási határidő egyeztetése",
        "Minták postázása",
        "Hitelkeret ellenőrzése",
    ],
    invoice_prefix="SZ-2026-",
)
BG = Texts(
    events={
        "phone-call": [
            "Телефонен разговор – {p}",
            "Обратно обаждане за срока на доставка – {p}",
            "Проследяване на оферта – {p}",
            "Обсъждане на рекламация – {p}",
        ],
        "meeting": [
            "Среща на място – {p}",
            "Преглед на рамковия договор – {p}",
            "Посещение в завода – {p}",
            "Представяне на продукти – {p}",
        ],
        "offer": ["Изпращане на оферта – {p}", "Актуализиране на ценовата листа – {p}"],
        "reminder": ["Изтичане на договор – {p}", "Тримесечна поръчка – {p}"],
    },
    won=[
        "Договорихме следващите стъпки.",
        "Клиентът прие офертата, поръчката идва следващата седмица.",
        "Изяснихме техническите въпроси.",
    ],
    lost=["Не успяхме да се свържем, ще опитаме отново.", "Клиентът не планира покупки тази година."],
    topics=["Рамков договор 2027", "Резервни части за новата линия", "Подновяване на сервизния договор"],
    incoming=["Запитване за оферта: {product}", "Въпрос за срока на доставка", "Искане за копие на фактура"],
    outgoing=["Оферта: {product}", "Потвърждение на поръчка", "Технически листове"],
    calls=["Телефонен разговор за доставката", "Преговори за отстъпка"],
    bodies=[
        "Молят доставката да е до края на месеца.",
        "Цената е приемлива, искат срок за плащане 30 дни.",
        "Изпратих исканите документи, очакваме отговор.",
    ],
    tasks=[
        "Изготвяне на оферта",
        "Изпращане на проектодоговор",
        "Уточняване на срока за доставка",
        "Изпращане на мостри",
        "Проверка на кредитния лимит",
    ],
    invoice_prefix="ФК-2026-",
)
TEXTS = {"alfa": HU, "beta": BG}
PRODUCTS = {"alfa": ["hidraulikus szivattyú", "szelepblokk", "nyomásérzékelő"], "beta": ["хидравлична помпа", "клапанен блок", "датчик за налягане"]}  # fmt: skip
# Who works the company's partners: people with accounts, and how busy each is (events per working day).
PEOPLE = {
    "alfa": {"sales1": 0.9, "sales2": 0.9, "manager1": 0.5, "manager2": 0.4, "director": 0.2},
    "beta": {"ivan": 1.0, "director": 0.4},
}
EVENT_TYPES = ["phone-call"] * 4 + ["meeting"] * 3 + ["offer"] * 2 + ["reminder"]


def _working_days(today: date) -> list[int]:
    """Offsets from today of the working days (Monday to Friday) in the demo's window."""
    return [n for n in range(-PAST_DAYS, FUTURE_DAYS + 1) if (today + timedelta(days=n)).weekday() < 5]


def _at(today: date, days: int, minutes: int) -> datetime:
    """A moment `days` after today at `minutes` past midnight, in the active (company's) time zone."""
    moment = datetime.combine(today + timedelta(days=days), time()) + timedelta(minutes=minutes)
    return timezone.make_aware(moment, timezone.get_current_timezone())


def _short(name: str) -> str:
    return name.split(" ")[0]


def seed(companies: dict[str, Company]) -> None:
    for code, company in companies.items():
        with timezone.override(company.zone):
            _seed_company(code, company)


def _seed_company(code: str, company: Company) -> None:
    texts, rng = TEXTS[code], random.Random(f"crm-demo-{code}")  # noqa: S311 - demo texts, not secrets
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=[*PEOPLE[code], "finance"])}
    accounts = list(
        PartnerAccount.objects.filter(company=company, owner__isnull=False)
        .select_related("partner", "owner")
        .order_by("partner__name")
    )
    partners_of = {
        username: [a.partner for a in accounts if a.owner.username == username] for username in PEOPLE[code]
    }
    types = {t.code: t for t in EventType.objects.all()}
    plan = _event_plan(texts, rng, today, partners_of)
    if (
        not plan
        or Event.objects.filter(company=company, subject=plan[0][0], owner=users[plan[0][1]]).exists()
    ):
        return
    _create_events(company, plan, users, types, texts, rng, today)
    _create_threads(code, company, texts, rng, today, accounts, users)
    _create_invoices(company, texts, rng, today, accounts)


def _event_plan(texts: Texts, rng: random.Random, today: date, partners_of) -> list[tuple]:
    """(subject, owner, type code, partner, days from today, minutes after midnight)."""
    plan = []
    for days in _working_days(today):
        for username in sorted(partners_of):
            mine, busy = partners_of[username], PEOPLE_BUSY[username]
            if not mine:
                continue
            for _ in range(2):
                if rng.random() < busy / 2:
                    code = rng.choice(EVENT_TYPES)
                    partner = rng.choice(mine)
                    subject = rng.choice(texts.events[code]).format(p=_short(partner.name))
                    plan.append((subject, username, code, partner, days, rng.randrange(16, 34) * 30))
    return plan


PEOPLE_BUSY = {username: busy for people in PEOPLE.values() for username, busy in people.items()}


def _create_events(company, plan, users, types, texts: Texts, rng: random.Random, today: date) -> None:
    now = timezone.now()
    rows = []
    for subject, username, code, partner, days, minutes in plan:
        event_type, owner = types[code], users[username]
        starts_at = _at(today, days, minutes)
        ends_at = (
            starts_at + timedelta(minutes=60 if code == "meeting" else 30)
            if event_type.has_duration
            else None
        )
        event = Event(
            company=company, type=event_type, owner=owner, partner=partner, subject=subject,
            starts_at=starts_at, ends_at=ends_at, created_by=owner,
            location=_seat(partner) if event_type.has_place else "",
            reminder_minutes=event_type.default_reminder_minutes if starts_at > now else None,
        )  # fmt: skip
        if (ends_at or starts_at) < now:
            won = rng.random() < 0.7
            event.outcome = "successful" if won else "unsuccessful"
            event.closing_note = rng.choice(texts.won if won else texts.lost)
            event.closed_at = (ends_at or starts_at) + timedelta(hours=2)
            event.closed_by = owner
        rows.append(event)
    # Finance: collection calls and promises to pay around today.
    finance = users.get("finance")
    debtors = [event.partner for event in rows[:40:7]]
    for index, partner in enumerate(debtors):
        code = "collection-call" if index % 2 == 0 else "promise-to-pay"
        starts_at = _at(today, -20 + index * 9, 10 * 60)
        past = starts_at < now
        rows.append(
            Event(
                company=company,
                type=types[code],
                owner=finance,
                partner=partner,
                created_by=finance,
                subject=f"{getattr(types[code], 'name_' + company.language, '')} – {_short(partner.name)}",
                starts_at=starts_at,
                outcome="successful" if past else "open",
                closing_note=texts.won[0] if past else "",
                closed_at=starts_at + timedelta(hours=1) if past else None,
                closed_by=finance if past else None,
                promised_payment_on=(starts_at + timedelta(days=7)).date()
                if code == "promise-to-pay"
                else None,
            )  # fmt: skip
        )
    Event.objects.bulk_create(rows)


def _seat(partner) -> str:
    seat = next(iter(partner.addresses.all()), None)
    return f"{seat.postal_code} {seat.city}, {seat.street}" if seat else ""


def _create_threads(code, company, texts: Texts, rng: random.Random, today: date, accounts, users) -> None:
    """A thread per active partner with communications over the past months and tasks around today."""
    boss = users.get("manager1") or users.get("director")
    products = PRODUCTS[code]
    for index, account in enumerate(a for a in accounts if a.owner.username in PEOPLE[code]):
        owner, partner = account.owner, account.partner
        started = -rng.randrange(60, PAST_DAYS)
        thread = communication_services.thread_create(
            company=company, owner=owner, partner=partner,
            subject=f"{_short(partner.name)}: {texts.topics[index % len(texts.topics)]}",
        )  # fmt: skip
        Thread.objects.filter(pk=thread.pk).update(created_at=_at(today, started, 9 * 60))
        days = started
        for _ in range(rng.randrange(2, 6)):
            days += rng.randrange(3, 18)
            if days > 0:
                break
            product = rng.choice(products)
            direction, channel, subject = rng.choice(
                [("in", "email", rng.choice(texts.incoming)), ("out", "email", rng.choice(texts.outgoing)),
                 ("out", "phone", rng.choice(texts.calls))]
            )  # fmt: skip
            communication_services.communication_create(
                company=company, author=owner, thread=thread, partner=partner, direction=direction,
                channel=channel, subject=subject.format(product=product), description=rng.choice(texts.bodies),
                created_at=_at(today, days, rng.randrange(16, 34) * 30),
                status="closed" if days < -14 else rng.choice(["new", "in_progress", "answered"]),
            )  # fmt: skip
        for deadline_days in (rng.randrange(-30, -1), rng.randrange(1, FUTURE_DAYS)):
            done = deadline_days < 0 and rng.random() < 0.6
            task = communication_services.task_create(
                company=company, author=owner, thread=thread, partner=partner, assignee=owner,
                subject=rng.choice(texts.tasks), deadline=_at(today, deadline_days, 16 * 60),
                created_at=_at(today, deadline_days - rng.randrange(5, 15), 9 * 60),
                status="done" if done else rng.choice(["assigned", "in_progress"]),
            )  # fmt: skip
            if done:
                Task.objects.filter(pk=task.pk).update(completed_at=_at(today, deadline_days - 1, 15 * 60))
    # A supervisor hands work to a seller and comes back to it: two notifications about one task.
    seller = users.get("sales1") or users.get("ivan")
    if boss and seller and boss != seller:
        account = next((a for a in accounts if a.owner == seller), None)
        if account:
            task = communication_services.task_create(
                company=company, author=boss, partner=account.partner, assignee=seller,
                subject=texts.tasks[0] + f" – {_short(account.partner.name)}", deadline=_at(today, 3, 12 * 60),
                new_thread_subject=f"{_short(account.partner.name)}: {texts.topics[0]}",
            )  # fmt: skip
            communication_services.task_update(
                task=task, actor=boss,
                description=f"@[{seller.get_full_name()}](user:{seller.pk}) " + texts.bodies[1],
            )  # fmt: skip
            Notification.objects.filter(url=task.get_absolute_url()).update(
                created_at=timezone.now() - timedelta(minutes=25)
            )
    Communication.objects.filter(company=company, status="").update(status="new")


def _create_invoices(company, texts: Texts, rng: random.Random, today: date, accounts) -> None:
    """Open invoices in every ageing bucket (not yet due, 1-30, 31-60, 61-90, over 90 days)."""
    customers = [a.partner for a in accounts if a.partner.is_customer]
    currencies = [company.currency, company.currency, "EUR"]
    for n, overdue in enumerate([-20, -8, 4, 11, 19, 27, 35, 44, 58, 66, 79, 95, 118]):
        partner = customers[n % len(customers)]
        currency = currencies[n % 3]
        amount = Decimal(rng.randrange(80, 2_400) * (1_000 if currency == "HUF" else 10))
        due = today - timedelta(days=overdue)
        Invoice.objects.get_or_create(
            company=company, number=f"{texts.invoice_prefix}{2000 + n:04d}",
            defaults={"partner": partner, "issued_on": due - timedelta(days=30), "due_on": due,
                      "amount": amount, "open_amount": amount if n % 4 else amount / 2, "currency": currency},
        )  # fmt: skip
