"""`./run` on the embedded SQLite database: migrate's system checks print no warning that does not apply
there (models.W040, covering indexes), and still print the real ones."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]


def check_output(*args: str, **env: str) -> str:
    with tempfile.TemporaryDirectory() as var:
        environment = {
            key: value
            for key, value in os.environ.items()
            if key
            not in (
                "DATABASE_URL",
                "REDIS_URL",
                "SILENCED_SYSTEM_CHECKS",
                "DJANGO_SETTINGS_MODULE",
                "DJANGO_ALLOW_ASYNC_UNSAFE",
            )
        }
        environment.update(CRM_VAR_DIR=var, DATABASE_URL=f"sqlite:///{var}/db.sqlite3", **env)
        result = subprocess.run(  # noqa: S603 (our interpreter and manage.py)
            [sys.executable, str(ROOT / "manage.py"), "check", "--database", "default", *args],
            env=environment,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    return result.stdout + result.stderr


class SqliteCheckTests(SimpleTestCase):
    def test_the_covering_index_warning_is_not_printed_on_sqlite(self):
        output = check_output()
        self.assertIn("System check identified no issues", output)
        self.assertNotIn("W040", output)

    def test_real_warnings_and_the_operators_own_list_still_count(self):
        output = check_output("--deploy", SILENCED_SYSTEM_CHECKS="security.W018")
        self.assertIn("crm.W001", output)  # links would point at the development server
        self.assertNotIn("security.W018", output)  # DEBUG on: silenced by the operator
        self.assertNotIn("W040", output)
