"""System checks run by `manage.py check --deploy` (the pre-flight in docs/deployment.md)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}  # noqa: S104 (compared, not bound)


@register(Tags.security, deploy=True)
def check_public_links(app_configs, **kwargs) -> list[Warning]:
    """Links in e-mails, reminders, notifications, ICS feeds and Google events start with CRM_BASE_URL."""
    base = getattr(settings, "CRM_BASE_URL", "") or ""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.hostname in LOCAL_HOSTS:
        return [
            Warning(
                f"CRM_BASE_URL is {base!r}: links in e-mails, notifications, reminders, ICS feeds and "
                "Google Calendar events would point there, not at the CRM users open.",
                hint="Set CRM_BASE_URL to the address users type, e.g. https://crm.example.com",
                id="crm.W001",
            )
        ]
    if parts.scheme != "https":
        return [
            Warning(
                f"CRM_BASE_URL ({base}) is not https: links in e-mails would go over plain HTTP.",
                hint="Use the https:// address of the reverse proxy.",
                id="crm.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_tracking_webhook_secret(app_configs, **kwargs) -> list[Warning]:
    """Delivery and bounce tracking of letters needs the webhook's basic-auth secret."""
    esps = getattr(settings, "ANYMAIL_TRACKING_ESPS", [])
    secret = (getattr(settings, "ANYMAIL", {}) or {}).get("WEBHOOK_SECRET", "")
    if esps and not secret:
        return [
            Warning(
                "ANYMAIL_WEBHOOK_SECRET is empty: the ESP's tracking webhooks "
                f"(/anymail/{esps[0]}/tracking/) refuse every call, so letters never show as "
                "delivered, opened or bounced.",
                hint="Set ANYMAIL_WEBHOOK_SECRET=user:password and enter the same credentials in the "
                f"ESP's webhook URL: https://user:password@crm.example.com/anymail/{esps[0]}/tracking/",
                id="crm.W003",
            )
        ]
    return []
