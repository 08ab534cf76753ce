"""ERP records read into CRM field values. Every check that needs no database happens here, before any
write, so one bad record is reported and skipped without touching the batch it came in.

A parsed record holds exactly the values the CRM stores (truncated, typed, decimals quantised), so the
writers can compare them with the stored rows and leave unchanged rows alone.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from companies.models import Company
from contacts.models import ContactType
from partners.models import PartnerSource


class BadRecord(Exception):
    """A record the CRM cannot store; it becomes a SyncError with its ERP id and is skipped."""


def _text(value, length: int, default: str = "") -> str:
    if value is None or value == "":
        return default
    return str(value)[:length]


def _decimal(value, name: str, *, max_digits: int = 16, places: int = 2) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    except (InvalidOperation, TypeError, ValueError):
        raise BadRecord(f"{name} is not a number: {value!r}") from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** (max_digits - places):
        raise BadRecord(f"{name} is out of range: {value!r}")
    return number


def _date(value, name: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        raise BadRecord(f"{name} is not a date: {value!r}") from None


def _id(value, name: str = "id") -> str:
    text = str(value if value is not None else "").strip()
    if not text:
        raise BadRecord(f"the record has no {name}")
    if len(text) > 64:
        raise BadRecord(f"{name} is longer than 64 characters")
    return text


class Lookups:
    """Companies by code and contact types by code, loaded once per run."""

    def __init__(self) -> None:
        self.companies = {company.code: company for company in Company.objects.all()}
        self.companies_by_id = {company.pk: company for company in self.companies.values()}
        self.contact_types = {contact_type.code: contact_type for contact_type in ContactType.objects.all()}

    def company_id(self, code) -> int:
        company = self.companies.get(code)
        if company is None:
            raise BadRecord(f"unknown company {code!r}")
        return company.pk


@dataclass
class Child:
    erp_id: str
    fields: dict


@dataclass
class ContactIn:
    erp_id: str
    fields: dict
    type_ids: dict[int, bool]  # contact type id -> one per partner


@dataclass
class TurnoverIn:
    company_id: int
    period: date
    currency: str
    amount: Decimal


@dataclass
class AssetIn:
    erp_id: str
    fields: dict
    address_erp_id: str | None


@dataclass
class PartnerIn:
    erp_id: str
    deleted: bool = False
    fields: dict = field(default_factory=dict)
    company_ids: set[int] = field(default_factory=set)
    addresses: list[Child] = field(default_factory=list)
    contacts: list[ContactIn] = field(default_factory=list)
    turnover: list[TurnoverIn] = field(default_factory=list)
    assets: list[AssetIn] = field(default_factory=list)


@dataclass
class ProductIn:
    erp_id: str
    deleted: bool = False
    fields: dict = field(default_factory=dict)


@dataclass
class OrderIn:
    erp_id: str
    deleted: bool = False
    fields: dict = field(default_factory=dict)
    partner_erp_id: str | None = None
    lines: list[dict] = field(default_factory=list)  # product_erp_id, description, quantity, unit_price


@dataclass
class InvoiceIn:
    erp_id: str
    deleted: bool = False
    fields: dict = field(default_factory=dict)
    partner_erp_id: str = ""


def _unique(ids: list[str], what: str) -> None:
    if len(set(ids)) != len(ids):
        raise BadRecord(f"the record lists the same {what} twice")


def parse_partner(record: dict, lookups: Lookups) -> PartnerIn:
    erp_id = _id(record.get("id"))
    if record.get("deleted"):
        return PartnerIn(erp_id=erp_id, deleted=True)
    name = str(record.get("name") or "").strip()
    if not name:
        raise BadRecord("the partner has no name")
    partner = PartnerIn(
        erp_id=erp_id,
        fields={
            "name": name[:255],
            "short_name": _text(record.get("short_name"), 100),
            "tax_number": _text(record.get("tax_number"), 32),
            "registration_number": _text(record.get("registration_number"), 64),
            "phone": _text(record.get("phone"), 64),
            "email": _text(record.get("email"), 254),
            "website": _text(record.get("website"), 200),
            "is_customer": bool(record.get("is_customer", True)),
            "is_supplier": bool(record.get("is_supplier", False)),
            "is_distributor": bool(record.get("is_distributor", False)),
            "source": PartnerSource.ERP,
        },
    )
    for row in record.get("addresses") or []:
        partner.addresses.append(
            Child(
                erp_id=_id(row.get("id"), "address id"),
                fields={
                    "kind": _text(row.get("kind"), 10, "site"),
                    "country": _text(row.get("country"), 2, "HU"),
                    "postal_code": _text(row.get("postal_code"), 16),
                    "city": _text(row.get("city"), 100),
                    "street": _text(row.get("street"), 255),
                },
            )
        )
    exclusive_types: list[int] = []
    for row in record.get("contacts") or []:
        types = {
            lookups.contact_types[code].pk: lookups.contact_types[code].is_exclusive
            for code in row.get("types") or []
            if code in lookups.contact_types
        }
        exclusive_types += [type_id for type_id, exclusive in types.items() if exclusive]
        partner.contacts.append(
            ContactIn(
                erp_id=_id(row.get("id"), "contact id"),
                fields={
                    "first_name": _text(row.get("first_name"), 100),
                    "last_name": _text(row.get("last_name"), 100, "?"),
                    "position": _text(row.get("position"), 150),
                    "email": _text(row.get("email"), 254).strip(),
                    "phone": _text(row.get("phone"), 64),
                    "preferred_language": _text(row.get("language"), 5),
                    "is_active": True,
                },
                type_ids=types,
            )
        )
    if len(set(exclusive_types)) != len(exclusive_types):
        raise BadRecord("two contacts hold a contact type that allows one per partner")
    seen_periods = set()
    for row in record.get("turnover") or []:
        period = str(row.get("period", ""))
        turnover = TurnoverIn(
            company_id=lookups.company_id(row.get("company")),
            period=_date(f"{period}-01" if len(period) == 7 else period, "period"),
            currency=_text(row.get("currency"), 3, "HUF"),
            amount=_decimal(row.get("amount"), "amount"),
        )
        key = (turnover.company_id, turnover.period, turnover.currency)
        if key in seen_periods:
            raise BadRecord(f"turnover for {period} {turnover.currency} is listed twice")
        seen_periods.add(key)
        partner.turnover.append(turnover)
    for row in record.get("assets") or []:
        partner.assets.append(
            AssetIn(
                erp_id=_id(row.get("id"), "asset id"),
                fields={
                    "company_id": lookups.company_id(row.get("company")),
                    "item": _text(row.get("item"), 255, "?"),
                    "serial_number": _text(row.get("serial"), 100),
                    "installed_on": _date(row["installed_on"], "installed_on")
                    if row.get("installed_on")
                    else None,
                },
                address_erp_id=str(row["address_id"]) if row.get("address_id") else None,
            )
        )
    _unique([a.erp_id for a in partner.addresses], "address")
    _unique([c.erp_id for c in partner.contacts], "contact")
    _unique([a.erp_id for a in partner.assets], "asset")
    partner.company_ids = {t.company_id for t in partner.turnover} | {
        a.fields["company_id"] for a in partner.assets
    }
    return partner


def parse_product(record: dict, lookups: Lookups) -> ProductIn:
    erp_id = _id(record.get("id"))
    if record.get("deleted"):
        return ProductIn(erp_id=erp_id, deleted=True)
    code = _text(record.get("code"), 64)
    if not code:
        raise BadRecord("the product has no code")
    return ProductIn(
        erp_id=erp_id,
        fields={
            "code": code,
            "name": _text(record.get("name"), 255),
            "unit": _text(record.get("unit"), 16),
            "is_active": bool(record.get("active", True)),
        },
    )


def parse_order(record: dict, lookups: Lookups) -> OrderIn:
    erp_id = _id(record.get("id"))
    if record.get("deleted"):
        return OrderIn(erp_id=erp_id, deleted=True)
    number = _text(record.get("number"), 64)
    if not number:
        raise BadRecord("the order has no number")
    return OrderIn(
        erp_id=erp_id,
        fields={
            "company_id": lookups.company_id(record.get("company")),
            "number": number,
            "kind": _text(record.get("kind"), 12, "customer"),
            "ordered_on": _date(record.get("date"), "date"),
            "status": _text(record.get("status"), 12, "open"),
            "total": _decimal(record.get("total", 0), "total"),
            "currency": _text(record.get("currency"), 3, "HUF"),
        },
        partner_erp_id=str(record["partner_id"]) if record.get("partner_id") else None,
        lines=[
            {
                "product_erp_id": str(line["product_id"]) if line.get("product_id") else None,
                "description": _text(line.get("description"), 255),
                "quantity": _decimal(line.get("quantity", 1), "quantity", max_digits=14, places=3),
                "unit_price": _decimal(line.get("unit_price", 0), "unit_price"),
            }
            for line in record.get("lines") or []
        ],
    )


def parse_invoice(record: dict, lookups: Lookups) -> InvoiceIn:
    erp_id = _id(record.get("id"))
    if record.get("deleted") or record.get("closed"):
        return InvoiceIn(erp_id=erp_id, deleted=True)
    number = _text(record.get("number"), 64)
    if not number:
        raise BadRecord("the invoice has no number")
    open_amount = _decimal(record.get("open_amount", 0), "open_amount")
    if open_amount < 0:
        raise BadRecord("open_amount is negative")
    if not record.get("partner_id"):
        raise BadRecord("the invoice has no partner")
    return InvoiceIn(
        erp_id=erp_id,
        fields={
            "company_id": lookups.company_id(record.get("company")),
            "number": number,
            "issued_on": _date(record.get("issued_on"), "issued_on"),
            "due_on": _date(record.get("due_on"), "due_on"),
            "amount": _decimal(record.get("amount"), "amount"),
            "open_amount": open_amount,
            "currency": _text(record.get("currency"), 3, "HUF"),
        },
        partner_erp_id=str(record["partner_id"]),
    )


PARSERS = {
    "partners": parse_partner,
    "products": parse_product,
    "orders": parse_order,
    "invoices": parse_invoice,
}
