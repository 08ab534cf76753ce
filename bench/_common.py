"""Shared by the benchmark scripts: Django setup, timing, peak memory, and the results table/JSON."""

import json
import os
import platform
import resource
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def setup_django() -> None:
    # The project first and the bench folder last: bench/search.py must not shadow the `search` app.
    # Celery puts the working directory on the path too, hence the chdir.
    bench = str(ROOT / "bench")
    sys.path[:] = [str(ROOT)] + [path for path in sys.path if path not in (bench, str(ROOT))] + [bench]
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_project.settings")
    import django

    django.setup()
    deployment_settings()


# The PostgreSQL settings of docs/deployment.md that a database can carry (shared_buffers and
# max_connections need the server's configuration and a restart): the targets are measured with them.
DEPLOYMENT_SETTINGS = {
    "work_mem": "8MB",
    "effective_cache_size": "768MB",
    "jit": "off",
    "max_parallel_workers_per_gather": "0",
}


def deployment_settings() -> None:
    """Give the benchmark database the settings of docs/deployment.md: for this connection (SET) and for
    the processes a benchmark starts later, such as the load test's server (ALTER DATABASE)."""
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            database = cursor.fetchone()[0]
            for name, value in DEPLOYMENT_SETTINGS.items():
                cursor.execute(f"SET {name} = '{value}'")
            for name, value in DEPLOYMENT_SETTINGS.items():
                cursor.execute(f"ALTER DATABASE \"{database}\" SET {name} = '{value}'")
    except DatabaseError as error:  # no database yet, or not its owner: the benchmark runs as it is
        print(f"note: the settings of docs/deployment.md not kept: {error}", file=sys.stderr)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(results: dict, name: str):
    start = time.perf_counter()
    yield
    results[name] = round(time.perf_counter() - start, 3)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


BIG_TABLES = (
    "communications_communication",
    "communications_task",
    "communications_thread",
    "partners_partner",
    "partners_partneraccount",
    "contacts_contact",
    "events_event",
)


def django_client_setup() -> None:
    """Settings for driving the real stack with the test client (any host, plain static storage)."""
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


def bench_manager(company_code: str, below: int = 40):
    """(company, the member with about `below` people under them), given the view functions of a sales user."""
    from django.contrib.auth.models import Group, Permission

    from companies.hierarchy import subordinate_ids
    from companies.models import Company, Membership, User
    from companies.visibility import Viewer

    company = Company.objects.get(code=company_code)
    members = list(
        Membership.objects.filter(company=company).order_by("pk").values_list("user_id", flat=True)
    )
    # Not someone another benchmark (the load test) lets see the whole company: their visibility
    # filter is the point.
    candidates = [
        user
        for user in User.objects.filter(pk__in=members[:60]).order_by("pk")
        if not Viewer.for_user(user, company).sees_all
    ]
    manager = min(
        candidates, key=lambda user: abs(len(subordinate_ids(user_id=user.pk, company_id=company.pk)) - below)
    )
    group, _ = Group.objects.get_or_create(name="Bench sales")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["communications", "partners", "events", "contacts"],
            codename__startswith="view_",
        )
    )
    Membership.objects.get(user=manager, company=company).groups.add(group)
    return company, manager


def time_pages(client, pages: dict[str, str], repeat: int, figures: dict) -> dict[str, list[dict]]:
    """GET each page `repeat` times (after one warm-up): p50/p95 ms and SQL queries into `figures`.

    Returns the queries of each page's last request (for EXPLAIN).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    last: dict[str, list[dict]] = {}
    for name, url in pages.items():
        client.get(url)
        timings, cpu, sql = [], [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                cpu.append((time.process_time() - start_cpu) * 1000)
                timings.append((time.perf_counter() - start) * 1000)
            sql.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        last[name] = captured.captured_queries
        figures[f"{name} p50 ms"] = round(statistics.median(timings), 1)
        figures[f"{name} p95 ms"] = round(percentile(timings, 95), 1)
        figures[f"{name} queries"] = len(captured)
        # Less sensitive to other processes on the machine: the CPU this process spent, and the wall
        # time of its SQL queries (median per request).
        figures[f"{name} python cpu / sql ms (p50)"] = (
            f"{statistics.median(cpu):.1f} / {statistics.median(sql):.1f}"
        )
    return last


def explain(sql: str, *, analyze: bool = True) -> str:
    """The plan of an executed query (captured SQL has its parameters inlined)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN ") + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def seq_scans_on_big_tables(plan: str) -> list[str]:
    return [table for table in BIG_TABLES if f"Seq Scan on {table}" in plan]


def report(name: str, figures: dict) -> None:
    figures = {
        **figures,
        "load average (1, 5, 15 min)": tuple(round(value, 2) for value in os.getloadavg()),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "machine": f"{platform.node()} {os.cpu_count()} cores",
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    width = max(len(key) for key in figures)
    print(f"\n{name}")
    for key, value in figures.items():
        print(f"  {key.ljust(width)}  {value}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2, default=str))
