"""The communications list's index (see Communication.Meta), built CONCURRENTLY on PostgreSQL.

A plain AddIndex would block writes to a table of millions of rows while it builds.
"""

from django.db import migrations, models

INDEX = models.Index(
    fields=["company", "channel", "direction", "created_at", "id"],
    include=["author", "assignee"],
    name="communication_list",
)


def create(apps, schema_editor):
    model = apps.get_model("communications", "Communication")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX.name}")  # a failed earlier build
        schema_editor.add_index(model, INDEX, concurrently=True)
    else:
        schema_editor.add_index(model, INDEX)


def drop(apps, schema_editor):
    model = apps.get_model("communications", "Communication")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, INDEX, concurrently=True)
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("communications", "0003_search_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="communication", index=INDEX)],
            database_operations=[migrations.RunPython(create, drop, atomic=False)],
        )
    ]
