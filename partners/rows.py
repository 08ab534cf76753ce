"""The rows of the partner list, written in Python (core/rows.py says why)."""

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from core.rows import DASH, RowCells, choice_labels, joined
from partners.models import Partner, PartnerAccount


def partner_rows_html(accounts) -> SafeString:
    statuses = choice_labels(PartnerAccount, "status")
    sources = choice_labels(Partner, "source")
    kinds = (("is_customer", gettext("customer")), ("is_supplier", gettext("supplier")),
             ("is_distributor", gettext("distributor")))  # fmt: skip
    rows = []
    for account in accounts:
        partner = account.partner
        types = ", ".join(label for flag, label in kinds if getattr(partner, flag))
        source = escape(partner.source)
        rows.append(
            f"<tr><td>{RowCells.link('partners:detail', account.partner_id, partner.name)}</td>"
            f'<td class="number">{RowCells.text(partner.tax_number, "")}</td>'
            f"<td>{escape(types)}</td>"
            f"<td>{escape(statuses.get(account.status, account.status))}</td>"
            f"<td>{RowCells.text(account.owner, DASH)}</td>"
            f'<td><span class="badge badge-{source}">{escape(sources.get(partner.source, partner.source))}</span></td></tr>'
        )
    return joined(rows)
