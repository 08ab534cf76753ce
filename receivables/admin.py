from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from companies.models import Company
from receivables import letters
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
        "payment_within",
        "is_active",
        "letter_details",
        "preview",
    ]
    list_select_related = ["company"]
    inlines = [ThresholdInline]

    @admin.display(description=_("What letters print"))
    def letter_details(self, obj):
        """Letters say where to pay and whom to call: the admin sees at once what the company lacks."""
        missing = [
            str(Company._meta.get_field(name).verbose_name)
            for name in ("bank_account", "bank_name", "payment_contact_name", "payment_contact_phone")
            if not getattr(obj.company, name)
        ]
        if not missing:
            return _("Complete")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:companies_company_change", args=[obj.company_id]),
            _("Missing: %(fields)s") % {"fields": ", ".join(missing)},
        )

    @admin.display(description=_("Preview"))
    def preview(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("receivables:preview"), _("Preview today's run"))


class CopyDefaultsForm(forms.Form):
    company = forms.ModelChoiceField(
        queryset=Company.objects.filter(is_active=True),
        label=_("Company"),
        help_text=_("Its letters of levels 1–3 in Hungarian, Bulgarian and English; texts it has are kept."),
    )


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "level", "language", "subject"]
    list_filter = ["level", "language", "company"]
    change_list_template = "admin/receivables/lettertemplate/change_list.html"

    def get_urls(self):
        return [
            path(
                "copy-defaults/",
                self.admin_site.admin_view(self.copy_defaults_view),
                name="receivables_lettertemplate_copy_defaults",
            ),
            *super().get_urls(),
        ]

    def get_changeform_initial_data(self, request):
        """A new template starts from the default text of its level and language (?level=2&language=hu)."""
        initial = super().get_changeform_initial_data(request)
        level, language = initial.get("level"), initial.get("language")
        if str(level) in {"1", "2", "3"} and language in letters.LANGUAGES:
            initial["subject"], initial["body"] = letters.default_template(int(level), language)
        return initial

    def copy_defaults_view(self, request):
        """Start from the default texts: copy them into a company's own templates to edit."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CopyDefaultsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            company = form.cleaned_data["company"]
            added = letters.letter_templates_copy_defaults(company=company, actor=request.user)
            self.message_user(
                request,
                ngettext(
                    "%(count)d default letter copied into %(company)s's templates.",
                    "%(count)d default letters copied into %(company)s's templates.",
                    added,
                )
                % {"count": added, "company": company}
                if added
                else _("%(company)s already has its own text for every letter.") % {"company": company},
                messages.SUCCESS if added else messages.INFO,
            )
            changelist = reverse("admin:receivables_lettertemplate_changelist")
            return redirect(f"{changelist}?company__id__exact={company.pk}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Start from the default letter texts"),
            "form": form,
        }
        return TemplateResponse(request, "admin/receivables/lettertemplate/copy_defaults.html", context)


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
