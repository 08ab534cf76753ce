"""JobRun and TaskFailure move from core to ops (issue 16): in Django's state only, the tables stay
(core_jobrun, core_taskfailure, rows and all). Their content types follow them, so admin permissions
and audit entries keep pointing at the same rows."""

from django.db import migrations, models

MODELS = ["jobrun", "taskfailure"]


def _move_content_types(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue  # a fresh database: post_migrate creates the target's content type
        # A content type the target may already have (created by a post_migrate in between) is new and
        # unused; the old one carries the permissions and audit entries, so it wins.
        ContentType.objects.using(db).filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "core", "ops")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "ops", "core")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TaskFailure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("task", models.CharField(max_length=200, verbose_name="task")),
                        ("task_id", models.CharField(max_length=255, verbose_name="task id")),
                        ("arguments", models.TextField(blank=True, verbose_name="arguments")),
                        ("exception", models.CharField(max_length=500, verbose_name="exception")),
                        ("traceback", models.TextField(blank=True, verbose_name="traceback")),
                        ("failed_at", models.DateTimeField(db_index=True, verbose_name="failed at")),
                    ],
                    options={
                        "verbose_name": "failed background task",
                        "verbose_name_plural": "failed background tasks",
                        "db_table": "core_taskfailure",
                        "ordering": ["-failed_at"],
                    },
                ),
                migrations.CreateModel(
                    name="JobRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("task", models.CharField(max_length=200, verbose_name="job")),
                        ("slot", models.DateTimeField(verbose_name="slot")),
                        ("task_id", models.CharField(max_length=255, verbose_name="task id")),
                        (
                            "status",
                            models.CharField(
                                choices=[("running", "running"), ("done", "done"), ("failed", "failed")],
                                default="running",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("attempts", models.PositiveIntegerField(default=1, verbose_name="attempts")),
                        ("started_at", models.DateTimeField(verbose_name="started")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                        ("result", models.CharField(blank=True, max_length=500, verbose_name="result")),
                        ("error", models.TextField(blank=True, verbose_name="error")),
                    ],
                    options={
                        "verbose_name": "periodic job run",
                        "verbose_name_plural": "periodic job runs",
                        "db_table": "core_jobrun",
                        "ordering": ["-slot", "task"],
                        "indexes": [
                            models.Index(fields=["status", "-started_at"], name="job_run_status_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("task", "slot"), name="job_run_once_per_slot")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
