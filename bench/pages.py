"""Page timings on the generated reference data, through the real Django stack (test client).

    DATABASE_URL=postgres://.../crm_bench python manage.py generate_data --scale 1
    DATABASE_URL=postgres://.../crm_bench python bench/pages.py --repeat 30

Prints p50/p95 and SQL query counts per page, and the EXPLAIN ANALYZE of the communications list's
main queries (the page and its capped count) as the view ran them.
Targets (issue 9): communications list (filtered, 50 per page) p95 < 150 ms with at most 10 queries
and no sequential scan on the big tables; task list, thread timeline, partner page and home page
p95 < 200 ms; partner name search p95 < 100 ms.
"""

import argparse
import time

from _common import (
    bench_manager,
    django_client_setup,
    explain,
    report,
    seq_scans_on_big_tables,
    setup_django,
    time_pages,
)


def long_thread(company, owner, *, items: int = 300):
    """A thread of `items` communications and tasks, made once (the generated threads hold about six)."""
    from datetime import timedelta

    from django.utils import timezone

    from communications.models import Communication, Task, Thread

    subject = f"Bench: {items}-item thread"
    thread = Thread.objects.filter(company=company, owner=owner, subject=subject).first()
    if thread is not None:
        return thread
    thread = Thread.objects.create(company=company, owner=owner, subject=subject)
    now = timezone.now()
    communications = items * 2 // 3
    Communication.objects.bulk_create(
        Communication(
            company=company,
            thread=thread,
            number=f"BENCH-C-{thread.pk % 1000:03d}-{n:04d}",
            direction=("in", "out")[n % 2],
            channel="email",
            subject=f"Bench item {n}",
            author=owner,
            created_at=now - timedelta(hours=n),
        )  # fmt: skip
        for n in range(communications)
    )
    Task.objects.bulk_create(
        Task(
            company=company,
            thread=thread,
            number=f"BENCH-T-{thread.pk % 1000:03d}-{n:04d}",
            subject=f"Bench task {n}",
            author=owner,
            assignee=owner,
            created_at=now - timedelta(hours=n, minutes=30),
            deadline=now + timedelta(days=n % 30),
        )  # fmt: skip
        for n in range(items - communications)
    )
    return thread


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--company", default="gen-1")
    args = parser.parse_args()
    setup_django()
    django_client_setup()
    from django.test import Client

    from companies.visibility import Viewer
    from partners.models import PartnerAccount

    company, manager = bench_manager(args.company)
    viewer = Viewer.for_user(manager, company)
    thread = long_thread(company, manager)
    partner = PartnerAccount.objects.visible_to(viewer).order_by("pk").first().partner_id
    client = Client()
    client.force_login(manager)
    today = time.strftime("%Y-%m-%d")
    pages = {
        "communications (filtered)": (
            f"/communications/?created_from=2025-06-01&created_to={today}&channel=email&direction=in&per_page=50"
        ),
        "tasks (assignee+status)": f"/tasks/?assignee={manager.pk}&status=assigned",
        "thread timeline (300 items)": f"/threads/{thread.pk}/",
        "partner page": f"/partners/{partner}/",
        "home": "/",
        "partner search": "/partners/?q=Partner%2000012",
    }
    figures: dict = {
        "manager": f"{manager.username}, sees the whole company: {viewer.sees_all}",
        "manager_subordinates": len(viewer.visible_user_ids) - 1,
        "thread items": thread.communications.count() + thread.tasks.count(),
    }
    last = time_pages(client, pages, args.repeat, figures)
    scans = []
    for sql in (query["sql"] for query in last["communications (filtered)"]):
        if 'FROM "communications_communication"' in sql:
            plan = explain(sql)
            print(f"\n{sql}\n{plan}")
            scans += seq_scans_on_big_tables(plan)
    figures["communications: seq scans on big tables"] = scans or "none"
    report("pages", figures)


if __name__ == "__main__":
    main()
