from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Outgoing webhooks: subscriptions per company, signed deliveries through the outbox."""

    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from ops.domain_events import listen
        from webhooks.services import deliveries_record

        listen(deliveries_record)
