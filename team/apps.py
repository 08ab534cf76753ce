from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamConfig(AppConfig):
    """The manager's view (/team/, person figures, weekly digest): a feature reading several domains."""

    name = "team"
    verbose_name = _("Team")
