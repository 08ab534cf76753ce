"""ERP import: a full import of 100,000 partners and an incremental run with 1,000 changes.

    .venv/bin/python bench/erp_import.py [--partners 100000] [--changes 1000] [--page-size 500]

1. (Re)creates the PostgreSQL database `crm_bench_erp` (--database-url) and migrates it (not timed).
2. Starts the ERP simulator (devtools/simulators/erp.py) in a subprocess on a free port in 18100-18199,
   seeded with N partners (2 addresses, 3 contacts, 12 turnover rows, 2 assets each), 2 open invoices
   per partner (200,000 for 100,000 partners), an order for every tenth partner and 5 products.
3. Runs the full import in a child process through the real HTTP connector (erp_sync.importer.run_import,
   the code the hourly job runs); the child reports its wall time and its peak resident memory
   (getrusage ru_maxrss, so the simulator's memory is not counted).
4. Asks the simulator to change 1,000 records (POST /control/changes), runs the incremental import in a
   fresh child process and reports the same figures.
5. Prints a table and writes bench/results/erp_import.json. Besides wall time it reports the CPU seconds
   of the importing process, of its PostgreSQL backend and of the simulator, and the load average, so a
   run on a busy machine can be told apart from a slow import.

Celery messages (one GDPR-notice fan-out task per page) go to an in-memory broker in the child: they are
published as in production, but no worker sends 300,000 e-mails during the benchmark.
Target (issue 6), on a 2-core machine: full import under 5 minutes in under 500 MB; incremental under 10 s.
"""

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from _common import RESULTS, ROOT, peak_rss_mb, setup_django

API_KEY = "bench-erp-key"
TARGETS = {"full_s": 300, "full_peak_rss_mb": 500, "incremental_s": 10}


