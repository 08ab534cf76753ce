from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from contacts import notices
from contacts.models import Cardinality, Contact, ContactRole, ContactType, GdprNotice, GdprNoticeTemplate


class ContactTypeForm(forms.ModelForm):
    class Meta:
        model = ContactType
        fields = ["code", "name_en", "name_hu", "name_bg", "cardinality"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("cardinality") == Cardinality.ONE:
            clash = (
                ContactRole.objects.filter(type=self.instance)
                .values("partner__name")
                .annotate(holders=Count("pk"))
                .filter(holders__gt=1)
                .first()
            )
            if clash:
                raise forms.ValidationError(
                    _(
                        "%(partner)s has several contacts of this type; leave only one before making "
                        "the type one-per-partner."
                    )
                    % {"partner": clash["partner__name"]}
                )
        return cleaned


@admin.register(ContactType)
class ContactTypeAdmin(admin.ModelAdmin):
    form = ContactTypeForm
    list_display = ["code", "name_en", "name_hu", "name_bg", "cardinality"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Keep the database rule (partial unique index on exclusive roles) in step with the type.
        ContactRole.objects.filter(type=obj).update(exclusive=obj.is_exclusive)


class ContactRoleInline(admin.TabularInline):
    model = ContactRole
    extra = 0
    readonly_fields = ["type", "partner"]
    can_delete = False


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partner", "email", "is_active", "anonymised_at"]
    list_filter = ["is_active", "roles__type"]
    search_fields = ["last_name", "first_name", "email", "partner__name"]
    autocomplete_fields = ["partner"]
    inlines = [ContactRoleInline]


def warn_controller_gaps(request) -> None:
    """Notices name the controller: tell the admin which companies lack the details they print."""
    if request.method != "GET":
        return
    for company in Company.objects.filter(is_active=True):
        gaps = notices.controller_gaps(company)
        if gaps:
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Privacy notices of %(company)s lack: %(fields)s.")
                    % {"company": company, "fields": ", ".join(gaps)},
                    reverse("admin:companies_company_change", args=[company.pk]),
                    _("Fill them in"),
                ),
            )


@admin.register(GdprNoticeTemplate)
class GdprNoticeTemplateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "language", "subject"]
    list_filter = ["language", "company"]

    def get_changeform_initial_data(self, request):
        """A new template starts from the built-in text of its language (?language=hu)."""
        initial = super().get_changeform_initial_data(request)
        if initial.get("language") in notices.LANGUAGES:
            initial["subject"], initial["body"] = notices.builtin_template(initial["language"])
        return initial

    def changelist_view(self, request, extra_context=None):
        warn_controller_gaps(request)
        return super().changelist_view(request, extra_context)


@admin.register(GdprNotice)
class GdprNoticeAdmin(admin.ModelAdmin):
    list_display = ["recipient", "company", "status", "attempts", "sent_at", "created_at"]
    list_filter = ["status", "company"]
    search_fields = ["recipient"]
    readonly_fields = [f.name for f in GdprNotice._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # written by the system only; the admin reads, filters and retries them

    def changelist_view(self, request, extra_context=None):
        warn_controller_gaps(request)
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Send again the ones that failed"))
    def retry(self, request, queryset):
        from contacts.tasks import send_gdpr_notice

        failed = list(queryset.filter(status__in=["failed", "gave_up"]).values_list("pk", flat=True))
        queryset.filter(pk__in=failed).update(status="failed", attempts=0)  # a person decided: a fresh count
        for pk in failed:
            send_gdpr_notice.delay(pk)
        messages.info(request, _("%(count)d notices queued again.") % {"count": len(failed)})
