"""REST API (issue 20) on the reference data: the partner list of 100 for a manager, with a token.

    DATABASE_URL=postgres://.../crm_bench python bench/api.py --repeat 50

Read-only: everything runs inside one transaction that is rolled back at the end (the token is made
in it and the token's last use is written in it; nothing stays). The user is the issue's manager,
gen-1-u003, in their first company. Measures GET /api/v1/partners/?page_size=N for N = 10, 50, 100
(first page by name) and the next page of 100 through the cursor: p50/p95 ms, SQL queries and SQL
time. Target (issue 20): p95 < 60 ms for 100 rows, and the same query count for every page size.
``--explain`` prints EXPLAIN ANALYZE of the page's main query.
"""

import argparse
import statistics
import time

from _common import django_client_setup, explain, percentile, report, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--user", default="gen-1-u003")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    setup_django()
    django_client_setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from api.services import api_token_create
    from companies.models import Membership, User
    from companies.visibility import Viewer

    figures: dict = {}
    with transaction.atomic():
        user = User.objects.get(username=args.user)
        company = Membership.objects.filter(user=user).select_related("company").first().company
        figures["viewer sees people"] = len(Viewer.for_user(user, company).visible_user_ids)
        _token, raw = api_token_create(
            user=user, company=company, name="bench", can_write=False, expires_at=None
        )
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        first = client.get("/api/v1/partners/", {"page_size": 100})
        assert first.status_code == 200, first.content
        cases = {f"{size} rows": ("/api/v1/partners/", {"page_size": size}) for size in (10, 50, 100)}
        cases["next 100 (cursor)"] = (first.json()["next"].replace("http://testserver", ""), None)
        counts = set()
        for name, (url, params) in cases.items():
            client.get(url, params)
            timings, sql, cpu = [], [], []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url, params)
                    cpu.append((time.process_time() - start_cpu) * 1000)
                    timings.append((time.perf_counter() - start) * 1000)
                sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            figures[f"{name}: rows"] = len(response.json()["results"])
            figures[f"{name}: p50 ms"] = round(statistics.median(timings), 1)
            figures[f"{name}: p95 ms"] = round(percentile(timings, 95), 1)
            figures[f"{name}: queries"] = len(captured)
            figures[f"{name}: sql ms (p50)"] = round(statistics.median(sql), 1)
            # Less sensitive to other processes on the machine: the CPU this process spent per request.
            figures[f"{name}: python cpu ms (p50)"] = round(statistics.median(cpu), 1)
            figures[f"{name}: sql ms per query (last)"] = [
                round(float(q["time"]) * 1000, 1) for q in captured
            ]
            counts.add(len(captured))
            if args.explain and name == "100 rows":
                main_query = next(
                    q for q in captured.captured_queries if 'FROM "partners_partneraccount"' in q["sql"]
                )
                print(f"\n--- {name}: {main_query['sql'][:300]}...\n{explain(main_query['sql'])}")
        figures["same queries for every page size"] = len(counts) == 1
        p95 = figures["100 rows: p95 ms"]
        figures["target p95 < 60 ms (100 rows)"] = "met" if p95 < 60 else f"NOT met ({p95} ms)"
        transaction.set_rollback(True)
    report("api", figures)


if __name__ == "__main__":
    main()
