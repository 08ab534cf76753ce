from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from companies.list_toolbars import watch
        from events.models import Event, EventType
        from events.services import forget_overdue_counts

        watch(EventType)  # the event list's type picker

        # Only forgets the meeting block's cached overdue counts (events.services.overdue_meeting_count).
        post_save.connect(forget_overdue_counts, sender=Event, dispatch_uid="overdue-meetings-save")
        post_delete.connect(forget_overdue_counts, sender=Event, dispatch_uid="overdue-meetings-delete")
