"""Demo open invoices (until the ERP import fills them) and the default dunning policy. Idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from companies.models import Company
from partners.models import Partner
from receivables.models import DunningPolicy, DunningThreshold, Invoice

# company, number, partner, days overdue, amount, currency
INVOICES = [
    ("alfa", "SZ-2026-0912", "Duna Gépgyártó Zrt.", 75, 1_250_000, "HUF"),
    ("alfa", "SZ-2026-1003", "Duna Gépgyártó Zrt.", 12, 380_000, "HUF"),
    ("alfa", "SZ-2026-0988", "Tisza Logisztika Kft.", 40, 96_000, "HUF"),
    ("alfa", "SZ-2026-1021", "Balaton Food Kft.", 3, 800, "HUF"),
    ("alfa", "SZ-2026-0870", "Alföldi Agrár Kft.", 120, 2_400, "EUR"),
    ("beta", "ФК-2026-0311", "София Тех ООД", 20, 4_300, "BGN"),
]


def seed(companies: dict[str, Company]) -> None:
    today = timezone.localdate()
    for company in companies.values():
        policy, _ = DunningPolicy.objects.get_or_create(company=company)
        DunningThreshold.objects.get_or_create(
            policy=policy, currency="HUF", defaults={"minimum": Decimal(1000)}
        )
        DunningThreshold.objects.get_or_create(
            policy=policy, currency="EUR", defaults={"minimum": Decimal(5)}
        )
        DunningThreshold.objects.get_or_create(
            policy=policy, currency="BGN", defaults={"minimum": Decimal(10)}
        )
    for code, number, partner_name, overdue, amount, currency in INVOICES:
        due = today - timedelta(days=overdue)
        Invoice.objects.get_or_create(
            company=companies[code], number=number,
            defaults={
                "partner": Partner.objects.get(name=partner_name), "issued_on": due - timedelta(days=30),
                "due_on": due, "amount": Decimal(amount), "open_amount": Decimal(amount), "currency": currency,
            },
        )  # fmt: skip
