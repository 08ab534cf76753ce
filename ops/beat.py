"""Beat's scheduler: django-celery-beat's DatabaseScheduler (schedules edited in the admin), with every
message stamped with the slot it is for, so that the task side (ops.jobs.CrmTask) runs each slot once
even when two beat processes run or a restarted beat catches a missed slot up."""

import logging

from django.core.cache import cache
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from ops.jobs import SLOT_HEADER, slot_for

logger = logging.getLogger(__name__)

# When beat last sent a message (read by /health/).
BEAT_KEY = "crm:beat-alive"


class SlotScheduler(DatabaseScheduler):
    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        # Advanced here, not by the parent: reserve() builds a fresh entry from the database row, which
        # would drop the header set below.
        entry = self.reserve(entry) if advance else entry
        now = timezone.now()
        try:
            cache.set(BEAT_KEY, now.isoformat(), timeout=None)
        except Exception:  # the cache being down must not stop the schedule
            logger.warning("Could not record beat's liveness in the cache", exc_info=True)
        headers = dict(entry.options.get("headers") or {})
        headers[SLOT_HEADER] = slot_for(entry.schedule, now).isoformat()
        entry.options = {**entry.options, "headers": headers}
        return super().apply_async(entry, producer, advance=False, **kwargs)
