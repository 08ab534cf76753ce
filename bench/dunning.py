"""Dunning selection and letter rendering over many open invoices (sending excluded).

    DATABASE_URL=postgres://... python bench/dunning.py --partners 50000 --invoices-per-partner 4

Creates (once) a company "bench-dunning" with N partners, each with a financial contact and open
overdue invoices, then times plan_letters() and the rendering of every planned letter.
Target (issue 7): under 60 s on a 2-core machine for 200,000 invoices of 50,000 partners.
"""

import argparse
import random
from datetime import date, timedelta
from decimal import Decimal

from _common import report, setup_django, timed


def populate(company, partners: int, per_partner: int) -> None:
    from contacts.models import Contact, ContactRole, ContactType
    from partners.models import Partner
    from receivables.models import Invoice

    if Invoice.objects.filter(company=company).count() >= partners * per_partner:
        return
    rng = random.Random(42)
    financial, _ = ContactType.objects.get_or_create(
        code="financial", defaults={"name_en": "Financial", "cardinality": "one"}
    )
    batch = 5000
    today = date.today()
    for start in range(0, partners, batch):
        rows = Partner.objects.bulk_create(
            [Partner(name=f"Bench Partner {i:06d} Kft.") for i in range(start, min(start + batch, partners))]
        )
        contacts = Contact.objects.bulk_create(
            [Contact(partner=p, last_name="Pénzügy", email=f"ap{p.pk}@bench.example") for p in rows]
        )
        ContactRole.objects.bulk_create(
            [
                ContactRole(contact=c, type=financial, partner_id=c.partner_id, exclusive=True)
                for c in contacts
            ]
        )
        invoices = []
        for p in rows:
            for n in range(per_partner):
                due = today - timedelta(days=rng.randint(-20, 150))
                amount = Decimal(rng.randint(500, 900_000))
                invoices.append(
                    Invoice(
                        company=company,
                        partner=p,
                        number=f"B{p.pk}-{n}",
                        issued_on=due - timedelta(days=30),
                        due_on=due,
                        amount=amount,
                        open_amount=amount,
                        currency="HUF",
                    )  # fmt: skip
                )
        Invoice.objects.bulk_create(invoices, batch_size=5000)
        print(f"  populated {min(start + batch, partners)} partners", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=50_000)
    parser.add_argument("--invoices-per-partner", type=int, default=4)
    args = parser.parse_args()
    setup_django()
    from django.utils import timezone

    from companies.models import Company
    from receivables.dunning import LetterRenderer, plan_letters
    from receivables.models import Invoice

    company, _ = Company.objects.get_or_create(
        code="bench-dunning", defaults={"name": "Bench Dunning Kft.", "country": "HU", "currency": "HUF"}
    )
    figures: dict = {}
    with timed(figures, "populate_s"):
        populate(company, args.partners, args.invoices_per_partner)
    figures["open_invoices"] = Invoice.objects.filter(company=company, open_amount__gt=0).count()
    today = timezone.localdate()
    with timed(figures, "selection_s"):
        plan = plan_letters(company, today)
    with timed(figures, "rendering_s"):
        renderer = LetterRenderer(company)
        for planned in plan.letters:
            renderer.render(planned)
    figures["letters"] = len(plan.letters)
    figures["without_contact"] = len(plan.without_contact)
    figures["selection_and_rendering_s"] = round(figures["selection_s"] + figures["rendering_s"], 3)
    figures["target_s"] = 60
    report("dunning", figures)


if __name__ == "__main__":
    main()
