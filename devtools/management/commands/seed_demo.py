from django.core.management.base import BaseCommand
from django.db import transaction

from devtools.demo import activity as activity_demo
from devtools.demo import communications as communications_demo
from devtools.demo import companies as companies_demo
from devtools.demo import contacts as contacts_demo
from devtools.demo import events as events_demo
from devtools.demo import orders as orders_demo
from devtools.demo import partners as partners_demo
from devtools.demo import receivables as receivables_demo


class Command(BaseCommand):
    help = "Load the demo companies, people and partners. Safe to run again: nothing is duplicated."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        companies = companies_demo.seed()
        partners_demo.seed(companies)
        contacts_demo.seed(companies)
        events_demo.seed(companies)
        orders_demo.seed(companies)
        communications_demo.seed(companies)
        receivables_demo.seed(companies)
        activity_demo.seed(companies)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data is in place. Logins (password for all: {companies_demo.DEMO_PASSWORD}):"
            )
        )
        for username, (first, last, _email, _su, places) in companies_demo.PEOPLE.items():
            roles = "; ".join(f"{code}: {', '.join(groups)}" for code, (groups, _d, _t) in places.items())
            self.stdout.write(f"  {username:<10} {first} {last:<10} {roles}")
