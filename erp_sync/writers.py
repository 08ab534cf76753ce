"""Set-based writes of one page of parsed ERP records: the number of queries does not grow with the page.

Per kind and per child table: one query loads the stored rows (by ERP id, and for partners already
known also by partner, to find what the ERP removed), one bulk insert adds the new rows, one bulk
update rewrites the changed rows only (values are compared first, so an unchanged row is not written),
one query closes or deletes what the ERP removed. A query whose list would be empty is not sent, and
no lookup is sorted (the models' default ordering would cost a sort, for addresses even a join).

ERP-managed fields are overwritten; CRM-only data (account owners, status and notes, events,
communications, contacts' notes) is never in a field list here. Contacts anonymised in the CRM stay
anonymised. The caller runs a writer inside a savepoint: a database error (a unique or check
constraint) rolls the whole page back and the caller retries it in halves.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Q
from django.utils import timezone

from contacts.models import Contact, ContactRole, GdprNotice
from contacts.services import email_hash
from erp_sync.bulk import delete_rows, insert_rows, update_rows
from erp_sync.records import InvoiceIn, Lookups, OrderIn, PartnerIn, ProductIn
from orders.models import Order, OrderLine, OrderStatus, Product
from partners.models import AccountStatus, Asset, Partner, PartnerAccount, PartnerAddress, Turnover
from receivables.models import Invoice

PARTNER_FIELDS = [
    "name", "short_name", "tax_number", "registration_number", "phone", "email", "website",
    "is_customer", "is_supplier", "is_distributor", "source",
]  # fmt: skip
ADDRESS_FIELDS = ["partner_id", "kind", "country", "postal_code", "city", "street"]
CONTACT_FIELDS = ["first_name", "last_name", "position", "email", "phone", "preferred_language", "is_active"]
ASSET_FIELDS = ["partner_id", "company_id", "item", "serial_number", "installed_on", "site_id"]
PRODUCT_FIELDS = ["code", "name", "unit", "is_active"]
ORDER_FIELDS = ["company_id", "number", "kind", "partner_id", "ordered_on", "status", "total", "currency"]
INVOICE_FIELDS = [
    "company_id", "partner_id", "number", "issued_on", "due_on", "amount", "open_amount", "currency",
]  # fmt: skip


@dataclass
class PageResult:
    outcomes: dict[str, str] = field(
        default_factory=dict
    )  # ERP id -> created/updated/unchanged/closed/skipped
    rejected: dict[str, str] = field(default_factory=dict)  # ERP id -> why (found out from the database)
    notice_ids: list[int] = field(default_factory=list)  # GDPR notices recorded, to send after commit

    def merge(self, other: "PageResult") -> "PageResult":
        self.outcomes.update(other.outcomes)
        self.rejected.update(other.rejected)
        self.notice_ids += other.notice_ids
        return self


def _differs(row, values: dict) -> bool:
    return any(getattr(row, name) != value for name, value in values.items())


def _assign(row, values: dict) -> None:
    for name, value in values.items():
        setattr(row, name, value)


# Partners -----------------------------------------------------------------------------------------


def write_partners(lookups: Lookups, rows: list[PartnerIn]) -> PageResult:
    """Partners with their accounts, addresses, contacts (+ roles, GDPR notices), turnover and assets."""
    result = PageResult()
    stored = {p.erp_id: p for p in Partner.objects.order_by().filter(erp_id__in=[row.erp_id for row in rows])}
    live = [row for row in rows if not row.deleted]
    closing = []
    for row in rows:
        if row.deleted:
            result.outcomes[row.erp_id] = "closed" if row.erp_id in stored else "skipped"
            if row.erp_id in stored:
                closing.append(stored[row.erp_id].pk)
    if closing:
        # Removed in the ERP: every company's account is closed; the partner and its history stay.
        PartnerAccount.objects.order_by().filter(partner_id__in=closing).exclude(
            status=AccountStatus.INACTIVE
        ).update(status=AccountStatus.INACTIVE)
    if not live:
        return result

    now = timezone.now()
    new, changed = [], []
    for row in live:
        partner = stored.get(row.erp_id)
        if partner is None:
            new.append({"erp_id": row.erp_id, **row.fields})
        elif _differs(partner, row.fields):
            _assign(partner, row.fields)
            partner.updated_at = now
            changed.append(partner)
    # ERP id -> pk of every partner of the page.
    partners = {p.erp_id: p.pk for p in stored.values()}
    partners.update(zip([p["erp_id"] for p in new], insert_rows(Partner, new), strict=True))
    if changed:
        update_rows(Partner, changed, [*PARTNER_FIELDS, "updated_at"])
    # Partners stored before this page: only they can have stored children to compare or remove.
    known = [partners[row.erp_id] for row in live if row.erp_id in stored]
    page_partners = {partners[row.erp_id] for row in live}
    touched = {partner.pk for partner in changed}

    # An existing account keeps its owner, status, tags and notes; missing ones are added.
    accounts = (
        set(
            PartnerAccount.objects.order_by()
            .filter(partner_id__in=known)
            .values_list("company_id", "partner_id")
        )
        if known
        else set()
    )
    wanted = {(company_id, partners[row.erp_id]) for row in live for company_id in row.company_ids}
    insert_rows(
        PartnerAccount,
        [{"company_id": company, "partner_id": partner} for company, partner in sorted(wanted - accounts)],
        ids=False,
    )
    addresses = _write_addresses(live, partners, known, page_partners, touched)
    result.notice_ids = _write_contacts(lookups, live, partners, known, page_partners, touched)
    _write_turnover(live, partners, known, touched)
    _write_assets(live, partners, known, page_partners, addresses, touched)

    for row in live:
        result.outcomes[row.erp_id] = (
            "created"
            if row.erp_id not in stored
            else "updated"
            if partners[row.erp_id] in touched
            else "unchanged"
        )
    return result


def _stored_children(model, incoming_ids, known: list[int]):
    query = Q(erp_id__in=list(incoming_ids))
    if known:
        query |= Q(partner_id__in=known, erp_id__isnull=False)
    return {row.erp_id: row for row in model.objects.order_by().filter(query)}


def _split_children(wanted: dict[str, dict], stored: dict, page_partners, touched) -> tuple[list, list, list]:
    """One child kind of a page (`wanted`: ERP id -> values with "partner_id"): the rows to insert (as
    values), the stored rows that changed (updated in place) and the stored rows the ERP no longer sends."""
    new, changed = [], []
    for erp_id, values in wanted.items():
        row = stored.get(erp_id)
        if row is None:
            new.append({"erp_id": erp_id, **values})
            touched.add(values["partner_id"])
        elif _differs(row, values):
            touched.update({values["partner_id"], row.partner_id})
            _assign(row, values)
            changed.append(row)
    gone = [row for row in stored.values() if row.erp_id not in wanted and row.partner_id in page_partners]
    touched.update(row.partner_id for row in gone)
    return new, changed, gone


def _write_addresses(live, partners, known, page_partners, touched) -> dict[str, tuple[int, int]]:
    """Returns address ERP id -> (partner pk, address pk), for the assets' sites."""
    wanted = {
        child.erp_id: {**child.fields, "partner_id": partners[row.erp_id]}
        for row in live
        for child in row.addresses
    }
    stored = _stored_children(PartnerAddress, wanted, known)
    new, changed, gone = _split_children(wanted, stored, page_partners, touched)
    new_ids = insert_rows(PartnerAddress, new)
    if changed:
        update_rows(PartnerAddress, changed, ADDRESS_FIELDS)
    if gone:
        gone_pks = [a.pk for a in gone]
        Asset.objects.order_by().filter(site_id__in=gone_pks).update(site=None)
        delete_rows(PartnerAddress, "pk", gone_pks)
    sites = {a.erp_id: (a.partner_id, a.pk) for a in stored.values() if a.erp_id in wanted}
    sites.update({a["erp_id"]: (a["partner_id"], pk) for a, pk in zip(new, new_ids, strict=True)})
    return sites


