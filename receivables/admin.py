from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from receivables.models import (
    DunningLetter,
    DunningPolicy,
    DunningThreshold,
    Invoice,
    LetterEvent,
    LetterTemplate,
)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "company",
        "partner",
        "issued_on",
        "due_on",
        "amount",
        "open_amount",
        "currency",
    ]
    list_filter = ["company", "currency"]
    search_fields = ["number", "partner__name"]
    autocomplete_fields = ["partner"]
    date_hierarchy = "due_on"


class ThresholdInline(admin.TabularInline):
    model = DunningThreshold
    extra = 1


@admin.register(DunningPolicy)
class DunningPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "company",
        "first_letter_after",
        "repeat_every",
        "second_level_after_weeks",
        "is_active",
        "preview",
    ]
    inlines = [ThresholdInline]

    @admin.display(description=_("Preview"))
    def preview(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("receivables:preview"), _("Preview today's run"))


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "level", "language", "subject"]
    list_filter = ["level", "language", "company"]


class LetterEventInline(admin.TabularInline):
    model = LetterEvent
    extra = 0
    readonly_fields = ["status", "at", "event_id", "recipient", "description"]
    can_delete = False


@admin.register(DunningLetter)
class DunningLetterAdmin(admin.ModelAdmin):
    list_display = ["partner", "company", "slot", "level", "status", "sent_at"]
    list_filter = ["company", "status", "level"]
    search_fields = ["partner__name", "recipients"]
    readonly_fields = [f.name for f in DunningLetter._meta.fields]
    inlines = [LetterEventInline]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # written by the system only; the admin reads and filters them
