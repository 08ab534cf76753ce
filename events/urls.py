from django.urls import include, path

from companies.saved_views import opens_default_view
from events import views, views_calendar

app_name = "events"

urlpatterns = [
    path("events/", opens_default_view("events")(views.event_list), name="list"),
    path("events/export.csv", views.event_export, name="export"),
    path("events/calendar/view/", views_calendar.event_calendar, name="calendar"),
    path("events/new/", views.event_create, name="create"),
    path("events/overdue/", views.overdue, name="overdue"),
    path("events/<id:pk>/", views.event_detail, name="detail"),
    path("events/<id:pk>/edit/", views.event_edit, name="edit"),
    path("events/<id:pk>/close/", views.event_close, name="close"),
    path("events/<id:pk>/delete/", views.event_delete, name="delete"),
    path("reminders/", views.reminder_popups, name="reminders"),
    path("reminders/<id:pk>/dismiss/", views.reminder_action, {"action": "dismiss"}, name="reminder_dismiss"),
    path("reminders/<id:pk>/snooze/", views.reminder_action, {"action": "snooze"}, name="reminder_snooze"),
]

# Google Calendar connection and the iCalendar feed (events/views_calendar.py).
urlpatterns += [path("", include("events.urls_calendar"))]
