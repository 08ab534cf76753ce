from django.contrib import admin

from events.models import CalendarFeedToken, Event, EventType, GoogleCalendarConnection, ReminderDelivery


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_en",
        "name_hu",
        "name_bg",
        "kind",
        "colour",
        "default_reminder_minutes",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    filter_horizontal = ["allowed_groups", "follow_up_types"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["subject", "type", "company", "owner", "partner", "starts_at", "outcome"]
    list_filter = ["company", "type", "outcome"]
    search_fields = ["subject", "partner__name", "owner__username"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["partner", "owner", "participants", "contacts", "follows"]
    list_select_related = ["type", "company", "owner", "partner"]


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "due_at", "status", "late", "email_sent_at"]
    list_filter = ["status", "late"]
    list_select_related = ["event", "user"]


@admin.register(GoogleCalendarConnection)
class GoogleCalendarConnectionAdmin(admin.ModelAdmin):
    list_display = ["user", "google_email", "status", "updated_at"]
    list_filter = ["status"]
    readonly_fields = ["user", "google_email", "status", "last_error", "connected_at", "updated_at"]
    exclude = ["encrypted_credentials"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # written by the system only; the admin reads and filters them


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "created_at", "revoked_at"]
    exclude = ["token"]
