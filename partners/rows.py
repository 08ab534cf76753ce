"""The rows of the partner list, written in Python (core/rows.py says why)."""

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from core.columns import Column, ColumnChoice, ListColumns
from core.rows import DASH, RowCells, RowMenu, choice_labels, escape, joined
from core.templatetags.crm import link
from partners.models import Partner, PartnerAccount, PartnerSource

# The list's columns, once: the header, the "Columns" picker and the rows below read them.
PARTNER_COLUMNS = ListColumns(
    Column("name", _("Name"), sort="name"),
    Column("tax_number", _("Tax number"), sort="tax_number"),
    Column("type", _("Type")),
    Column("status", _("Status"), sort="status"),
    Column("owner", _("Owner"), sort="owner"),
    Column("source", _("Source")),
)


@dataclass(frozen=True)
class PartnerActions:
    """What the viewer may do from a row, read once per page (the functions are in the access cache)."""

    edit: bool = False
    add_event: bool = False
    add_communication: bool = False


def partner_rows_html(
    accounts, columns: ColumnChoice | None = None, actions: PartnerActions | None = None
) -> SafeString:
    columns = columns or PARTNER_COLUMNS.all()
    actions = actions or PartnerActions()
    statuses = choice_labels(PartnerAccount, "status")
    sources = choice_labels(Partner, "source")
    kinds = (("is_customer", gettext("customer")), ("is_supplier", gettext("supplier")),
             ("is_distributor", gettext("distributor")))  # fmt: skip
    menu = RowMenu()
    open_label, edit_label = escape(pgettext("row action", "Open")), escape(gettext("Edit"))
    new_event = escape(gettext("New event")) if actions.add_event else ""
    new_communication = escape(gettext("New communication")) if actions.add_communication else ""
    event_url, communication_url = link("events:create"), link("communications:communication_create")
    rows = []
    for account in accounts:
        partner = account.partner
        types = ", ".join(label for flag, label in kinds if getattr(partner, flag))
        source = escape(partner.source)
        cells = (
            f"<td>{RowCells.link('partners:detail', account.partner_id, partner.name)}</td>",
            f'<td class="number">{RowCells.text(partner.tax_number, "")}</td>',
            f"<td>{escape(types)}</td>",
            f"<td>{escape(statuses.get(account.status, account.status))}</td>",
            f"<td>{RowCells.text(account.owner, DASH)}</td>",
            f'<td><span class="badge badge-{source}">{escape(sources.get(partner.source, partner.source))}</span></td>',
        )
        items = [f'<a href="{link("partners:detail", account.partner_id)}">{open_label}</a>']
        if actions.edit and partner.source != PartnerSource.ERP:
            items.append(f'<a href="{link("partners:edit", account.partner_id)}">{edit_label}</a>')
        if new_event:
            items.append(f'<a href="{event_url}?partner={account.partner_id}">{new_event}</a>')
        if new_communication:
            items.append(
                f'<a href="{communication_url}?partner={account.partner_id}">{new_communication}</a>'
            )
        rows.append(f"<tr>{columns.pick(cells)}{menu.cell(partner.name, items)}</tr>")
    return joined(rows)