def _write_contacts(lookups, live, partners, known, page_partners, touched) -> list[int]:
    """Contacts, their roles and GDPR notices. Returns the ids of the notices recorded."""
    incoming = {child.erp_id: (partners[row.erp_id], child) for row in live for child in row.contacts}
    stored = _stored_children(Contact, incoming, known)
    new, changed, current = [], [], []
    for erp_id, (partner_pk, child) in incoming.items():
        contact = stored.get(erp_id)
        if contact is None:
            # Not a model instance (slow to build): the values the insert, roles and notices need.
            contact = SimpleNamespace(pk=None, erp_id=erp_id, partner_id=partner_pk, **child.fields)
            new.append(contact)
            touched.add(partner_pk)
        elif contact.anonymised_at is not None:
            continue  # erased in the CRM (GDPR): stays erased
        elif _differs(contact, child.fields):
            _assign(contact, child.fields)
            changed.append(contact)
            touched.add(contact.partner_id)
        current.append((contact, child))
    gone_contacts = [
        c
        for c in stored.values()
        if c.erp_id not in incoming and c.is_active and c.partner_id in page_partners
    ]
    gone = [c.pk for c in gone_contacts]
    new_values = [
        {
            "erp_id": c.erp_id,
            "partner_id": c.partner_id,
            **{name: getattr(c, name) for name in CONTACT_FIELDS},
        }
        for c in new
    ]
    for contact, pk in zip(new, insert_rows(Contact, new_values), strict=True):
        contact.pk = pk
    if changed:
        update_rows(Contact, changed, CONTACT_FIELDS)
    if gone:
        touched.update(c.partner_id for c in gone_contacts)
        Contact.objects.order_by().filter(pk__in=gone).update(is_active=False)
        # A contact the ERP removed holds no role any more (a one-per-partner type is free again).
        delete_rows(ContactRole, "contact_id", gone)

    # Roles: the ERP's types replace the stored ones (deletes first, so a type can move between contacts).
    wanted = {
        (contact.pk, type_id): (contact.partner_id, exclusive)
        for contact, child in current
        for type_id, exclusive in child.type_ids.items()
    }
    new_pks = {contact.pk for contact in new}
    stored_pks = [contact.pk for contact, _ in current if contact.pk not in new_pks]
    roles = (
        list(
            ContactRole.objects.order_by()
            .filter(contact_id__in=stored_pks)
            .values_list("pk", "contact_id", "type_id")
        )
        if stored_pks
        else []
    )
    have = {(contact_id, type_id) for _, contact_id, type_id in roles}
    remove = [(pk, contact_id) for pk, contact_id, type_id in roles if (contact_id, type_id) not in wanted]
    add = [
        {"contact_id": contact_id, "type_id": type_id, "partner_id": partner_id, "exclusive": exclusive}
        for (contact_id, type_id), (partner_id, exclusive) in wanted.items()
        if (contact_id, type_id) not in have
    ]
    if remove:
        delete_rows(ContactRole, "pk", [pk for pk, _ in remove])
    insert_rows(ContactRole, add, ids=False)
    partner_of = {contact.pk: contact.partner_id for contact, _ in current}
    touched.update(partner_of[contact_id] for _, contact_id in remove)
    touched.update(role["partner_id"] for role in add if role["contact_id"] not in new_pks)

    return _record_gdpr_notices(lookups, [contact for contact, _ in current if contact.email])


