"""Demo products and orders (until the ERP sync fills them). Idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from companies.models import Company
from orders.models import Order, OrderLine, Product
from partners.models import Partner

PRODUCTS = [
    ("HP-200", "Hidraulikus szivattyú 200 bar", "db"),
    ("FLT-10", "Olajszűrő 10 µm", "db"),
    ("SRV-H", "Szerviz munkaóra", "óra"),
    ("VLV-50", "Szelepblokk DN50", "db"),
    ("SEN-P", "Nyomásérzékelő 0-250 bar", "db"),
]
ORDERS = [
    (
        "alfa",
        "SO-2026-0101",
        "customer",
        "Duna Gépgyártó Zrt.",
        65,
        "in_progress",
        [("HP-200", 2, 450000)],
    ),
    (
        "alfa",
        "SO-2026-0117",
        "customer",
        "Tisza Logisztika Kft.",
        47,
        "open",
        [("FLT-10", 40, 3200)],
    ),
    (
        "alfa",
        "PO-2026-0044",
        "supply",
        "Pannon Acél Kft.",
        85,
        "done",
        [("HP-200", 10, 310000)],
    ),
    ("alfa", "MO-2026-0009", "production", None, 33, "open", [("HP-200", 5, 0)]),
    (
        "alfa",
        "SO-2026-0124",
        "customer",
        "Rába Járműalkatrész Kft.",
        21,
        "in_progress",
        [("VLV-50", 12, 58000)],
    ),
    ("alfa", "SO-2026-0131", "customer", "Bakony Bányászati Zrt.", 9, "open", [("SEN-P", 30, 24500)]),
    ("alfa", "SO-2026-0138", "customer", "Kőrös Faipari Kft.", 2, "open", [("SRV-H", 16, 18000)]),
    ("beta", "ПР-2026-0042", "customer", "София Тех ООД", 70, "done", [("FLT-10", 120, 14)]),
    ("beta", "ПР-2026-0057", "customer", "Родопи Мляко ООД", 38, "in_progress", [("HP-200", 1, 2300)]),
    ("beta", "ПР-2026-0063", "customer", "Бургас Логистик ЕООД", 12, "open", [("SEN-P", 8, 125)]),
    ("beta", "ПР-2026-0066", "customer", "Русе Агро АД", 4, "open", [("VLV-50", 4, 290)]),
]


def seed(companies: dict[str, Company]) -> None:
    """Order dates are days before today, so the lists and charts always show recent orders."""
    today = timezone.localdate()
    products = {
        code: Product.objects.update_or_create(code=code, defaults={"name": name, "unit": unit})[0]
        for code, name, unit in PRODUCTS
    }
    for company_code, number, kind, partner_name, days_ago, status, lines in ORDERS:
        ordered_on = today - timedelta(days=days_ago)
        partner = Partner.objects.get(name=partner_name) if partner_name else None
        total = sum(Decimal(quantity) * Decimal(price) for _code, quantity, price in lines)
        order, created = Order.objects.update_or_create(
            company=companies[company_code], kind=kind, number=number,
            defaults={"partner": partner, "ordered_on": ordered_on, "status": status, "total": total,
                      "currency": companies[company_code].currency},
        )  # fmt: skip
        if created:
            for code, quantity, price in lines:
                OrderLine.objects.create(
                    order=order, product=products[code], quantity=quantity, unit_price=price
                )
