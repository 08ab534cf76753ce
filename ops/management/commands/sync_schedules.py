from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from ops.schedule import PERIODIC_TASKS


class Command(BaseCommand):
    help = "Create the periodic jobs declared in ops/schedule.py that are missing (never overwrites admin edits)."

    def handle(self, *args, **options) -> None:
        from django.conf import settings

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
            f"Periodic jobs: {created} created, {len(PERIODIC_TASKS) - created} already present."
        )
