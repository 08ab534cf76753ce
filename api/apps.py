from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API (/api/v1/): personal tokens, DRF viewsets over the domain services; above the features."""

    name = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from django.apps import apps

        from api import schema  # noqa: F401 (registers the token scheme with drf-spectacular)

        if apps.is_installed("auditlog"):
            # Making and revoking a token is in the audit trail (never its hash, nor every use).
            from auditlog.registry import auditlog

            from api.models import ApiToken

            auditlog.register(ApiToken, exclude_fields=["token_hash", "last_used_at"])
