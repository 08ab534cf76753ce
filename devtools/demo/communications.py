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
    if Thread.objects.filter(company=alfa, subject="Hydraulic pumps for the new line").exists():
        return
    sales1, sales2 = User.objects.get(username="sales1"), User.objects.get(username="sales2")
    manager1 = User.objects.get(username="manager1")
    duna = Partner.objects.get(name="Duna Gépgyártó Zrt.")
    pump = Product.objects.get(code="HP-200")
    order = Order.objects.get(company=alfa, number="SO-2026-0101")
    key_accounts = Department.objects.get(company=alfa, name="Key accounts")
    thread = services.thread_create(
        company=alfa, owner=sales1, subject="Hydraulic pumps for the new line", partner=duna,
        description=f"Duna plans a second production line; they need #[{pump.name}](product:{pump.pk}).",
    )  # fmt: skip
    thread.orders.add(order)
    incoming = services.communication_create(
        company=alfa, author=sales1, thread=thread, direction="in", channel="email", partner=duna,
        subject="Request for quotation: 2 pumps",
        description=f"Judit Fekete asks for a quote. @[{manager1}](user:{manager1.pk}) please check the discount.",
        assignee=manager1,
    )  # fmt: skip
    services.communication_create(
        company=alfa, author=manager1, thread=thread, direction="out", channel="phone", partner=duna,
        subject="Discount agreed by phone",
        description=f"8% agreed. FYI @[{key_accounts.name}](department:{key_accounts.pk}).",
    )  # fmt: skip
    services.communication_copy_to_task(communication=incoming, actor=sales1)
    services.task_create(
        company=alfa, author=manager1, thread=thread, subject="Send the signed offer",
        partner=duna, assignee=sales1, deadline=timezone.now() + timedelta(days=2),
        description=f"Attach the datasheet of #[{pump.name}](product:{pump.pk}) and #[{order.number}](order:{order.pk}).",
    )  # fmt: skip
    services.task_create(
        company=alfa, author=sales2, subject="Call back about the invoice", counterparty_text="Kovács és Társa",
        assignee=sales2, deadline=timezone.now() - timedelta(days=1),
    )  # fmt: skip
