"""Indexes for the partner fragment search (PostgreSQL only; SQLite searches without them).

The name's trigram index exists since 0003. The short name gets one too, and the tax number a btree
index on its normalised form (core.matching.tax_key_expression) for prefix searches. Built
CONCURRENTLY: on a live database the partner table stays writable while they are built.
"""

from django.db import migrations

INDEXES = {
    "partner_short_name_trgm": "USING gin (short_name gin_trgm_ops)",
    "partner_tax_key": "(UPPER(REPLACE(REPLACE(tax_number, '-', ''), ' ', '')) text_pattern_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON partners_partner {definition}")
    # An expression index has no statistics until the next ANALYZE: without them the planner guesses
    # 0.5 % of the table for a tax-number prefix and joins the partner list the slow way.
    schema_editor.execute("ANALYZE partners_partner")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("partners", "0004_ownerchange")]

    operations = [migrations.RunPython(create, drop, atomic=False)]
