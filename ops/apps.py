from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: the periodic schedule and the commands that run the installation.

    It sits above core (plumbing) and below every domain app (docs/architecture.md, "Layers"). The jobs
    machinery, outbox, mail, health and backup still live in core for now (see the architecture note).
    """

    name = "ops"
    label = "ops"
    verbose_name = _("Operations")
