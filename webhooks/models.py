"""Outgoing webhooks: a company's subscriptions and every delivery, with its send state (an outbox row)."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from companies.models import Company


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


class Subscription(models.Model):
    """A URL of another system that wants to hear about some events of one company."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500, help_text=_("Where the events are posted (HTTPS)."))
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_secret,
        help_text=_("The receiver checks each delivery's signature with this secret (docs/webhooks.md)."),
    )
    events = models.JSONField(_("events"), default=list, help_text=_("The events posted to this URL."))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["company", "name"]
        indexes = [models.Index(fields=["company", "is_active"], name="webhook_sub_company_active")]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")


class Delivery(models.Model):
    """One event posted to one subscription: recorded in the transaction of the change it reports,
    sent after commit by a task through `ops.outbox` (claim, lease, retry with back-off)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, verbose_name=_("company"))
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscription")
    )
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=50)
    body = models.TextField(_("body"), help_text=_("The JSON posted, exactly as signed."))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)  # the outbox's receipt column
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="webhook_delivery_waiting")]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"
