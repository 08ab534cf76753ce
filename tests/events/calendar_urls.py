"""The project's URLs with the calendar URLs inside the `events` namespace (until the project wires them)."""

from django.urls import include, path

from crm_project import urls as project_urls
from events import urls as event_urls
from events import urls_calendar


def _is_events_include(pattern) -> bool:
    return getattr(pattern, "namespace", None) == "events"


urlpatterns = [
    path("", include(([*urls_calendar.urlpatterns, *event_urls.urlpatterns], "events"))),
    *[pattern for pattern in project_urls.urlpatterns if not _is_events_include(pattern)],
]
