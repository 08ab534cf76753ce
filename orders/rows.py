"""The order and product lists' columns, declared once: the header, the "Columns" picker and the rows
(`templates/orders/_order_rows.html`, `_product_rows.html`, written in the templates) read them
(core/columns.py). (`orders.views.ORDER_COLUMNS` and `PRODUCT_COLUMNS` are the exports' columns: every
one, whatever the page shows.)"""

from django.utils.translation import gettext_lazy as _

from core.columns import Column, ListColumns

ORDER_LIST_COLUMNS = ListColumns(
    Column("number", _("Number"), sort="number"),
    Column("date", _("Date"), sort="date"),
    Column("kind", _("Kind"), sort="kind"),
    Column("partner", _("Partner"), sort="partner"),
    Column("status", _("Status"), sort="status"),
    Column("total", _("Total"), sort="total", css="amount"),
)

PRODUCT_LIST_COLUMNS = ListColumns(
    Column("code", _("Code"), sort="code"),
    Column("name", _("Name"), sort="name"),
    Column("unit", _("Unit"), sort="unit"),
    Column("status", _("Status")),
    Column("orders", _("Orders"), sort="orders", css="amount"),
    Column("quantity", _("Ordered quantity"), sort="quantity", css="amount"),
)
