"""Demo products and orders (until the ERP sync fills them). Idempotent."""

from datetime import date
from decimal import Decimal

from companies.models import Company
from orders.models import Order, OrderLine, Product
from partners.models import Partner

PRODUCTS = [
    ("HP-200", "Hydraulic pump 200 bar", "pcs"),
    ("FLT-10", "Oil filter 10 µm", "pcs"),
    ("SRV-H", "Service hour", "h"),
]
ORDERS = [
    (
        "alfa",
        "SO-2026-0101",
        "customer",
        "Duna Gépgyártó Zrt.",
        date(2026, 10, 2),
        "in_progress",
        [("HP-200", 2, 450000)],
    ),
    (
        "alfa",
        "SO-2026-0117",
        "customer",
        "Tisza Logisztika Kft.",
        date(2026, 10, 20),
        "open",
        [("FLT-10", 40, 3200)],
    ),
    (
        "alfa",
        "PO-2026-0044",
        "supply",
        "Pannon Acél Kft.",
        date(2026, 9, 12),
        "done",
        [("HP-200", 10, 310000)],
    ),
    ("alfa", "MO-2026-0009", "production", None, date(2026, 11, 3), "open", [("HP-200", 5, 0)]),
]


def seed(companies: dict[str, Company]) -> None:
    products = {
        code: Product.objects.update_or_create(code=code, defaults={"name": name, "unit": unit})[0]
        for code, name, unit in PRODUCTS
    }
    for company_code, number, kind, partner_name, ordered_on, status, lines in ORDERS:
        partner = Partner.objects.get(name=partner_name) if partner_name else None
        total = sum(Decimal(quantity) * Decimal(price) for _code, quantity, price in lines)
        order, created = Order.objects.update_or_create(
            company=companies[company_code], kind=kind, number=number,
            defaults={"partner": partner, "ordered_on": ordered_on, "status": status, "total": total},
        )  # fmt: skip
        if created:
            for code, quantity, price in lines:
                OrderLine.objects.create(
                    order=order, product=products[code], quantity=quantity, unit_price=price
                )
