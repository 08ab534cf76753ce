"""Beat's scheduler: django-celery-beat's DatabaseScheduler (schedules edited in the admin), with every
message stamped with the slot it is for, so that the task side (core.jobs.CrmTask) runs each slot once
even when two beat processes run or a restarted beat catches a missed slot up."""

from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from core.jobs import SLOT_HEADER, slot_for


class SlotScheduler(DatabaseScheduler):
    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        # Advanced here, not by the parent: reserve() builds a fresh entry from the database row, which
        # would drop the header set below.
        entry = self.reserve(entry) if advance else entry
        headers = dict(entry.options.get("headers") or {})
        headers[SLOT_HEADER] = slot_for(entry.schedule, timezone.now()).isoformat()
        entry.options = {**entry.options, "headers": headers}
        return super().apply_async(entry, producer, advance=False, **kwargs)
