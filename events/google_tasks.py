"""Celery tasks that mirror meetings and reminders into users' Google calendars.

Temporary failures (Google 5xx, rate limits, network) are retried with
exponential back-off and jitter, up to `MAX_RETRIES` times; after the last try
the error is shown on the user's calendar settings page. A refused
connection is not retried: `events.calendar_sync` marks it failing.
"""

import httplib2
from celery import shared_task
from google.auth.exceptions import TransportError

from events import calendar_sync
from events.clients.google_calendar import GoogleSyncError

MAX_RETRIES = 8
RETRYABLE = (GoogleSyncError, httplib2.HttpLib2Error, TransportError, ConnectionError, TimeoutError)

RETRY_OPTIONS = {
    "acks_late": True,
    "autoretry_for": RETRYABLE,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": MAX_RETRIES,
}


def _run(task, user_id: int, work):
    try:
        return work()
    except RETRYABLE as error:
        if task.request.retries >= (task.max_retries or 0):
            calendar_sync.record_error(user_id, str(error))
        raise


@shared_task(bind=True, **RETRY_OPTIONS)
def sync_event_to_google(self, event_id: int, user_id: int) -> str:
    return _run(self, user_id, lambda: calendar_sync.sync_event(event_id, user_id))


@shared_task(bind=True, **RETRY_OPTIONS)
def delete_google_event(self, user_id: int, google_event_id: str) -> str:
    return _run(self, user_id, lambda: calendar_sync.delete_remote_event(user_id, google_event_id))
