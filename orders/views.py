"""Order and product pages: the lists (filters, sorting, paging, CSV/XLSX export) and the detail pages.

Orders come only through ``Order.objects.visible_to(viewer)`` (an order follows its partner's account);
products are the shared catalogue, and the order counts and quantities beside them count only the
orders the viewer sees.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies.permissions import member_required
from companies.preferences import PAGE_SIZE_CHOICES, per_page
from companies.saved_views import opens_default_view
from companies.visibility import Viewer, get_visible_or_404
from core.export import list_export_response
from core.paging import CappedPaginator
from orders.filters import OrderFilter, ProductFilter
from orders.models import Order, OrderLine, Product
from orders.rows import ORDER_LIST_COLUMNS, PRODUCT_LIST_COLUMNS

ORDER_LIST = "orders"  # the list's name for remembered page sizes and saved views
PRODUCT_LIST = "products"


def _filtered(request: HttpRequest, filter_class, queryset):
    """(filterset, the rows the filters let through); invalid filters let nothing through."""
    filterset = filter_class(request.GET or None, queryset=queryset, company=request.company)
    if not filterset.is_bound:
        return filterset, queryset
    return filterset, (filterset.qs if filterset.is_valid() else queryset.none())


def _orders(request: HttpRequest):
    viewer = Viewer.for_request(request)
    queryset = Order.objects.visible_to(viewer).select_related("partner").order_by("-ordered_on", "-pk")
    return _filtered(request, OrderFilter, queryset)


def _products(request: HttpRequest):
    """The catalogue, each product with the number of the viewer's visible orders and the quantity in them."""
    lines = OrderLine.objects.filter(
        product=OuterRef("pk"), order__in=Order.objects.visible_to(Viewer.for_request(request))
    ).order_by()
    per_product = lines.values("product")
    order_count = per_product.annotate(n=Count("order", distinct=True)).values("n")
    quantity = per_product.annotate(q=Sum("quantity")).values("q")
    queryset = Product.objects.annotate(
        order_count=Coalesce(Subquery(order_count, output_field=IntegerField()), Value(0)),
        ordered_quantity=Coalesce(
            Subquery(quantity, output_field=DecimalField(max_digits=20, decimal_places=3)),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=20, decimal_places=3),
        ),
    ).order_by("code", "pk")
    return _filtered(request, ProductFilter, queryset)


def _page(request: HttpRequest, rows, list_name: str):
    number = request.GET.get("page")
    return CappedPaginator(rows, per_page(request, list_name), page=number).get_page(number)


def _page_totals(orders) -> list[tuple[str, Decimal]]:
    """The shown orders' totals per currency (no query: the page is already read)."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for order in orders:
        sums[order.currency] += order.total
    return sorted(sums.items())


@member_required
@opens_default_view(ORDER_LIST)
def order_list(request: HttpRequest) -> HttpResponse:
    filterset, orders = _orders(request)
    # The plain visibility query (an order follows its partner's account: no per-person branches).
    page = _page(request, orders, ORDER_LIST)
    context = {
        "filter": filterset,
        "page": page,
        "page_sizes": PAGE_SIZE_CHOICES,
        "page_totals": _page_totals(page.object_list),
        "list_name": ORDER_LIST,
        "columns": ORDER_LIST_COLUMNS.choose(request.GET),
    }
    template = "orders/_order_rows.html" if request.htmx else "orders/order_list.html"
    return render(request, template, context)


@member_required
@opens_default_view(PRODUCT_LIST)
def product_list(request: HttpRequest) -> HttpResponse:
    filterset, products = _products(request)
    page = _page(request, products, PRODUCT_LIST)
    context = {
        "filter": filterset,
        "page": page,
        "page_sizes": PAGE_SIZE_CHOICES,
        "list_name": PRODUCT_LIST,
        "columns": PRODUCT_LIST_COLUMNS.choose(request.GET),
    }
    template = "orders/_product_rows.html" if request.htmx else "orders/product_list.html"
    return render(request, template, context)


# The exports' columns, in order: (header, the cell of a row). Each cell keeps its Python type and
# core.export writes it in the reader's language: the total a grouped number (its currency in the next
# column), the date as the pages write it, counts and quantities grouped; numbers, codes and ids as text.
ORDER_COLUMNS = (
    (gettext_lazy("Number"), lambda order: order.number),
    (gettext_lazy("Kind"), lambda order: order.get_kind_display()),
    (gettext_lazy("Date"), lambda order: order.ordered_on),
    (gettext_lazy("Partner"), lambda order: order.partner.name if order.partner else ""),
    (gettext_lazy("Tax number"), lambda order: order.partner.tax_number if order.partner else ""),
    (gettext_lazy("Status"), lambda order: order.get_status_display()),
    (gettext_lazy("Total"), lambda order: order.total),
    (gettext_lazy("Currency"), lambda order: order.currency),
    (gettext_lazy("ERP id"), lambda order: order.erp_id or ""),
)
PRODUCT_COLUMNS = (
    (gettext_lazy("Code"), lambda product: product.code),
    (gettext_lazy("Name"), lambda product: product.name),
    (gettext_lazy("Unit"), lambda product: product.unit),
    (gettext_lazy("Active"), lambda product: _("yes") if product.is_active else _("no")),
    (gettext_lazy("Orders"), lambda product: product.order_count),
    # 12.500 -> 12.5: a quantity shows the places it needs.
    (gettext_lazy("Ordered quantity"), lambda product: product.ordered_quantity.normalize()),
    (gettext_lazy("ERP id"), lambda product: product.erp_id or ""),
)


def _export(request: HttpRequest, rows, columns, name: str, list_url: str, format: str):
    """CSV streamed, or XLSX up to core.export's row cap (else back to the list with a message)."""
    header = [header for header, _cell in columns]
    cells = ([cell(row) for _header, cell in columns] for row in rows.iterator(chunk_size=2000))
    return list_export_response(
        request, name, header, cells, queryset=rows, format=format, list_url=reverse(list_url)
    )


# Exports use the list's access: whoever sees the list may take it along.
@member_required
def order_export(request: HttpRequest, format: str) -> HttpResponse | StreamingHttpResponse:
    _filterset, orders = _orders(request)
    return _export(request, orders, ORDER_COLUMNS, "orders", "orders:list", format)


@member_required
def product_export(request: HttpRequest, format: str) -> HttpResponse | StreamingHttpResponse:
    _filterset, products = _products(request)
    return _export(request, products, PRODUCT_COLUMNS, "products", "orders:product_list", format)


@member_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An order of a partner the viewer sees (a colleague's partner's order is a 404)."""
    viewer = Viewer.for_request(request)
    order = get_visible_or_404(viewer, Order, pk, select_related=("partner",))
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": order.lines.select_related("product"),
        },
    )


@member_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    return render(
        request,
        "orders/product_detail.html",
        {"product": product},  # its "Mentioned in" section: communications' mentions tag
    )
