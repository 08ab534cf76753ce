"""The event list's columns, declared once: the header, the "Columns" picker and the rows
(`templates/events/_event_rows.html`, written in the template) read them (core/columns.py)."""

from django.utils.translation import gettext_lazy as _

from core.columns import Column, ListColumns

# The subject links the event: it is the column always shown.
EVENT_COLUMNS = ListColumns(
    Column("start", _("Start"), sort="start"),
    Column("type", _("Type")),
    Column("subject", _("Subject"), sort="subject"),
    Column("partner", _("Partner"), sort="partner"),
    Column("owner", _("Owner")),
    Column("outcome", _("Outcome"), sort="outcome"),
    always="subject",
)
