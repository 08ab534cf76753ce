from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from mptt.admin import MPTTModelAdmin

from companies.models import CalendarDay, Company, Department, Membership, SupervisorEdge, User
from companies.permissions import crm_functions, function_label


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country", "language", "currency", "time_zone_name", "is_active"]
    list_filter = ["country", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    autocomplete_fields = ["collection_owner"]
    fieldsets = [
        (None, {"fields": ["name", "code", "country", "language", "currency", "time_zone", "is_active"]}),
        (
            _("Legal details (letters and privacy notices)"),
            {
                "fields": [
                    "registered_seat",
                    "registration_number",
                    "tax_number",
                    "privacy_contact",
                    "privacy_email",
                ]
            },
        ),
        (
            _("Payments and collection"),
            {
                "fields": [
                    "bank_name",
                    "bank_account",
                    "payment_contact_name",
                    "payment_contact_phone",
                    "payment_contact_email",
                    "collection_owner",
                ]
            },
        ),
    ]

    @admin.display(description=_("time zone"))
    def time_zone_name(self, company):
        return company.time_zone_name


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "user"
    autocomplete_fields = ["department"]
    filter_horizontal = ["groups"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "department", "job_title", "is_active"]
    list_filter = ["company", "is_active", "groups"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "job_title"]
    autocomplete_fields = ["user", "department"]
    filter_horizontal = ["groups"]
    list_select_related = ["user", "company", "department"]


@admin.register(Department)
class DepartmentAdmin(MPTTModelAdmin):
    list_display = ["name", "company"]
    list_filter = ["company"]
    search_fields = ["name"]


@admin.register(SupervisorEdge)
class SupervisorEdgeAdmin(admin.ModelAdmin):
    """Adding an edge runs `SupervisorEdge.clean()`, which refuses circles with a clear message."""

    list_display = ["supervisor", "subordinate", "company", "created_at"]
    list_filter = ["company"]
    search_fields = ["supervisor__username", "subordinate__username", "supervisor__last_name"]
    autocomplete_fields = ["supervisor", "subordinate"]
    list_select_related = ["supervisor", "subordinate", "company"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Company exceptions to the country calendar, used by `companies.workdays`."""

    list_display = ["date", "company", "is_working_day", "note"]
    list_filter = ["company", "is_working_day"]
    date_hierarchy = "date"
    list_select_related = ["company"]


class CrmGroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "permissions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["permissions"]
        field.queryset = crm_functions()
        # "Partners | partner | <function>", the function's name in the admin's language (it is stored in English).
        field.label_from_instance = lambda perm: f"{perm.content_type} | {function_label(perm)}"
        field.label = _("Functions")
        field.help_text = _(
            "The functions this group allows. A user's groups combine with OR: "
            "they may do anything any of their groups allows."
        )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    form = CrmGroupForm
