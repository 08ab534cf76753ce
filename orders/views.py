from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from companies.permissions import member_required
from companies.visibility import Viewer, get_visible_or_404
from orders.models import Order, Product


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