def free_port(first: int = 18100, last: int = 18199) -> int:
    for port in range(first, last + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 18100-18199")


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = f"host={parsed.hostname} port={parsed.port or 5432} user={parsed.username} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(  # noqa: S603 (our interpreter and scripts)
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0"],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )


def start_simulator(partners: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (our interpreter and scripts)
        [sys.executable, "-m", "devtools.simulators.erp", "--port", str(port), "--partners", str(partners),
         "--api-key", API_KEY],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    line = process.stdout.readline()
    if "ERP simulator on" not in line:
        process.kill()
        raise SystemExit(f"the simulator did not start: {line!r}")
    return process, f"http://127.0.0.1:{port}"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc), to tell work from waiting."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def simulate_changes(url: str, count: int) -> dict:
    request = urllib.request.Request(  # noqa: S310 (the local simulator)
        f"{url}/control/changes?count={count}", method="POST", headers={"X-API-Key": API_KEY}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (local simulator)
        return json.load(response)


def run_child(phase: str, database_url: str, erp_url: str, page_size: int) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false"}
    output = subprocess.run(  # noqa: S603 (our interpreter and scripts)
        [sys.executable, __file__, "--child", phase, "--erp-url", erp_url, "--page-size", str(page_size)],
        env=env, stdout=subprocess.PIPE, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def child(phase: str, erp_url: str, page_size: int) -> None:
    """One import in this process: prints progress on stderr and its figures as JSON on stdout."""
    setup_django()
    from crm_project.celery import app

    app.conf.broker_url = "memory://"

    from django.db import connection

    from companies.models import Company
    from contacts.models import Contact, ContactRole, ContactType, GdprNotice
    from erp_sync.connectors.http import HttpConnector
    from erp_sync.importer import run_import
    from orders.models import Order, OrderLine, Product
    from partners.models import Asset, Partner, PartnerAccount, PartnerAddress, Turnover
    from receivables.models import Invoice

    if phase == "full":
        for code, name in (("alfa", "Alfa Kft."), ("beta", "Beta EOOD")):
            Company.objects.get_or_create(code=code, defaults={"name": name, "country": "HU"})
        ContactType.objects.get_or_create(
            code="financial", defaults={"name_en": "Financial", "cardinality": "one"}
        )
        ContactType.objects.get_or_create(
            code="technical", defaults={"name_en": "Technical", "cardinality": "many"}
        )
    connection.close()
    rss_before = peak_rss_mb()
    load_before = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    backend_before = cpu_seconds(backend)
    started = time.perf_counter()

    def progress(kind: str, page: int, page_counts: dict, counts: dict) -> None:
        if page % 20 == 0 or page == 1:
            done = sum(counts.get(kind, {}).values())
            print(
                f"  {time.perf_counter() - started:7.1f} s  {kind} page {page}: {done} records",
                file=sys.stderr,
            )

    connector = HttpConnector(base_url=erp_url, api_key=API_KEY, page_size=page_size, timeout=120)
    run = run_import(full=phase == "full", trigger="bench", connector=connector, progress=progress)
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    importer_cpu = cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
    backend_cpu = cpu_seconds(backend) - backend_before
    load_after = os.getloadavg()[0]
    rows = {
        model.__name__: model.objects.count()
        for model in (Partner, PartnerAccount, PartnerAddress, Contact, ContactRole, GdprNotice, Turnover,
                      Asset, Product, Order, OrderLine, Invoice)
    }  # fmt: skip
    print(
        json.dumps(
            {
                "status": run.status,
                "error": run.error,
                "seconds": round(elapsed, 1),
                "peak_rss_mb": round(peak_rss_mb(), 1),
                "rss_after_setup_mb": round(rss_before, 1),
                "counts": run.counts,
                "skipped_records": run.errors.count(),
                "importer_cpu_s": round(importer_cpu, 1),
                "postgres_backend_cpu_s": round(backend_cpu, 1),
                "load_average_start_end": [round(load_before, 1), round(load_after, 1)],
                "rows": rows,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/crm_bench_erp")
    parser.add_argument("--child", choices=["full", "incremental"], help=argparse.SUPPRESS)
    parser.add_argument("--erp-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.erp_url, args.page_size)
        return

    print(f"Recreating {args.database_url} and migrating ...", flush=True)
    recreate_database(args.database_url)
    simulator, erp_url = start_simulator(args.partners)
    try:
        print(f"Simulator on {erp_url} with {args.partners} partners; full import ...", flush=True)
        full = run_child("full", args.database_url, erp_url, args.page_size)
        changes = simulate_changes(erp_url, args.changes)
        print(f"Changed in the ERP: {changes}; incremental import ...", flush=True)
        incremental = run_child("incremental", args.database_url, erp_url, args.page_size)
        simulator_cpu = round(cpu_seconds(simulator.pid), 1)
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)

    figures = {
        "partners": args.partners,
        "page_size": args.page_size,
        "full_status": full["status"],
        "full_s": full["seconds"],
        "full_peak_rss_mb": full["peak_rss_mb"],
        "full_rss_after_django_setup_mb": full["rss_after_setup_mb"],
        "full_counts": full["counts"],
        "full_skipped_records": full["skipped_records"],
        "full_importer_cpu_s": full.get("importer_cpu_s"),
        "full_postgres_backend_cpu_s": full.get("postgres_backend_cpu_s"),
        "full_load_average_start_end": full.get("load_average_start_end"),
        "rows_after_full": full["rows"],
        "changes": changes,
        "incremental_status": incremental["status"],
        "incremental_s": incremental["seconds"],
        "incremental_peak_rss_mb": incremental["peak_rss_mb"],
        "incremental_counts": incremental["counts"],
        "incremental_skipped_records": incremental["skipped_records"],
        "incremental_importer_cpu_s": incremental.get("importer_cpu_s"),
        "incremental_postgres_backend_cpu_s": incremental.get("postgres_backend_cpu_s"),
        "simulator_cpu_s": simulator_cpu,
        "targets": TARGETS,
        "machine": f"{os.uname().nodename} {os.cpu_count()} cores",
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    width = max(len(key) for key in figures)
    print("\nerp_import")
    for key, value in figures.items():
        print(f"  {key.ljust(width)}  {value}")
    print("\n  rows          after full   after incremental")
    for model, count in full["rows"].items():
        print(f"  {model:<14}{count:>10,}   {incremental['rows'][model]:>10,}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "erp_import.json").write_text(
        json.dumps({**figures, "rows_after_incremental": incremental["rows"]}, indent=2)
    )


if __name__ == "__main__":
    main()
