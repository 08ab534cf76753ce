"""manage.py backup / restore: PostgreSQL round trip on the test database, SQLite helper and command."""

import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase

from companies.models import Company
from ops.management.commands import backup as backup_module
from ops.management.commands.backup import pg_connection, sqlite_copy
from ops.management.commands.restore import extract_media
from tests.factories import CompanyFactory

ROOT = Path(__file__).resolve().parents[2]
STAMP = r"\d{8}T\d{6}Z"


def _tmpdir(test) -> Path:
    path = Path(tempfile.mkdtemp(prefix="crm-backup-test-"))
    test.addCleanup(shutil.rmtree, path, ignore_errors=True)
    return path


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
class PostgresBackupTests(TransactionTestCase):
    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("the test database is not PostgreSQL")
        # Never anything but the throwaway test database.
        self.assertTrue(
            connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        )
        self.output = _tmpdir(self)

    def backup(self):
        out = io.StringIO()
        call_command("backup", output=str(self.output), stdout=out)
        return out.getvalue()

    def test_backup_then_restore_brings_a_deleted_row_and_file_back(self):
        company = CompanyFactory(name="Visszaállító Kft")
        media = Path(settings.MEDIA_ROOT)
        (media / "attachments").mkdir(parents=True, exist_ok=True)
        (media / "attachments" / "offer.pdf").write_bytes(b"%PDF-1.7 offer")
        self.addCleanup((media / "attachments" / "offer.pdf").unlink, missing_ok=True)

        printed = self.backup()
        name = re.escape(connection.settings_dict["NAME"])
        dumps = list(self.output.glob("*.dump"))
        self.assertEqual(len(dumps), 1)
        self.assertRegex(dumps[0].name, rf"^crm-{name}-{STAMP}\.dump$")
        tarball = dumps[0].with_name(dumps[0].stem + "-media.tar.gz")
        self.assertTrue(tarball.is_file())
        self.assertIn(str(dumps[0]), printed)
        self.assertIn(str(tarball), printed)
        self.assertEqual(dumps[0].stat().st_mode & 0o077, 0)  # readable by the owner only
        self.assertEqual(list(self.output.glob("*.part")), [])

        Company.objects.filter(pk=company.pk).delete()
        (media / "attachments" / "offer.pdf").unlink()

        with self.assertRaisesMessage(CommandError, "--yes"):
            call_command("restore", str(dumps[0]), media=str(tarball), stdout=io.StringIO())
        self.assertFalse(Company.objects.filter(pk=company.pk).exists())  # refused: nothing changed
        self.assertFalse((media / "attachments" / "offer.pdf").exists())

        call_command("restore", str(dumps[0]), media=str(tarball), yes=True, stdout=io.StringIO())
        self.assertEqual(Company.objects.get(pk=company.pk).name, "Visszaállító Kft")
        self.assertEqual((media / "attachments" / "offer.pdf").read_bytes(), b"%PDF-1.7 offer")
        # The restored database keeps working: sequences came back too.
        self.assertGreater(CompanyFactory().pk, company.pk)

    def test_missing_pg_dump_is_a_clear_error(self):
        with (
            mock.patch.object(backup_module.shutil, "which", return_value=None),
            self.assertRaisesMessage(CommandError, "pg_dump was not found"),
        ):
            self.backup()
        self.assertEqual(list(self.output.iterdir()), [])

    def test_a_failing_pg_dump_is_an_error_and_leaves_no_file(self):
        with (
            mock.patch.dict(connection.settings_dict, {"NAME": "crm_no_such_database_for_backup"}),
            self.assertRaisesMessage(CommandError, "pg_dump failed"),
        ):
            self.backup()
        self.assertEqual(list(self.output.iterdir()), [])

    def test_restore_of_a_broken_file_changes_nothing(self):
        company = CompanyFactory()
        broken = self.output / "broken.dump"
        broken.write_bytes(b"not a dump")
        with self.assertRaisesMessage(CommandError, "pg_restore failed"):
            call_command("restore", str(broken), yes=True, stdout=io.StringIO())
        self.assertTrue(Company.objects.filter(pk=company.pk).exists())


class PostgresConnectionTests(SimpleTestCase):
    def test_the_password_goes_to_the_environment_never_the_command_line(self):
        args, env = pg_connection(
            {
                "NAME": "crm",
                "USER": "crm",
                "PASSWORD": "s3cret-value",
                "HOST": "db.internal",
                "PORT": 5433,
                "OPTIONS": {"sslmode": "require"},
            }
        )
        self.assertEqual(args, ["--host", "db.internal", "--port", "5433", "--username", "crm"])
        self.assertNotIn("s3cret-value", " ".join(args))
        self.assertEqual(env["PGPASSWORD"], "s3cret-value")
        self.assertEqual(env["PGSSLMODE"], "require")


