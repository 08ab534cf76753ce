"""The import wizard's upload request with a long spreadsheet: wall time, CPU time and peak memory.

    .venv/bin/python bench/import_upload.py [--rows 20000] [--repeat 3] [--reuse-database]

1. (Re)creates the PostgreSQL database `crm_bench_import_upload` (--database-url) and migrates it (not
   timed); a company and a user holding imports.run_import and the create functions.
2. Writes three files of `--rows` contacts (8 columns, as bench/imports.py): XLSX as Excel and
   LibreOffice save it (with its <dimension>), XLSX as streaming writers save it (openpyxl write-only,
   no dimension: the upload must count the rows itself) and CSV (UTF-8).
3. For each file, through the test client as a browser posts it: `POST /imports/` (the upload
   request), then the preview page (`GET /imports/<id>/preview/`). Timed `--repeat` times (median wall,
   CPU of this process), then once more under tracemalloc for the peak of Python allocations.
4. Prints the figures and writes bench/results/import_upload.json.

Run it in an older checkout to compare (the figures in docs/imports.md were taken that way).
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from urllib.parse import urlparse

from _common import ROOT, django_client_setup, report, setup_django


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = f"host={parsed.hostname} port={parsed.port or 5432} user={parsed.username} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(  # noqa: S603 (our interpreter and scripts)
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0", "--skip-checks"],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )


def contact_rows(count: int) -> list[list[str]]:
    first = ["Anna", "Béla", "Csilla", "Dániel", "Edit", "Ferenc", "Gabriella", "Hajnal", "István", "Judit"]
    last = ["Kovács", "Nagy", "Szabó", "Tóth", "Varga", "Kiss", "Molnár", "Németh", "Farkas", "Balogh"]
    rows = [
        ["Partner adószám", "Vezetéknév", "Keresztnév", "Beosztás", "E-mail", "Telefon", "Nyelv", "Típus"]
    ]
    for n in range(count):
        rows.append([
            f"{10_000_000 + n // 2}-2-42", last[n % 10], first[(n * 3) % 10], "Pénzügyi vezető",
            f"c{n}@partner{n // 2}.hu", f"+36 30 {n % 1000:03d} {n % 10_000:04d}", "hu", "financial",
        ])  # fmt: skip
    return rows


def xlsx(rows: list[list[str]], *, write_only: bool) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(rows: list[list[str]]) -> bytes:
    return ("\r\n".join(",".join(row) for row in rows) + "\r\n").encode()


def upload_and_preview(client, data: bytes, name: str) -> tuple[float, float, float, float]:
    """(upload wall s, upload CPU s, preview wall s, preview CPU s) of one file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports.models import ImportRun
    from imports.services import import_mapping_save, suggested_mapping

    upload = {"file": SimpleUploadedFile(name, data), "kind": "contacts", "encoding": "auto"}
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.post("/imports/", upload)
    upload_wall, upload_cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert response.status_code == 302, response.content[-2000:]
    run = ImportRun.objects.latest("pk")
    import_mapping_save(run=run, mapping=suggested_mapping(run), matching="update", actor=run.created_by)
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/imports/{run.pk}/preview/")
    preview_wall, preview_cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert response.status_code == 200
    return upload_wall, upload_cpu, preview_wall, preview_cpu


def peak_mb(client, data: bytes, name: str) -> tuple[float, float]:
    """Peak Python allocations (tracemalloc) of the upload request and of the preview, in MB."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports.models import ImportRun
    from imports.services import import_mapping_save, suggested_mapping

    tracemalloc.start()
    response = client.post(
        "/imports/", {"file": SimpleUploadedFile(name, data), "kind": "contacts", "encoding": "auto"}
    )
    upload_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert response.status_code == 302
    run = ImportRun.objects.latest("pk")
    import_mapping_save(run=run, mapping=suggested_mapping(run), matching="update", actor=run.created_by)
    tracemalloc.start()
    client.get(f"/imports/{run.pk}/preview/")
    preview_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(upload_peak / 1e6, 1), round(preview_peak / 1e6, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/crm_bench_import_upload"
    )
    parser.add_argument("--reuse-database", action="store_true", help="skip dropping and migrating")
    args = parser.parse_args()

    if not args.reuse_database:
        print(f"Recreating {args.database_url} and migrating ...", flush=True)
        recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("CACHE_KEY_PREFIX", "bench-import-upload")
    setup_django()
    django_client_setup()
    from django.test import Client

    from companies.models import User
    from tests.factories import CompanyFactory, member

    user = User.objects.filter(username="uploader").first()
    if user is None:
        company = CompanyFactory(name="Upload Bench Kft.", code="upload-bench")
        functions = ("imports.run_import", "contacts.view_contact", "contacts.add_contact")
        user = member(company, *functions, username="uploader")
    client = Client()
    client.force_login(user)

    rows = contact_rows(args.rows)
    files = {
        "xlsx (with dimension, as Excel saves it)": (xlsx(rows, write_only=False), "contacts.xlsx"),
        "xlsx (no dimension, streaming writer)": (xlsx(rows, write_only=True), "contacts.xlsx"),
        "csv (UTF-8)": (csv_file(rows), "contacts.csv"),
    }
    figures: dict = {"rows": args.rows, "load average at start": round(os.getloadavg()[0], 2)}
    for label, (data, name) in files.items():
        print(f"{label}: {len(data) / 1e6:.2f} MB ...", flush=True)
        timings = [upload_and_preview(client, data, name) for _ in range(args.repeat)]
        upload_peak, preview_peak = peak_mb(client, data, name)
        figures[label] = {
            "file_mb": round(len(data) / 1e6, 2),
            "upload_wall_s": round(statistics.median(t[0] for t in timings), 3),
            "upload_cpu_s": round(statistics.median(t[1] for t in timings), 3),
            "upload_peak_python_mb": upload_peak,
            "preview_wall_s": round(statistics.median(t[2] for t in timings), 3),
            "preview_cpu_s": round(statistics.median(t[3] for t in timings), 3),
            "preview_peak_python_mb": preview_peak,
        }
        print(f"  {figures[label]}", flush=True)
    figures["load average at end"] = round(os.getloadavg()[0], 2)
    report("import_upload", figures)


if __name__ == "__main__":
    main()
