from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks

from ops.schedule import PERIODIC_TASKS, RENAMED_TASKS


class Command(BaseCommand):
    help = (
        "Create the periodic jobs declared in ops/schedule.py that are missing (never overwrites admin "
        "edits) and point existing jobs of a renamed task at its new name."
    )

    def handle(self, *args, **options) -> None:
        from django.conf import settings

        renamed = 0
        for old, new in RENAMED_TASKS.items():
            # Only the task name changes: the admin's times, arguments and enabled flag stay.
            renamed += PeriodicTask.objects.filter(task=old).update(task=new)
        if renamed:
            PeriodicTasks.update_changed()  # a running beat reloads its schedule

        created = 0
        for name, spec in PERIODIC_TASKS.items():
            if PeriodicTask.objects.filter(name=name).exists():
                continue
            crontab, _ = CrontabSchedule.objects.get_or_create(
                timezone=settings.TIME_ZONE,
                **{
                    key: spec["crontab"].get(key, "*")
                    for key in ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")
                },
            )
            PeriodicTask.objects.create(name=name, task=spec["task"], crontab=crontab)
            created += 1
        self.stdout.write(
            f"Periodic jobs: {created} created, {len(PERIODIC_TASKS) - created} already present"
            + (f", {renamed} renamed." if renamed else ".")
        )
