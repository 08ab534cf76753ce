from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Connects the signals that keep the overdue-meeting counts of the meeting block true.
        from events import services  # noqa: F401
