from django.contrib import admin

from partners.models import Partner, PartnerAccount, PartnerAddress, Tag


class PartnerAddressInline(admin.TabularInline):
    model = PartnerAddress
    extra = 0


class PartnerAccountInline(admin.TabularInline):
    model = PartnerAccount
    extra = 0
    autocomplete_fields = ["owner"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_number", "source", "is_customer", "is_supplier", "is_distributor"]
    list_filter = ["source", "is_customer", "is_supplier", "is_distributor"]
    search_fields = ["name", "short_name", "tax_number", "erp_id"]
    inlines = [PartnerAddressInline, PartnerAccountInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "company"]
    list_filter = ["company"]
    search_fields = ["name"]
