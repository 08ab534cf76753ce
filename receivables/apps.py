from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "receivables"
    verbose_name = _("Receivables")

    def ready(self) -> None:
        # anymail delivers ESP tracking webhooks as a signal: the receiver only hands the event to the
        # service that records it (the webhook view itself authenticates with ANYMAIL WEBHOOK_SECRET).
        from anymail.signals import tracking

        from receivables.tracking import letter_tracking_record

        def on_tracking(sender, event, esp_name, **kwargs):
            letter_tracking_record(event)

        tracking.connect(on_tracking, weak=False, dispatch_uid="receivables-letter-tracking")
