"""Home page dashboards (issue 19) on the reference data: p50/p95, queries, and the slowest queries.

    DATABASE_URL=postgres://.../crm_bench python bench/dashboards.py --repeat 30

Read-only: everything runs inside one transaction that is rolled back at the end (the test client's
login writes a session and `last_login`; nothing stays). The users are the issue's: gen-1-u035 (a sales
user, nobody below), gen-1-u003 (a manager) and, for the finance tab, a member of the company holding
`receivables.view_receivables` if one exists (else the finance board's SQL alone, whole company). Target: p95 < 50 ms for the sales user and the manager.
The manager's figures are cached for two minutes per viewer: "manager" is the page as it is read
again, "manager cold" (``?fresh=1``) computes them on every request.
``--explain`` prints EXPLAIN ANALYZE of each page's three slowest queries; ``--plans`` runs EXPLAIN
(ANALYZE, BUFFERS) of every query of the last request and reports, per page, the shared buffers
(hit + read: stable under load, unlike the times), any disk spill and any sequential scan of the big
tables (there should be none).
"""

import argparse
import re
import statistics
import time

from _common import BIG_TABLES, django_client_setup, explain, percentile, report, setup_django

BIG = (*BIG_TABLES, "receivables_invoice")


def plan_figures(queries: list[dict]) -> dict:
    """Buffers, disk spill and sequential scans of the big tables over a request's queries (re-run)."""
    buffers, spilled, seq, slowest = 0, 0, set(), []
    for query in queries:
        if not query["sql"].lstrip().upper().startswith("SELECT"):
            continue
        plan = explain(query["sql"])
        top = next((line for line in plan.splitlines() if "Buffers:" in line), "")
        buffers += sum(int(n) for n in re.findall(r"shared (?:hit|read)=(\d+)", top))
        hits = re.findall(r"shared (?:hit|read)=(\d+)", top)
        spilled += sum(int(n) for n in re.findall(r"temp (?:read|written)=(\d+)", top))
        seq |= {table for table in BIG if re.search(rf"Seq Scan on {table}\b", plan)}
        ms = float(re.search(r"Execution Time: ([\d.]+)", plan).group(1))
        slowest.append((ms, sum(int(n) for n in hits)))
    slowest.sort(reverse=True)
    return {
        "buffers": buffers,
        "temp blocks": spilled,
        "seq scans of big tables": sorted(seq),
        "slowest (ms, buffers)": [(round(ms, 1), b) for ms, b in slowest[:3]],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--sales", default="gen-1-u035")
    parser.add_argument("--manager", default="gen-1-u003")
    args = parser.parse_args()
    setup_django()
    django_client_setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from companies.models import Membership, User
    from companies.visibility import Viewer

    figures: dict = {}
    with transaction.atomic():
        sales = User.objects.get(username=args.sales)
        manager = User.objects.get(username=args.manager)
        company = Membership.objects.filter(user=manager).select_related("company").first().company
        viewer = Viewer.for_user(manager, company)
        figures["manager below"] = len(viewer.visible_user_ids) - 1
        # The manager's figures are cached for two minutes per viewer (home/manager.py): "manager" is
        # the page as a manager moving around sees it, "manager cold" recomputes on every request.
        cases = [
            ("sales", sales, "/?tab=mine"),
            ("manager", manager, "/?tab=team"),
            ("manager cold", manager, "/?tab=team&fresh=1"),
        ]
        finance = next(
            (
                m.user
                for m in Membership.objects.filter(company=company).select_related("user")
                if Viewer.for_user(m.user, company).can("receivables.view_receivables")
            ),
            None,
        )
        if finance is not None:
            cases.append(("finance", finance, "/?tab=finance"))
        for name, user, url in cases:
            client = Client()
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            timings, sql, cpu = [], [], []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
                    cpu.append((time.process_time() - start_cpu) * 1000)
                sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            assert response.status_code == 200
            figures[f"{name} ({user.username}) p50 ms"] = round(statistics.median(timings), 1)
            figures[f"{name} ({user.username}) p95 ms"] = round(percentile(timings, 95), 1)
            figures[f"{name} queries"] = len(captured)
            figures[f"{name} sql ms (p50)"] = round(statistics.median(sql), 1)
            # Less sensitive to other processes on the machine than the wall time.
            figures[f"{name} python cpu ms (p50)"] = round(statistics.median(cpu), 1)
            slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
            figures[f"{name} slowest queries ms"] = [round(float(q["time"]) * 1000, 1) for q in slowest]
            if args.plans:
                for key, value in plan_figures(captured.captured_queries).items():
                    figures[f"{name} plans: {key}"] = value
            if args.explain:
                for query in slowest:
                    print(
                        f"\n--- {name}: {float(query['time']) * 1000:.1f} ms\n{query['sql']}\n{explain(query['sql'])}"
                    )
        if finance is None:
            # The reference data has no finance member: the finance board's SQL as one who sees the
            # whole company reads it (``view_all_company_data``; the job's viewer reads the same rows).
            from home.finance import finance_dashboard

            job = Viewer.for_job(company)
            sql = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    finance_dashboard(job)
                sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            figures["finance board (whole company, no page) queries"] = len(captured)
            figures["finance board sql ms (p50)"] = round(statistics.median(sql), 1)
            if args.plans:
                for key, value in plan_figures(captured.captured_queries).items():
                    figures[f"finance board plans: {key}"] = value
        transaction.set_rollback(True)
    report("dashboards", figures)


if __name__ == "__main__":
    main()
