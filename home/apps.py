from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The home page: a feature that reads several domains (team, events, tasks), so it sits above them."""

    name = "home"
    verbose_name = _("Home")