def _record_gdpr_notices(lookups: Lookups, contacts: list) -> list[int]:
    """The notice each company working with the partner owes a contact's address, recorded once.

    The same rule as contacts.services.gdpr_notice_queue (unique per company and address hash), for a
    page at a time: existing notices are read in one query, the missing ones inserted in one.
    """
    if not contacts:
        return []
    companies_of = defaultdict(list)
    accounts = PartnerAccount.objects.order_by().filter(partner_id__in={c.partner_id for c in contacts})
    for partner_id, company_id in accounts.values_list("partner_id", "company_id"):
        companies_of[partner_id].append(company_id)
    wanted: dict[tuple[int, str], Contact | SimpleNamespace] = {}
    for contact in contacts:
        digest = email_hash(contact.email)
        for company_id in companies_of[contact.partner_id]:
            wanted.setdefault((company_id, digest), contact)
    if not wanted:
        return []
    existing = set(
        GdprNotice.objects.order_by()
        .filter(
            company_id__in={company_id for company_id, _ in wanted},
            email_hash__in={digest for _, digest in wanted},
        )
        .values_list("company_id", "email_hash")
    )
    notices = [
        {
            "company_id": company_id,
            "email_hash": digest,
            "recipient": contact.email.strip(),
            "contact_id": contact.pk,
            "language": contact.preferred_language or lookups.companies_by_id[company_id].language or "en",
        }
        for (company_id, digest), contact in wanted.items()
        if (company_id, digest) not in existing
    ]
    return insert_rows(GdprNotice, notices)


