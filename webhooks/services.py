"""Recording and sending webhook deliveries.

1. A domain service publishes an event (`ops.domain_events.publish`) inside its transaction.
2. `deliveries_record` (registered as a listener by `WebhooksConfig.ready`) writes one `Delivery` per
   active subscription of that company that asked for the event, with the exact JSON body, and queues
   its send task after commit. Only the subscription's own company's events ever reach it.
3. `delivery_send` posts the body through the outbox (`ops.outbox.Outbox.send`: claim with a lease,
   record the result, retry with back-off on a failure, give up after `MAX_ATTEMPTS`), signed with
   the subscription's secret (`webhooks.signing`). A non-2xx answer or no answer is a failure.
"""

import json
import time
from collections.abc import Callable
from typing import Any

import requests
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from ops.outbox import Outbox, queue_after_commit
from webhooks.models import Delivery, DeliveryStatus, Subscription
from webhooks.signing import signature

MAX_ATTEMPTS = 8
TIMEOUT = (5, 10)  # connect, read (seconds)
SEND_TASK = "webhooks.tasks.send_webhook"
USER_AGENT = "CRM-Webhooks/1"


class Rejected(Exception):
    """The receiver answered, but not with 2xx."""


def deliveries_record(event: str, company_id: int, data: Callable[[], dict[str, Any]]) -> list[Delivery]:
    subscriptions = [
        each
        for each in Subscription.objects.filter(company_id=company_id, is_active=True).only("pk", "events")
        if event in (each.events or [])
    ]
    if not subscriptions:
        return []
    payload = data()
    occurred_at = timezone.now()
    deliveries = []
    for subscription in subscriptions:
        delivery = Delivery(company_id=company_id, subscription=subscription, event=event)
        delivery.body = json.dumps(
            {
                "delivery_id": str(delivery.delivery_id),
                "event": event,
                "occurred_at": occurred_at,
                "company_id": company_id,
                "data": payload,
            },
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        deliveries.append(delivery)
    Delivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        queue_after_commit(SEND_TASK, delivery.pk)
    return deliveries


def _post(delivery: Delivery) -> str:
    body = delivery.body.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-CRM-Event": delivery.event,
        "X-CRM-Delivery": str(delivery.delivery_id),
        "X-CRM-Timestamp": str(timestamp),
        "X-CRM-Signature": signature(delivery.subscription.secret, timestamp, body),
    }
    started = time.perf_counter()
    try:
        response = requests.post(
            delivery.subscription.url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False
        )
    except requests.RequestException as error:
        Delivery.objects.filter(pk=delivery.pk).update(
            response_code=None, response_ms=round((time.perf_counter() - started) * 1000)
        )
        raise Rejected(f"No answer: {type(error).__name__}: {error}") from error
    elapsed = round((time.perf_counter() - started) * 1000)
    Delivery.objects.filter(pk=delivery.pk).update(response_code=response.status_code, response_ms=elapsed)
    if not 200 <= response.status_code < 300:
        raise Rejected(f"HTTP {response.status_code}: {response.text[:500]}")
    return f"HTTP {response.status_code}"


WEBHOOK_OUTBOX = Outbox(
    model=Delivery,
    max_attempts=MAX_ATTEMPTS,
    gave_up=DeliveryStatus.GAVE_UP,
    deliver=_post,
    select_related=("subscription",),
    label="Webhook delivery",
)


def delivery_send(*, delivery_id: int, attempt_owner: str, actor) -> str:
    """Post one recorded delivery (at least once: a receiver de-duplicates on X-CRM-Delivery)."""
    return WEBHOOK_OUTBOX.send(delivery_id, attempt_owner=attempt_owner, actor=actor)


@transaction.atomic
def delivery_resend(*, delivery: Delivery, actor) -> None:
    """ "Send again" (admin): the same delivery (same id and body) queued with fresh attempts."""
    Delivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.QUEUED, attempts=0, last_error="", lease_owner="", lease_until=None
    )
    queue_after_commit(SEND_TASK, delivery.pk)
