"""The order list's columns, declared once: the header, the "Columns" picker and the rows
(`templates/orders/_order_rows.html`, written in the template) read them (core/columns.py).
(`orders.views.ORDER_COLUMNS` are the export's columns: every one, whatever the page shows.)"""

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