def _write_turnover(live, partners, known, touched) -> None:
    """One row per company, month and currency. A row typed in the CRM for the same month is taken over
    by the ERP's figure; ERP rows the ERP no longer sends are removed."""
    stored = {}
    if known:
        for row in Turnover.objects.order_by().filter(partner_id__in=known):
            stored[(row.partner_id, row.company_id, row.period, row.currency)] = row
    new, changed, incoming = [], [], set()
    for record in live:
        partner_pk = partners[record.erp_id]
        for child in record.turnover:
            key = (partner_pk, child.company_id, child.period, child.currency)
            incoming.add(key)
            row = stored.get(key)
            if row is None:
                new.append(
                    {"partner_id": partner_pk, "company_id": child.company_id, "period": child.period,
                     "currency": child.currency, "amount": child.amount, "from_erp": True}
                )  # fmt: skip
                touched.add(partner_pk)
            elif row.amount != child.amount or not row.from_erp:
                row.amount, row.from_erp = child.amount, True
                changed.append(row)
                touched.add(partner_pk)
    gone = [row for key, row in stored.items() if key not in incoming and row.from_erp]
    insert_rows(Turnover, new, ids=False)
    if changed:
        update_rows(Turnover, changed, ["amount", "from_erp"])
    if gone:
        touched.update(row.partner_id for row in gone)
        delete_rows(Turnover, "pk", [row.pk for row in gone])


def _write_assets(live, partners, known, page_partners, addresses, touched) -> None:
    wanted = {}
    for row in live:
        partner_pk = partners[row.erp_id]
        for child in row.assets:
            site = addresses.get(child.address_erp_id) if child.address_erp_id else None
            wanted[child.erp_id] = {
                **child.fields,
                "partner_id": partner_pk,
                # Only one of the partner's own addresses can be the site.
                "site_id": site[1] if site and site[0] == partner_pk else None,
            }
    stored = _stored_children(Asset, wanted, known)
    new, changed, gone = _split_children(wanted, stored, page_partners, touched)
    insert_rows(Asset, new, ids=False)
    if changed:
        update_rows(Asset, changed, ASSET_FIELDS)
    if gone:
        delete_rows(Asset, "pk", [a.pk for a in gone])


# Products, orders, invoices -----------------------------------------------------------------------


def write_products(lookups: Lookups, rows: list[ProductIn]) -> PageResult:
    result = PageResult()
    stored = {p.erp_id: p for p in Product.objects.order_by().filter(erp_id__in=[row.erp_id for row in rows])}
    new, changed, closing = [], [], []
    for row in rows:
        product = stored.get(row.erp_id)
        if row.deleted:
            result.outcomes[row.erp_id] = "closed" if product else "skipped"
            if product and product.is_active:
                closing.append(product.pk)
        elif product is None:
            new.append({"erp_id": row.erp_id, **row.fields})
            result.outcomes[row.erp_id] = "created"
        elif _differs(product, row.fields):
            _assign(product, row.fields)
            changed.append(product)
            result.outcomes[row.erp_id] = "updated"
        else:
            result.outcomes[row.erp_id] = "unchanged"
    insert_rows(Product, new, ids=False)
    if changed:
        update_rows(Product, changed, PRODUCT_FIELDS)
    if closing:
        Product.objects.order_by().filter(pk__in=closing).update(is_active=False)
    return result


def _partner_pks(rows, result: PageResult) -> dict[str, int]:
    """ERP partner id -> CRM pk for the page's rows; rows naming an unknown partner are rejected."""
    wanted = {row.partner_erp_id for row in rows if not row.deleted and row.partner_erp_id}
    found = (
        dict(Partner.objects.order_by().filter(erp_id__in=wanted).values_list("erp_id", "pk"))
        if wanted
        else {}
    )
    for row in rows:
        if not row.deleted and row.partner_erp_id and row.partner_erp_id not in found:
            result.rejected[row.erp_id] = f"unknown partner {row.partner_erp_id!r}"
    return found


