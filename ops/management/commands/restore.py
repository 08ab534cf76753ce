"""manage.py restore FILE [--media TARBALL] --yes: put a `manage.py backup` back.

PostgreSQL: `pg_restore --clean --if-exists --no-owner --single-transaction` into the configured database,
so it either replaces everything or, on any error, changes nothing. SQLite: the backup file is copied over
the configured database file with SQLite's backup API. --media unpacks a media archive into MEDIA_ROOT
(files of the same name are replaced, other files stay).

Stop the web server, the worker and beat first. Without --yes nothing is touched.
"""

import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ops.management.commands.backup import (
    database_settings,
    describe,
    is_postgres,
    is_sqlite,
    pg_connection,
    pg_tool,
    run_pg,
    sqlite_copy,
    sqlite_path,
)


def extract_media(archive_path: Path, media_root: Path) -> int:
    """Unpack a media archive into media_root; refuses absolute paths, '..', links out and devices."""
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:*") as archive:
        members = archive.getmembers()
        archive.extractall(media_root, filter="data")
    return sum(1 for member in members if member.isfile())


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` (replaces the database; needs --yes)."
    requires_system_checks: list = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The .dump (PostgreSQL) or .sqlite3 (SQLite) file.")
        parser.add_argument("--media", metavar="TARBALL", help="A -media.tar.gz to unpack into MEDIA_ROOT.")
        parser.add_argument("--yes", action="store_true", help="Confirm: replace the current data.")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, **options) -> None:
        db = database_settings(options["database"])
        backup = Path(options["file"])
        media = Path(options["media"]) if options["media"] else None
        if not (is_postgres(db) or is_sqlite(db)):
            raise CommandError(f"Restore supports PostgreSQL and SQLite, not {db['ENGINE']}.")
        if not backup.is_file():
            raise CommandError(f"{backup} does not exist.")
        if media and not media.is_file():
            raise CommandError(f"{media} does not exist.")
        if not options["yes"]:
            also = f" and unpack {media} into {settings.MEDIA_ROOT}" if media else ""
            raise CommandError(
                f"This would replace all data in the {describe(db)} with {backup}{also}. "
                "Nothing was changed. Stop the web server, worker and beat, then run the command again "
                "with --yes to confirm."
            )

        connections.close_all()
        if is_postgres(db):
            pg_restore = pg_tool("pg_restore")
            conn_args, env = pg_connection(db)
            command = [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                *conn_args,
                "--dbname",
                str(db["NAME"]),
                str(backup),
            ]
            run_pg(command, env, "pg_restore")
        else:
            sqlite_copy(backup, sqlite_path(db))
        self.stdout.write(f"Restored the {describe(db)} from {backup}.")

        if media:
            try:
                count = extract_media(media, Path(settings.MEDIA_ROOT))
            except (OSError, tarfile.TarError) as error:
                raise CommandError(f"Cannot unpack {media} into {settings.MEDIA_ROOT}: {error}") from error
            self.stdout.write(f"Unpacked {count} files from {media} into {settings.MEDIA_ROOT}.")
