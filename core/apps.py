from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core import (
            checks,  # noqa: F401 (registers the deploy checks)
            lookups,  # noqa: F401 (registers the trgm_icontains lookup)
        )
        from core.audit import connect_celery_actor, register_audited_models

        register_audited_models()
        connect_celery_actor()
