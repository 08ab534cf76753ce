from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite uses the portable fallback in partners/similarity.py
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS partner_name_trgm ON partners_partner USING gin (name gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS partner_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_asset_turnover")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
