"""Calendar URLs; included into the `events` namespace ("events:calendar_settings", ...)."""

from django.urls import path

from events import views_calendar

urlpatterns = [
    path("events/calendar/", views_calendar.calendar_settings, name="calendar_settings"),
    path("events/calendar/google/connect/", views_calendar.google_connect, name="google_connect"),
    path("events/calendar/google/callback/", views_calendar.google_callback, name="google_callback"),
    path("events/calendar/google/disconnect/", views_calendar.google_disconnect, name="google_disconnect"),
    path("events/calendar/feed/rotate/", views_calendar.feed_token_rotate, name="feed_rotate"),
    path("events/calendar/feed/revoke/", views_calendar.feed_token_revoke, name="feed_revoke"),
    path("calendar/<str:token>.ics", views_calendar.ics_feed, name="ics_feed"),
]