class SqliteBackupTests(SimpleTestCase):
    def make_db(self, path: Path, rows) -> None:
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE IF NOT EXISTS partner (name TEXT)")
            db.execute("DELETE FROM partner")
            db.executemany("INSERT INTO partner VALUES (?)", [(r,) for r in rows])
        db.close()

    def rows(self, path: Path):
        db = sqlite3.connect(path)
        try:
            return [r[0] for r in db.execute("SELECT name FROM partner ORDER BY name")]
        finally:
            db.close()

    def test_the_helper_copies_a_database_file(self):
        tmp = _tmpdir(self)
        self.make_db(tmp / "live.sqlite3", ["Alfa", "Béta"])
        sqlite_copy(tmp / "live.sqlite3", tmp / "copy.sqlite3")
        self.assertEqual(self.rows(tmp / "copy.sqlite3"), ["Alfa", "Béta"])
        # ... and back over a database that changed since (what restore does).
        self.make_db(tmp / "live.sqlite3", ["Gamma"])
        sqlite_copy(tmp / "copy.sqlite3", tmp / "live.sqlite3")
        self.assertEqual(self.rows(tmp / "live.sqlite3"), ["Alfa", "Béta"])

    def test_the_helper_copies_a_database_in_wal_mode_with_an_open_writer(self):
        tmp = _tmpdir(self)
        writer = sqlite3.connect(tmp / "live.sqlite3")
        self.addCleanup(writer.close)
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("CREATE TABLE partner (name TEXT)")
        writer.execute("INSERT INTO partner VALUES ('committed, still in the WAL')")
        writer.commit()
        sqlite_copy(tmp / "live.sqlite3", tmp / "copy.sqlite3")
        self.assertEqual(self.rows(tmp / "copy.sqlite3"), ["committed, still in the WAL"])

    def test_the_helper_refuses_a_missing_or_foreign_source(self):
        tmp = _tmpdir(self)
        with self.assertRaisesMessage(CommandError, "does not exist"):
            sqlite_copy(tmp / "missing.sqlite3", tmp / "copy.sqlite3")
        self.assertFalse((tmp / "missing.sqlite3").exists())  # read-only: never created
        (tmp / "notes.txt").write_text("not a database " * 100)
        self.make_db(tmp / "live.sqlite3", ["Alfa"])
        with self.assertRaises(CommandError):
            sqlite_copy(tmp / "notes.txt", tmp / "live.sqlite3")
        self.assertEqual(self.rows(tmp / "live.sqlite3"), ["Alfa"])

    def test_media_archives_cannot_write_outside_media_root(self):
        tmp = _tmpdir(self)
        evil = tmp / "evil.tar.gz"
        with tarfile.open(evil, "w:gz") as archive:
            info = tarfile.TarInfo("../escaped.txt")
            info.size = 3
            archive.addfile(info, io.BytesIO(b"bad"))
        with self.assertRaises(tarfile.TarError):
            extract_media(evil, tmp / "media")
        self.assertFalse((tmp / "escaped.txt").exists())

    def test_the_commands_on_an_embedded_sqlite_setup(self):
        """The real manage.py, in a subprocess configured like the embedded (SQLite) installation."""
        tmp = _tmpdir(self)
        db_file = tmp / "db.sqlite3"
        self.make_db(db_file, ["Alfa"])
        (tmp / "media").mkdir()
        (tmp / "media" / "logo.png").write_bytes(b"png")
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "TEST_DATABASE_NAME", "DJANGO_SETTINGS_MODULE"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="crm_project.settings",
            DATABASE_URL=f"sqlite:///{db_file}",
            CRM_VAR_DIR=str(tmp / "var"),
            MEDIA_ROOT=str(tmp / "media"),
        )

        def manage(*args):
            return subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )

        result = manage("backup", "--output", str(tmp / "out"))
        self.assertEqual(result.returncode, 0, result.stderr)
        [copy] = (tmp / "out").glob("*.sqlite3")
        self.assertRegex(copy.name, rf"^crm-{STAMP}\.sqlite3$")
        self.assertIn(str(copy), result.stdout)
        tarball = tmp / "out" / f"{copy.stem}-media.tar.gz"
        self.assertTrue(tarball.is_file())

        self.make_db(db_file, ["Changed"])
        (tmp / "media" / "logo.png").unlink()
        refused = manage("restore", str(copy), "--media", str(tarball))
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("--yes", refused.stderr)
        self.assertEqual(self.rows(db_file), ["Changed"])

        result = manage("restore", str(copy), "--media", str(tarball), "--yes")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.rows(db_file), ["Alfa"])
        self.assertEqual((tmp / "media" / "logo.png").read_bytes(), b"png")

    def test_a_missing_pg_dump_makes_manage_py_exit_non_zero(self):
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            DJANGO_SETTINGS_MODULE="crm_project.settings",
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
            PATH=str(Path(sys.executable).parent),  # python, but no pg_dump
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "backup", "--output", str(_tmpdir(self))],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 1)
        self.assertIn("pg_dump was not found", result.stderr)
