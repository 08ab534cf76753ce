"""Trigram indexes for the global search over contacts (PostgreSQL only; SQLite searches without them).

Built CONCURRENTLY: on a live database the contact table stays writable while they are built.
"""

from django.db import migrations

COLUMNS = {"contact_last_name_trgm": "last_name", "contact_first_name_trgm": "first_name", "contact_email_trgm": "email"}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in COLUMNS.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON contacts_contact USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in COLUMNS:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("contacts", "0001_initial")]

    operations = [migrations.RunPython(create, drop, atomic=False)]
