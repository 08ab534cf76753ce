"""The rows of the partner list, written in Python (core/rows.py says why)."""

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from core.columns import Column, ColumnChoice, ListColumns
from core.rows import DASH, RowCells, RowMenu, choice_labels, escape, joined, person_name
from core.templatetags.crm import link, link_maker
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


# What a row reads (`values_list(..., named=True)` in views.py): the account's and its partner's plain
# values and the owner's name columns, no model instances.
ROW_VALUES = (
    "pk",
    "partner_id",
    "status",
    "partner__name",
    "partner__tax_number",
    "partner__is_customer",
    "partner__is_supplier",
    "partner__is_distributor",
    "partner__source",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


def partner_rows_html(
    accounts, columns: ColumnChoice | None = None, actions: PartnerActions | None = None
) -> SafeString:
    """`accounts`: rows with the attributes of ROW_VALUES."""
    columns = columns or PARTNER_COLUMNS.all()
    actions = actions or PartnerActions()
    statuses = choice_labels(PartnerAccount, "status")
    sources = choice_labels(Partner, "source")
    customer, supplier, distributor = gettext("customer"), gettext("supplier"), gettext("distributor")
    menu = RowMenu()
    open_label, edit_label = escape(pgettext("row action", "Open")), escape(gettext("Edit"))
    new_event = escape(gettext("New event")) if actions.add_event else ""
    new_communication = escape(gettext("New communication")) if actions.add_communication else ""
    event_url, communication_url = link("events:create"), link("communications:communication_create")
    detail_url, edit_url = link_maker("partners:detail"), link_maker("partners:edit")
    rows = []
    for account in accounts:
        kinds = (
            customer if account.partner__is_customer else "",
            supplier if account.partner__is_supplier else "",
            distributor if account.partner__is_distributor else "",
        )
        types = ", ".join(kind for kind in kinds if kind)
        source = escape(account.partner__source)
        owner = person_name(account.owner__first_name, account.owner__last_name, account.owner__username)
        url = detail_url(account.partner_id)
        cells = (
            f'<td><a href="{url}">{escape(account.partner__name)}</a></td>',
            f'<td class="number">{RowCells.text(account.partner__tax_number, "")}</td>',
            f"<td>{escape(types)}</td>",
            f"<td>{escape(statuses.get(account.status, account.status))}</td>",
            f"<td>{RowCells.text(owner, DASH)}</td>",
            f'<td><span class="badge badge-{source}">{escape(sources.get(account.partner__source, account.partner__source))}</span></td>',
        )
        items = [f'<a href="{url}">{open_label}</a>']
        if actions.edit and account.partner__source != PartnerSource.ERP:
            items.append(f'<a href="{edit_url(account.partner_id)}">{edit_label}</a>')
        if new_event:
            items.append(f'<a href="{event_url}?partner={account.partner_id}">{new_event}</a>')
        if new_communication:
            items.append(
                f'<a href="{communication_url}?partner={account.partner_id}">{new_communication}</a>'
            )
        rows.append(f"<tr>{columns.pick(cells)}{menu.cell(account.partner__name, items)}</tr>")
    return joined(rows)
