"""The dunning letter list's columns, declared once: the header, the "Columns" picker and the rows
(`templates/receivables/_letter_rows.html`, written in the template) read them (core/columns.py)."""

from django.utils.translation import gettext_lazy as _

from core.columns import Column, ListColumns

LETTER_LIST_COLUMNS = ListColumns(
    Column("slot", _("Due slot")),  # identifies the letter with its partner: always shown
    Column("partner", _("Partner")),
    Column("level", _("Level")),
    Column("total", _("Total"), css="amount"),
    Column("recipients", _("Recipients")),
    Column("status", _("Status")),
    Column("sent", _("Sent"), css="date"),
)