def write_orders(lookups: Lookups, rows: list[OrderIn]) -> PageResult:
    result = PageResult()
    stored = {o.erp_id: o for o in Order.objects.order_by().filter(erp_id__in=[row.erp_id for row in rows])}
    partner_pks = _partner_pks(rows, result)
    product_ids = {line["product_erp_id"] for row in rows for line in row.lines if line["product_erp_id"]}
    product_pks = (
        dict(Product.objects.order_by().filter(erp_id__in=product_ids).values_list("erp_id", "pk"))
        if product_ids
        else {}
    )
    stored_lines = defaultdict(list)
    if stored:
        for line in (
            OrderLine.objects.order_by().filter(order_id__in=[o.pk for o in stored.values()]).order_by("pk")
        ):
            stored_lines[line.order_id].append(
                (line.product_id, line.description, line.quantity, line.unit_price)
            )
    new, changed, closing, relined = [], [], [], []
    lines_of: dict[str, list[tuple]] = {}
    for row in rows:
        order = stored.get(row.erp_id)
        if row.deleted:
            result.outcomes[row.erp_id] = "closed" if order else "skipped"
            if order and order.status != OrderStatus.CANCELLED:
                closing.append(order.pk)
            continue
        if row.erp_id in result.rejected:
            continue
        values = {**row.fields, "partner_id": partner_pks.get(row.partner_erp_id)}
        lines = [
            (
                product_pks.get(line["product_erp_id"]),
                line["description"],
                line["quantity"],
                line["unit_price"],
            )
            for line in row.lines
        ]
        lines_of[row.erp_id] = lines
        if order is None:
            new.append({"erp_id": row.erp_id, **values})
            result.outcomes[row.erp_id] = "created"
            continue
        outcome = "unchanged"
        if _differs(order, values):
            _assign(order, values)
            changed.append(order)
            outcome = "updated"
        if stored_lines[order.pk] != lines:
            relined.append(order)
            outcome = "updated"
        result.outcomes[row.erp_id] = outcome
    orders = {o.erp_id: o.pk for o in relined}
    orders.update(zip([o["erp_id"] for o in new], insert_rows(Order, new), strict=True))
    if changed:
        update_rows(Order, changed, ORDER_FIELDS)
    if closing:
        Order.objects.order_by().filter(pk__in=closing).update(status=OrderStatus.CANCELLED)
    if relined:
        delete_rows(OrderLine, "order_id", [o.pk for o in relined])
    insert_rows(
        OrderLine,
        [
            {"order_id": order_pk, "product_id": product, "description": text, "quantity": quantity,
             "unit_price": price}
            for erp_id, order_pk in orders.items()
            for product, text, quantity, price in lines_of[erp_id]
        ],
        ids=False,
    )  # fmt: skip
    return result


def write_invoices(lookups: Lookups, rows: list[InvoiceIn]) -> PageResult:
    result = PageResult()
    stored = {i.erp_id: i for i in Invoice.objects.order_by().filter(erp_id__in=[row.erp_id for row in rows])}
    partner_pks = _partner_pks(rows, result)
    now = timezone.now()
    new, changed, closing = [], [], []
    for row in rows:
        invoice = stored.get(row.erp_id)
        if row.deleted:
            # Paid, cancelled or removed in the ERP: nothing is open any more.
            result.outcomes[row.erp_id] = "closed" if invoice else "skipped"
            if invoice and invoice.open_amount:
                closing.append(invoice.pk)
            continue
        if row.erp_id in result.rejected:
            continue
        values = {**row.fields, "partner_id": partner_pks[row.partner_erp_id]}
        if invoice is None:
            new.append({"erp_id": row.erp_id, **values})
            result.outcomes[row.erp_id] = "created"
        elif _differs(invoice, values):
            _assign(invoice, values)
            invoice.updated_at = now
            changed.append(invoice)
            result.outcomes[row.erp_id] = "updated"
        else:
            result.outcomes[row.erp_id] = "unchanged"
    insert_rows(Invoice, new, ids=False)
    if changed:
        update_rows(Invoice, changed, [*INVOICE_FIELDS, "updated_at"])
    if closing:
        Invoice.objects.order_by().filter(pk__in=closing).update(open_amount=0, updated_at=now)
    return result


WRITERS = {
    "partners": write_partners,
    "products": write_products,
    "orders": write_orders,
    "invoices": write_invoices,
}
