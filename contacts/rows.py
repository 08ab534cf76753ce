"""The rows of the contacts list, written in Python (core/rows.py says why): a hundred rows through the
template language cost about 40 ms (eight thousand variable lookups); this way a few milliseconds. Every
value is escaped (``escape``) before it is put in."""

import re
from typing import NamedTuple

from django.db.models import Q
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from contacts import services
from contacts.filters import GDPR_CHOICES
from contacts.models import GROUP_OF_STATUS, ContactRole, GdprNotice, contact_name
from core.columns import Column, ColumnChoice, ListColumns
from core.rows import DASH, RowMenu, escape
from core.templatetags.crm import link_maker

# The list's columns, once: the header, the "Columns" picker and the rows below read them.
CONTACT_COLUMNS = ListColumns(
    Column("name", _("Name"), sort="name"),
    Column("type", _("Type"), sort="type"),
    Column("partner", _("Partner"), sort="partner"),
    Column("email", _("E-mail")),
    Column("phone", _("Phone")),
    Column("gdpr", _("GDPR notice")),
)


class ContactRow(NamedTuple):
    """A row of the list: a contact's plain values and its partner's name (ROW_VALUES, read with
    `values_list(..., named=True)` through the paginator, no model instances) and the company's GDPR
    notice status."""

    pk: int
    first_name: str
    last_name: str
    position: str
    email: str
    phone: str
    mobile: str
    partner_id: int
    partner__name: str
    erp_id: str | None
    gdpr_status: str | None = None

    def __str__(self) -> str:
        return contact_name(self.last_name, self.first_name)

    @property
    def gdpr_group(self) -> str:
        """As ``Contact.gdpr_group``: "sent", "queued", "failed" or "none"."""
        return GROUP_OF_STATUS.get(self.gdpr_status or "", "none")


# What a row reads from the database: the fields of ContactRow but the status (read apart, one query).
ROW_VALUES = ContactRow._fields[:-1]

# What a tel: link keeps of a typed number: the digits and a leading plus.
NOT_DIALLED = re.compile(r"[^\d+]")


def _gdpr_cells() -> dict[str, str]:
    """The GDPR column's cell per status group, translated once per page."""
    cells = {
        group: format_html('<span class="badge gdpr-{}">{}</span>', group, label)
        for group, label in GDPR_CHOICES
        if group != "none"
    }
    cells["none"] = format_html('<span class="gdpr-none">{}</span>', dict(GDPR_CHOICES)["none"])
    return cells


def _type_names(contact_ids: list[int]) -> dict[int, list[str]]:
    """The type names of each contact on the page, in the active language: one query of plain tuples
    (prefetching the roles built a queryset per contact, a third of the rows' time)."""
    language = (translation.get_language() or "en")[:2]
    names: dict[int, list[str]] = {}
    roles = ContactRole.objects.filter(contact_id__in=contact_ids).values_list(
        "contact_id",
        "type__name_en",
        f"type__name_{language}" if language in ("hu", "bg") else "type__name_en",
    )
    for contact_id, english, local in roles:
        names.setdefault(contact_id, []).append(local or english)
    for each in names.values():
        each.sort()
    return names


def _read_gdpr_statuses(company, contacts) -> dict[int, str | None]:
    """The GDPR status of each of the page's contacts by id, from one query (the rule of
    ``with_gdpr_status``: the company's notice to the address, or to the contact under an earlier
    address)."""
    if not contacts:
        return {}
    hashes = {contact.pk: services.email_hash(contact.email) for contact in contacts if contact.email}
    notices = (
        GdprNotice.objects.filter(company_id=company.pk)
        .filter(Q(contact_id__in=[contact.pk for contact in contacts]) | Q(email_hash__in=hashes.values()))
        .order_by("created_at")
        .values_list("contact_id", "email_hash", "status")
    )
    by_contact, by_hash = {}, {}
    for order, (contact_id, digest, status) in enumerate(notices):
        by_contact[contact_id] = by_hash[digest] = (order, status)
    statuses = {}
    for contact in contacts:
        found = [by_contact.get(contact.pk), by_hash.get(hashes.get(contact.pk))]
        newest = max((each for each in found if each), default=None)  # as in with_gdpr_status
        statuses[contact.pk] = newest[1] if newest else None
    return statuses


def contact_rows(company, values) -> list[ContactRow]:
    """The page's rows (named rows of ROW_VALUES) with the company's GDPR notice status of each."""
    values = list(values)
    statuses = _read_gdpr_statuses(company, values)
    return [ContactRow(*row, gdpr_status=statuses[row.pk]) for row in values]


def contact_rows_html(
    contacts: list[ContactRow], columns: ColumnChoice | None = None, *, can_edit: bool = False
) -> list[str]:
    """Each row of the page as HTML. `can_edit`: the viewer's change_contact function, read once per
    page; a contact the ERP keeps gets no Edit in its menu (its page says which fields stay editable)."""
    columns = columns or CONTACT_COLUMNS.all()
    gdpr = _gdpr_cells()
    types_of = _type_names([contact.pk for contact in contacts])
    menu = RowMenu()
    open_label, edit_label = escape(pgettext("row action", "Open")), escape(gettext("Edit"))
    write_label, call_label = gettext("E-mail %(address)s"), gettext("Call %(number)s")
    contact_url, edit_url = link_maker("contacts:detail"), link_maker("contacts:edit")
    partner_url = link_maker("partners:detail")
    rows = []
    for contact in contacts:
        types = " ".join(
            f'<span class="badge">{escape(name)}</span>' for name in types_of.get(contact.pk, ())
        )
        position = f"<br><small>{escape(contact.position)}</small>" if contact.position else ""
        email = escape(contact.email)
        phone = contact.phone or contact.mobile
        name = contact_name(contact.last_name, contact.first_name)
        email_cell = f'<a href="mailto:{email}">{email}</a>' if email else DASH
        url = contact_url(contact.pk)
        cells = (
            f'<td><a href="{url}">{escape(name)}</a></td>',
            f"<td>{types}{position}</td>",
            f'<td><a href="{partner_url(contact.partner_id)}">{escape(contact.partner__name)}</a></td>',
            f"<td>{email_cell}</td>",
            f"<td>{escape(phone or DASH)}</td>",
            f"<td>{gdpr[contact.gdpr_group]}</td>",
        )
        items = [f'<a href="{url}">{open_label}</a>']
        if can_edit and not contact.erp_id:
            items.append(f'<a href="{edit_url(contact.pk)}">{edit_label}</a>')
        if email:
            items.append(f'<a href="mailto:{email}">{escape(write_label % {"address": contact.email})}</a>')
        dialled = NOT_DIALLED.sub("", phone or "")
        if dialled:
            items.append(f'<a href="tel:{escape(dialled)}">{escape(call_label % {"number": phone})}</a>')
        rows.append(
            mark_safe(  # noqa: S308 (every value above is escaped)
                f"<tr>{columns.pick(cells)}{menu.cell(name, items)}</tr>"
            )
        )
    return rows
