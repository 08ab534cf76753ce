from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ops.domain_events import EVENTS
from webhooks.models import Delivery, Subscription
from webhooks.services import delivery_resend


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=list(EVENTS.items()), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Subscription
        fields = ["company", "name", "url", "events", "is_active", "secret"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["name", "company", "url", "is_active", "created_at"]
    list_filter = ["company", "is_active"]
    search_fields = ["name", "url"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event",
        "subscription",
        "status",
        "attempts",
        "response_code",
        "response_ms",
    ]
    list_filter = ["status", "event", "company"]
    list_select_related = ["subscription"]
    search_fields = ["delivery_id", "subscription__name"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [
        "company", "subscription", "delivery_id", "event", "body", "status", "attempts", "last_error",
        "response_code", "response_ms", "created_at", "sent_at",
    ]  # fmt: skip
    exclude = ["message_id", "lease_owner", "lease_until"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Send again"), permissions=["change"])
    def send_again(self, request, queryset):
        count = 0
        for delivery in queryset:
            delivery_resend(delivery=delivery, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
