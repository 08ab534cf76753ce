from django.contrib import admin

from orders.models import Order, OrderLine, Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "is_active"]
    search_fields = ["code", "name"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "company", "partner", "ordered_on", "status", "total", "currency"]
    list_filter = ["company", "kind", "status"]
    search_fields = ["number", "partner__name"]
    autocomplete_fields = ["partner"]
    inlines = [OrderLineInline]
