"""JobRun and TaskFailure now belong to ops (ops/migrations/0001_initial.py): core forgets them in
Django's state only; their tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("ops", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="JobRun"),
                migrations.DeleteModel(name="TaskFailure"),
            ],
            database_operations=[],
        ),
    ]
