"""Record pages (issue 18) on the generated reference data: p50/p95 and SQL queries, read-only.

    DATABASE_URL=postgres://.../crm_bench python bench/record_pages.py --repeat 30

Measures the partner page (the 360-degree view) of the partner with the most communications the
viewer sees, and that partner's newest communication, task and event pages, for a sales user and a
manager. Everything runs inside one transaction that is rolled back at the end (the login's session
and last-login writes included), so the reference data is left as it was.
"""

import argparse

from _common import django_client_setup, report, setup_django, time_pages

USERS = {"sales": "gen-1-u035", "manager": "gen-1-u003"}


def busiest_partner(viewer):
    from django.db.models import Count

    from communications.models import Communication
    from partners.models import PartnerAccount

    row = (
        Communication.objects.visible_to(viewer)
        .filter(partner_id__in=PartnerAccount.objects.visible_to(viewer).values("partner_id"))
        .values("partner_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return row["partner_id"]


def pages_of(viewer) -> dict[str, str]:
    from communications.models import Communication, Task
    from events.models import Event

    partner = busiest_partner(viewer)
    pages = {"partner page": f"/partners/{partner}/"}
    for name, model in (("communication", Communication), ("task", Task), ("event", Event)):
        record = model.objects.visible_to(viewer).filter(partner_id=partner).order_by("-pk").first()
        if record is not None:
            pages[f"{name} page"] = record.get_absolute_url()
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--company", default="gen-1")
    args = parser.parse_args()
    setup_django()
    django_client_setup()
    from django.db import transaction
    from django.test import Client

    from companies.models import Company, User
    from companies.visibility import Viewer

    company = Company.objects.get(code=args.company)
    with transaction.atomic():
        for role, username in USERS.items():
            user = User.objects.get(username=username)
            viewer = Viewer.for_user(user, company)
            client = Client()
            client.force_login(user)
            figures: dict = {"user": f"{username}, sees {len(viewer.visible_user_ids)} people"}
            time_pages(client, pages_of(viewer), args.repeat, figures)
            report(f"record pages: {role}", figures)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
