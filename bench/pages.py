"""Page timings on the generated reference data, through the real Django stack (test client).

    DATABASE_URL=postgres://.../crm_gen python manage.py generate_data --scale 1
    DATABASE_URL=postgres://.../crm_gen python bench/pages.py --repeat 30

Prints p50/p95 and SQL query counts per page, and the EXPLAIN of the communications list's main query.
Targets (issue 9): communications list p95 < 150 ms with at most 10 queries; task list, thread timeline,
partner page and home page p95 < 200 ms; partner name search p95 < 100 ms.
"""

import argparse
import statistics
import time

from _common import report, setup_django


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--company", default="gen-1")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from communications.models import Communication, Thread
    from companies.hierarchy import subordinate_ids
    from companies.models import Company, Membership, User
    from companies.visibility import Viewer
    from partners.models import PartnerAccount

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    company = Company.objects.get(code=args.company)
    # A manager with about 40 people below them.
    members = list(Membership.objects.filter(company=company).values_list("user_id", flat=True))
    manager = min(
        (User.objects.get(pk=pk) for pk in members[:60]),
        key=lambda user: abs(len(subordinate_ids(user_id=user.pk, company_id=company.pk)) - 40),
    )
    below = len(subordinate_ids(user_id=manager.pk, company_id=company.pk))
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Bench sales")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["communications", "partners", "events"], codename__startswith="view_"
        )
    )
    Membership.objects.get(user=manager, company=company).groups.add(group)
    viewer = Viewer.for_user(manager, company)
    thread = (
        Thread.objects.filter(company=company, owner_id__in=viewer.visible_user_ids).order_by("-pk").first()
    )
    partner = PartnerAccount.objects.visible_to(viewer).first().partner_id
    client = Client()
    client.force_login(manager)
    today = time.strftime("%Y-%m-%d")
    pages = {
        "communications (filtered)": f"/communications/?created_from=2025-06-01&created_to={today}&channel=email&direction=in",
        "tasks (assignee+status)": f"/tasks/?assignee={manager.pk}&status=assigned",
        "thread timeline": f"/threads/{thread.pk}/",
        "partner page": f"/partners/{partner}/",
        "home": "/",
        "partner search": "/partners/?q=Partner%2000012",
    }
    figures: dict = {"manager_subordinates": below}
    for name, url in pages.items():
        timings = []
        queries = 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured)
        figures[f"{name} p50 ms"] = round(statistics.median(timings), 1)
        figures[f"{name} p95 ms"] = round(percentile(timings, 95), 1)
        figures[f"{name} queries"] = queries
    main_query = (
        Communication.objects.visible_to(viewer)
        .filter(created_at__date__gte="2025-06-01", channel="email", direction="in")
        .select_related("partner", "author", "assignee", "thread")
        .order_by("-created_at", "-pk")[:25]
    )
    with connection.cursor() as cursor:
        sql, params = main_query.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(plan)
    figures["communications plan has Seq Scan"] = "Seq Scan on communications_communication" in plan
    report("pages", figures)


if __name__ == "__main__":
    main()
