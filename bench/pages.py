"""Page timings on the generated reference data, through the real Django stack (test client).

    DATABASE_URL=postgres://.../crm_bench python manage.py generate_data --scale 1
    DATABASE_URL=postgres://.../crm_bench python bench/pages.py --repeat 30

Prints p50/p95 and SQL query counts per page, and the EXPLAIN ANALYZE of the communications list's
main queries (the page and its capped count) as the view ran them.
With ``--lists`` it measures the lists of issue 17 instead: the task list (100 rows by deadline), the
partner list (100 rows by name) and the communications list (100 rows) for three viewers: the director
on top of the hierarchy, a manager with about 45 below and a sales user with only their own records;
p50/p95, queries, the page's time against the bare time of its SQL (the captured queries run again
alone), and EXPLAIN (ANALYZE, BUFFERS) of each main query, checked for sorts of more than 10x the page
size, sequential scans of the big tables and sorts spilling to disk.

Targets (issue 9): communications list (filtered, 50 per page) p95 < 150 ms with at most 10 queries
and no sequential scan on the big tables; task list, thread timeline, partner page and home page
p95 < 200 ms; partner name search p95 < 100 ms.
"""

import argparse
import re
import statistics
import time

from _common import (
    BIG_TABLES,
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


def list_viewers(company_code: str):
    """(company, {"director": user, "manager": user, "sales": user}): the top of the hierarchy, the
    member with about 45 below, and a member with nobody below who owns records."""
    from communications.models import Task
    from companies.hierarchy import subordinate_ids
    from companies.models import Membership

    company, manager = bench_manager(company_code, below=45)
    members = Membership.objects.filter(company=company).select_related("user").order_by("pk")
    below = {m.user: len(subordinate_ids(user_id=m.user_id, company_id=company.pk)) for m in members}
    director = max(below, key=lambda user: (below[user], -user.pk))
    sales = max(
        (user for user, count in below.items() if count == 0),
        key=lambda user: (Task.objects.filter(company=company, assignee=user).count(), -user.pk),
    )
    group = manager.groups.model.objects.get(name="Bench sales")
    for user in (director, sales):
        Membership.objects.get(user=user, company=company).groups.add(group)
    return company, {"director": director, "manager": manager, "sales": sales}


SORT_ROWS = re.compile(r"Sort \(cost=[^)]*\) \(actual time=[^)]* rows=(\d+) loops=(\d+)\)")


SEQ_SCAN = re.compile(r"Seq Scan on (\w+) .*\(actual time=[^)]* rows=(\d+) loops=(\d+)\)")
REMOVED = re.compile(r"Rows Removed by Filter: (\d+)")


def seq_scans_read(plan: str) -> list[tuple[str, int]]:
    """(big table, rows read) of each sequential scan in an EXPLAIN ANALYZE text."""
    lines = plan.splitlines()
    scans = []
    for index, line in enumerate(lines):
        match = SEQ_SCAN.search(line)
        if not match or match.group(1) not in BIG_TABLES:
            continue
        rows, loops = int(match.group(2)), int(match.group(3))
        depth = len(line) - len(line.lstrip())
        removed = 0
        for detail in lines[index + 1 :]:
            if len(detail) - len(detail.lstrip()) <= depth or "->" in detail:
                break
            found = REMOVED.search(detail)
            removed += int(found.group(1)) if found else 0
        scans.append((match.group(1), (rows + removed) * loops))
    return scans


def plan_checks(plan: str, page_size: int) -> list[str]:
    """What in an EXPLAIN ANALYZE text breaks the issue's rules for a list query.

    A sequential scan of a big table that stops early (under a Limit: the capped count reading about
    its first 1,001 rows) reads no more than an index would; it is a problem past 2,000 rows read
    (twice the count's cap, 20x the page)."""
    problems = [
        f"seq scan on {table} reading {read} rows"
        for table, read in seq_scans_read(plan)
        if read > 10 * page_size * 2
    ]
    for rows, loops in SORT_ROWS.findall(plan):
        if int(rows) > 10 * page_size:
            problems.append(f"sort of {rows} rows (x{loops})")
    if "Disk:" in plan or "external merge" in plan:
        problems.append("sort spilled to disk")
    return problems


def bare_sql_ms(queries: list[dict], repeat: int = 5) -> float:
    """The median time of the page's captured queries run again alone, back to back."""
    from django.db import connection

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for query in queries:
                sql = query["sql"]
                if sql.startswith("DECLARE "):  # a server-side cursor (.iterator()): its query alone
                    sql = re.sub(r"^DECLARE .*? CURSOR (WITH|WITHOUT) HOLD FOR ", "", sql, flags=re.S)
                cursor.execute(sql)
                cursor.fetchall() if cursor.description else None
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def lists(args) -> None:
    from django.test import Client

    from companies.visibility import Viewer

    company, viewers = list_viewers(args.company)
    pages = {
        "tasks by deadline": "/tasks/?per_page=100",
        "partners by name": "/partners/?per_page=100",
        "communications": "/communications/?per_page=100",
        "contacts by name": "/contacts/?per_page=100",
        # The floor: a logged-in page that lists nothing (middleware, session, user, the app shell).
        "own settings page (the floor)": "/me/",
    }
    figures: dict = {}
    plans = []
    for role, user in viewers.items():
        viewer = Viewer.for_user(user, company)
        figures[f"{role}"] = (
            f"{user.username}: {len(viewer.visible_user_ids) - 1} below, sees the whole company: {viewer.sees_all}"
        )
        client = Client()
        client.force_login(user)
        named = {f"{role}: {name}": url for name, url in pages.items()}
        last = time_pages(client, named, args.repeat, figures)
        for name, queries in last.items():
            bare = bare_sql_ms(queries)
            figures[f"{name} bare sql ms"] = round(bare, 1)
            # Issue 17's ratio: the page's p50 over its bare SQL (target: at most 3).
            figures[f"{name} page / bare sql"] = f"{figures[f'{name} p50 ms'] / bare:.1f}x" if bare else "-"
            problems = []
            for sql in (query["sql"] for query in queries):
                main = " LIMIT " in sql or sql.upper().startswith("SELECT COUNT(")  # the page, its count
                if any(f'FROM "{table}"' in sql for table in BIG_TABLES) and main:
                    plan = explain(sql)
                    plans.append(f"--- {name}\n{sql[:3000]}\n{plan}")
                    problems += plan_checks(plan, 100)
            figures[f"{name} plan problems"] = ", ".join(sorted(set(problems))) or "none"
    if args.plans:
        print("\n\n".join(plans))
    report("lists", figures)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--company", default="gen-1")
    parser.add_argument("--lists", action="store_true", help="the lists of issue 17, three viewers")
    parser.add_argument("--plans", action="store_true", help="print the EXPLAIN ANALYZE of each list query")
    args = parser.parse_args()
    setup_django()
    django_client_setup()
    if args.lists:
        lists(args)
        return
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
        # per_page given: a page size remembered from an earlier run (--lists asks for 100) must not
        # change what this page measures (the default 25 rows, as before issue 17).
        "tasks (assignee+status)": f"/tasks/?assignee={manager.pk}&status=assigned&per_page=25",
        "thread timeline (300 items)": f"/threads/{thread.pk}/",
        "partner page": f"/partners/{partner}/",
        "home": "/",
        "partner search": "/partners/?q=Partner%2000012&per_page=25",
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
