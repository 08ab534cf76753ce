"""Demo threads, communications and tasks with mentions. Idempotent (by thread subject)."""

from datetime import timedelta

from django.utils import timezone

from communications import services
from communications.models import Thread
from companies.models import Company, Department, User
from orders.models import Order, Product
from partners.models import Partner


def seed(companies: dict[str, Company]) -> None:
    alfa = companies["alfa"]
    if Thread.objects.filter(company=alfa, subject="Hidraulikus szivattyúk az új gyártósorhoz").exists():
        return
    sales1, sales2 = User.objects.get(username="sales1"), User.objects.get(username="sales2")
    manager1 = User.objects.get(username="manager1")
    duna = Partner.objects.get(name="Duna Gépgyártó Zrt.")
    pump = Product.objects.get(code="HP-200")
    order = Order.objects.get(company=alfa, number="SO-2026-0101")
    key_accounts = Department.objects.get(company=alfa, name="Key accounts")
    thread = services.thread_create(
        company=alfa, owner=sales1, subject="Hidraulikus szivattyúk az új gyártósorhoz", partner=duna,
        description=f"A Duna második gyártósort tervez, ehhez #[{pump.name}](product:{pump.pk}) kell.",
    )  # fmt: skip
    thread.orders.add(order)
    incoming = services.communication_create(
        company=alfa, author=sales1, thread=thread, direction="in", channel="email", partner=duna,
        subject="Árajánlatkérés: 2 szivattyú",
        description=f"Fekete Judit árajánlatot kér. @[{manager1}](user:{manager1.pk}) kérlek, nézd meg a kedvezményt.",
        assignee=manager1,
    )  # fmt: skip
    services.communication_create(
        company=alfa, author=manager1, thread=thread, direction="out", channel="phone", partner=duna,
        subject="Kedvezmény telefonon egyeztetve",
        description=f"8%-ban állapodtunk meg. Tájékoztatásul: @[{key_accounts.name}](department:{key_accounts.pk}).",
    )  # fmt: skip
    services.communication_copy_to_task(communication=incoming, actor=sales1)
    services.task_create(
        company=alfa, author=manager1, thread=thread, subject="Az aláírt ajánlat elküldése",
        partner=duna, assignee=sales1, deadline=timezone.now() + timedelta(days=2),
        description=f"Csatold a(z) #[{pump.name}](product:{pump.pk}) adatlapját és a(z) #[{order.number}](order:{order.pk}) rendelést.",
    )  # fmt: skip
    services.task_create(
        company=alfa, author=sales2, subject="Visszahívás a számla ügyében", counterparty_text="Kovács és Társa Bt.",
        assignee=sales2, deadline=timezone.now() - timedelta(days=1),
    )  # fmt: skip
