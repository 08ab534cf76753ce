"""Trigram indexes for searching communications and tasks by subject or number (PostgreSQL only).

SQLite searches without them. Built CONCURRENTLY: on a live database the tables stay writable while
they are built (a few minutes for millions of rows).
"""

from django.db import migrations

INDEXES = {
    "communication_subject_trgm": ("communications_communication", "subject"),
    "communication_number_trgm": ("communications_communication", "number"),
    "task_subject_trgm": ("communications_task", "subject"),
    "task_number_trgm": ("communications_task", "number"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("communications", "0002_initial")]

    operations = [migrations.RunPython(create, drop, atomic=False)]
