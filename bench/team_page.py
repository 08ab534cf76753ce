"""The team page and the person page (issue 19) on the reference data: p50/p95, queries, slowest SQL.

    DATABASE_URL=postgres://.../crm_bench python bench/team_page.py --repeat 30

Read-only: everything runs inside one transaction rolled back at the end (the login writes a session
and `last_login`; the director is given the team function for the run; nothing stays). The viewer is
the top director (gen-1-u000), scope "everyone below me" (the whole hierarchy under them), last month;
the person page is a sales user of theirs. Targets: team page p95 < 300 ms with a query count that does
not grow with the number of people; person page p95 < 200 ms. ``--explain`` prints EXPLAIN ANALYZE of
each page's three slowest queries.
"""

import argparse
import statistics
import time

from _common import django_client_setup, explain, percentile, report, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--director", default="gen-1-u000")
    args = parser.parse_args()
    setup_django()
    django_client_setup()
    from django.contrib.auth.models import Group, Permission
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from companies.models import Membership, User
    from companies.visibility import Viewer
    from team.stats import scope_people

    figures: dict = {}
    with transaction.atomic():
        director = User.objects.get(username=args.director)
        membership = Membership.objects.filter(user=director).select_related("company").first()
        company = membership.company
        group, _created = Group.objects.get_or_create(name="Bench team page")
        group.permissions.add(
            Permission.objects.get(content_type__app_label="team", codename="view_team_activity")
        )
        membership.groups.add(group)
        viewer = Viewer.for_user(director, company)
        people = scope_people(viewer, "below")
        figures["people in scope"] = len(people)
        person = people[len(people) // 2]
        few = scope_people(viewer, "direct")
        figures["direct reports"] = len(few)
        cases = [
            ("team page, everyone below, last month", "/team/?period=last_month&scope=below"),
            ("team page, direct reports, last month", "/team/?period=last_month&scope=direct"),
            ("team page, everyone below, this week", "/team/?period=this_week&scope=below"),
            ("team page CSV, everyone below, last month", "/team/?period=last_month&scope=below&export=csv"),
            ("person page", f"/org/people/{person.pk}/"),
        ]
        client = Client()
        client.force_login(director)
        for name, url in cases:
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            timings, sql, cpu = [], [], []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    cpu.append((time.process_time() - start_cpu) * 1000)
                    timings.append((time.perf_counter() - start) * 1000)
                sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            figures[f"{name} p50 ms"] = round(statistics.median(timings), 1)
            figures[f"{name} p95 ms"] = round(percentile(timings, 95), 1)
            figures[f"{name} queries"] = len(captured)
            # Less sensitive to other processes on the machine: this process's CPU and its SQL's wall time.
            figures[f"{name} python cpu / sql ms (p50)"] = (
                f"{statistics.median(cpu):.1f} / {statistics.median(sql):.1f}"
            )
            if args.explain:
                slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
                for query in slowest:
                    print(f"\n-- {name}: {float(query['time']) * 1000:.1f} ms\n{query['sql'][:600]}")
                    print(explain(query["sql"]))
        transaction.set_rollback(True)
    report("team_page", figures)


if __name__ == "__main__":
    main()
