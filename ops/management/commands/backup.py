"""manage.py backup [--output DIR] [--no-media]: the database and the uploaded files, into DIR.

PostgreSQL: `pg_dump -Fc` into DIR/crm-<db>-<UTC timestamp>.dump (restore with `manage.py restore`, or by
hand with `pg_restore --clean --if-exists --no-owner -d <db> FILE`). The connection comes from
settings.DATABASES; the password goes to pg_dump through PGPASSWORD, never on its command line.
SQLite (the embedded setup): SQLite's online backup API into DIR/crm-<UTC timestamp>.sqlite3, consistent
even while the server and the worker write.
Both: MEDIA_ROOT as a .tar.gz next to the database file (<same name>-media.tar.gz).

The files hold every customer record: DIR is created readable by its owner only, and so are the files.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

# libpq environment variables for the OPTIONS Django's PostgreSQL backend passes on to libpq.
PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def safe_name(value: object) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(value)).strip("._") or "db"


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"  # not reached


def database_settings(alias: str) -> dict:
    try:
        return connections[alias].settings_dict
    except Exception as error:
        raise CommandError(f"There is no database {alias!r} in settings.DATABASES.") from error


def is_postgres(db: dict) -> bool:
    return db["ENGINE"].startswith("django.db.backends.postgresql")


def is_sqlite(db: dict) -> bool:
    return db["ENGINE"] == "django.db.backends.sqlite3"


def sqlite_path(db: dict) -> Path:
    name = str(db["NAME"])
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        raise CommandError(
            f"The SQLite database {name!r} is in memory: there is no file to back up or restore."
        )
    return Path(name)


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise CommandError(
            f"{name} was not found on PATH. Install the PostgreSQL client tools of the server's major version "
            f"or newer (Debian/Ubuntu: apt-get install postgresql-client-15)."
        )
    return path


def pg_connection(db: dict) -> tuple[list[str], dict[str, str]]:
    """Command-line connection options and environment for pg_dump/pg_restore.

    The password only ever goes into the environment (PGPASSWORD): command lines are visible to every
    user of the machine through ps and /proc.
    """
    args: list[str] = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    for option, variable in PG_OPTION_ENV.items():
        value = (db.get("OPTIONS") or {}).get(option)
        if value:
            env[variable] = str(value)
    return args, env


def describe(db: dict) -> str:
    if is_postgres(db):
        where = db.get("HOST") or "the local socket"
        return f"PostgreSQL database {db['NAME']!r} on {where}"
    return f"SQLite database {db['NAME']}"


def run_pg(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as error:
        raise CommandError(f"{what} could not be started: {error}") from error
    if result.returncode != 0:
        detail = (result.stderr or result.stdout or "").strip()[-2000:]
        raise CommandError(f"{what} failed (exit code {result.returncode}):\n{detail}")


def private_file(path: Path) -> None:
    """Create `path` empty, readable by its owner only; fails if it exists."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy SQLite database `source` into `target` with the online backup API.

    Consistent even while other connections write to `source` (WAL included); `target` may be a live
    database too, its pages are replaced inside SQLite's own locking. `source` must exist and be a
    SQLite database: it is opened read-only, never created.
    """
    source = Path(source)
    if not source.is_file():
        raise CommandError(f"{source} does not exist.")
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise CommandError(f"{source} is a damaged SQLite database.")
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as error:
        raise CommandError(f"SQLite copy from {source} to {target} failed: {error}") from error


def archive_media(media_root: Path, target: Path) -> None:
    """MEDIA_ROOT's contents as target (.tar.gz), names relative to MEDIA_ROOT."""
    with tarfile.open(target, "w:gz") as archive:
        for child in sorted(media_root.iterdir()):
            archive.add(child, arcname=child.name)


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc, or SQLite's backup API) and MEDIA_ROOT (tar.gz) into a folder."
    requires_system_checks: list = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            metavar="DIR",
            help="Folder for the backup files (default: settings.BACKUP_DIR, else <CRM_VAR_DIR>/backups).",
        )
        parser.add_argument("--no-media", action="store_true", help="Do not archive MEDIA_ROOT.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, **options) -> None:
        db = database_settings(options["database"])
        output = Path(
            options["output"] or getattr(settings, "BACKUP_DIR", None) or Path(settings.VAR_DIR) / "backups"
        )
        stamp = utc_stamp()
        if is_postgres(db):
            pg_dump = pg_tool("pg_dump")
            base = f"crm-{safe_name(db['NAME'])}-{stamp}"
            database_file = output / f"{base}.dump"
        elif is_sqlite(db):
            source = sqlite_path(db)
            base = f"crm-{stamp}"
            database_file = output / f"{base}.sqlite3"
        else:
            raise CommandError(f"Backups support PostgreSQL and SQLite, not {db['ENGINE']}.")

        try:
            output.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            raise CommandError(f"Cannot create the backup folder {output}: {error}") from error

        partial = database_file.with_name(database_file.name + ".part")
        try:
            private_file(partial)
            if is_postgres(db):
                conn_args, env = pg_connection(db)
                command = [pg_dump, "--format=custom", "--no-password", "--file", str(partial), *conn_args]
                run_pg([*command, "--dbname", str(db["NAME"])], env, "pg_dump")
            else:
                sqlite_copy(source, partial)
            partial.rename(database_file)
        except OSError as error:
            raise CommandError(f"Cannot write {partial}: {error}") from error
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Database: {database_file} ({human_size(database_file.stat().st_size)})")

        if options["no_media"]:
            return
        media_root = Path(settings.MEDIA_ROOT)
        if not media_root.is_dir():
            self.stdout.write(f"Media: no folder at {media_root}, nothing to archive.")
            return
        media_file = output / f"{base}-media.tar.gz"
        partial = media_file.with_name(media_file.name + ".part")
        try:
            private_file(partial)
            archive_media(media_root, partial)
            partial.rename(media_file)
        except (OSError, tarfile.TarError) as error:
            raise CommandError(f"Cannot archive {media_root} into {media_file}: {error}") from error
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Media: {media_file} ({human_size(media_file.stat().st_size)})")
