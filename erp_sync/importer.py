"""Import from the ERP: partners with their data, products, orders and open invoices.

A run:
1. takes the lease lock (a row with an expiry: a crashed worker's lock runs out, runs never overlap);
2. reads every kind page by page since the last good cursor (or everything on a full resync);
3. imports each page in one transaction: a failure keeps the pages already done, and the next run
   reads again from the old cursor, so nothing is lost and the upserts make re-reading harmless;
4. records one bad record as a SyncError and goes on;
5. moves the cursor to the ERP's clock at the start of the run only when every kind succeeded.
ERP-managed fields are overwritten; CRM-only data (owners, events, communications, notes) is not touched.
"""

import logging
import uuid
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company, User
from contacts.models import Contact, ContactRole, ContactType
from contacts.services import gdpr_notice_queue
from erp_sync.connectors import Connector, get_connector
from erp_sync.models import RunStatus, SyncError, SyncRun, SyncState
from orders.models import Order, OrderLine, Product
from partners.models import (
    AccountStatus,
    Asset,
    Partner,
    PartnerAccount,
    PartnerAddress,
    PartnerSource,
    Turnover,
)
from receivables.models import Invoice

logger = logging.getLogger(__name__)

KINDS = ("partners", "products", "orders", "invoices")


class BadRecord(Exception):
    pass


# Lock ------------------------------------------------------------------------------------------


def acquire_lock(owner: str) -> bool:
    SyncState.objects.get_or_create(key="erp")
    now = timezone.now()
    return bool(
        SyncState.objects.filter(key="erp")
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now) | Q(locked_by=owner))
        .update(locked_by=owner, locked_until=now + timedelta(minutes=settings.ERP_LOCK_MINUTES))
    )


def release_lock(owner: str) -> None:
    SyncState.objects.filter(key="erp", locked_by=owner).update(locked_by="", locked_until=None)


# Run -------------------------------------------------------------------------------------------


def run_import(
    *, full: bool = False, trigger: str = "schedule", connector: Connector | None = None
) -> SyncRun:
    owner = uuid.uuid4().hex
    if not acquire_lock(owner):
        now = timezone.now()
        return SyncRun.objects.create(status=RunStatus.SKIPPED, full=full, trigger=trigger, finished_at=now)
    connector = connector or get_connector()
    state = SyncState.objects.get(key="erp")
    since = None if full else state.last_cursor
    run = SyncRun.objects.create(full=full, trigger=trigger, changed_since=since)
    counts: dict[str, Counter] = defaultdict(Counter)
    cursor = None
    try:
        context = ImportContext(run)
        for kind in KINDS:
            page = 1
            while page:
                result = connector.changes(kind, since, page)
                cursor = min(cursor, result.server_time) if cursor else result.server_time
                with transaction.atomic():
                    for record in result.items:
                        outcome = context.import_record(kind, record)
                        counts[kind][outcome] += 1
                acquire_lock(owner)  # renew the lease after each batch
                page = result.next_page
        SyncState.objects.filter(key="erp").update(last_cursor=cursor)
        run.status = RunStatus.PARTIAL if run.errors.exists() else RunStatus.SUCCEEDED
    except Exception as error:
        logger.exception("ERP import failed")
        run.status = RunStatus.FAILED
        run.error = str(error)[:4000]
    finally:
        run.counts = {kind: dict(counter) for kind, counter in counts.items()}
        run.cursor = cursor
        run.finished_at = timezone.now()
        run.save()
        release_lock(owner)
    if run.status == RunStatus.FAILED:
        _notify_admins_on_repeated_failure(run)
    return run


def _notify_admins_on_repeated_failure(run: SyncRun) -> None:
    last_two = list(SyncRun.objects.exclude(status=RunStatus.SKIPPED).order_by("-started_at", "-pk")[:2])
    if len(last_two) < 2 or any(r.status != RunStatus.FAILED for r in last_two):
        return
    from django.core.mail import send_mail

    from communications.models import Notification

    admins = User.objects.filter(is_superuser=True, is_active=True)
    text = _("The ERP synchronisation failed twice in a row: %(error)s") % {"error": run.error[:300]}
    for admin in admins:
        company = Company.objects.filter(memberships__user=admin).first()
        if company:
            Notification.objects.create(
                recipient=admin, company=company, verb="erp", text=text[:500], url="/admin/erp_sync/syncrun/"
            )
        if admin.email:
            send_mail(_("ERP synchronisation failing"), text, None, [admin.email], fail_silently=True)


# Records ---------------------------------------------------------------------------------------


def _decimal(value, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise BadRecord(f"{field} is not a number: {value!r}") from None


def _date(value, field: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        raise BadRecord(f"{field} is not a date: {value!r}") from None


class ImportContext:
    """Caches of companies and contact types for one run; imports one record at a time."""

    def __init__(self, run: SyncRun):
        self.run = run
        self.companies = {company.code: company for company in Company.objects.all()}
        self.contact_types = {t.code: t for t in ContactType.objects.all()}

    def import_record(self, kind: str, record: dict) -> str:
        """Returns "created", "updated", "closed" or "skipped"."""
        try:
            with transaction.atomic():
                return getattr(self, f"_import_{kind}")(record)
        except (BadRecord, IntegrityError, KeyError, ValueError) as error:
            SyncError.objects.create(
                run=self.run, kind=kind, erp_id=str(record.get("id", ""))[:64], message=str(error)[:2000]
            )
            return "skipped"

    def company(self, code) -> Company:
        company = self.companies.get(code)
        if company is None:
            raise BadRecord(f"unknown company {code!r}")
        return company

    # Partners with addresses, contacts, turnover and assets.
    def _import_partners(self, record: dict) -> str:
        erp_id = str(record["id"])
        partner = Partner.objects.filter(erp_id=erp_id).first()
        if record.get("deleted"):
            if partner is None:
                return "skipped"
            PartnerAccount.objects.filter(partner=partner).update(status=AccountStatus.INACTIVE)
            return "closed"
        name = (record.get("name") or "").strip()
        if not name:
            raise BadRecord("the partner has no name")
        fields = {
            "name": name[:255],
            "short_name": (record.get("short_name") or "")[:100],
            "tax_number": (record.get("tax_number") or "")[:32],
            "registration_number": (record.get("registration_number") or "")[:64],
            "phone": (record.get("phone") or "")[:64],
            "email": (record.get("email") or "")[:254],
            "website": (record.get("website") or "")[:200],
            "is_customer": bool(record.get("is_customer", True)),
            "is_supplier": bool(record.get("is_supplier", False)),
            "is_distributor": bool(record.get("is_distributor", False)),
            "source": PartnerSource.ERP,
        }
        created = partner is None
        if created:
            partner = Partner.objects.create(erp_id=erp_id, **fields)
        else:
            for field, value in fields.items():
                setattr(partner, field, value)
            partner.save()
        companies = {
            self.company(row["company"]) for row in record.get("turnover", []) + record.get("assets", [])
        }
        for company in companies:
            PartnerAccount.objects.get_or_create(company=company, partner=partner)
        self._addresses(partner, record.get("addresses", []))
        self._contacts(partner, record.get("contacts", []))
        self._turnover(partner, record.get("turnover", []))
        self._assets(partner, record.get("assets", []))
        return "created" if created else "updated"

    def _addresses(self, partner: Partner, rows: list[dict]) -> None:
        seen = []
        for row in rows:
            address, _ = PartnerAddress.objects.update_or_create(
                erp_id=str(row["id"]),
                defaults={
                    "partner": partner,
                    "kind": row.get("kind") or "site",
                    "country": (row.get("country") or "HU")[:2],
                    "postal_code": (row.get("postal_code") or "")[:16],
                    "city": (row.get("city") or "")[:100],
                    "street": (row.get("street") or "")[:255],
                },
            )
            seen.append(address.pk)
        partner.addresses.filter(erp_id__isnull=False).exclude(pk__in=seen).delete()

    def _contacts(self, partner: Partner, rows: list[dict]) -> None:
        companies = [account.company for account in partner.accounts.select_related("company")]
        seen = []
        for row in rows:
            fields = {
                "first_name": (row.get("first_name") or "")[:100],
                "last_name": (row.get("last_name") or "?")[:100],
                "position": (row.get("position") or "")[:150],
                "email": (row.get("email") or "")[:254],
                "phone": (row.get("phone") or "")[:64],
                "preferred_language": (row.get("language") or "")[:5],
                "is_active": True,
            }
            contact = Contact.objects.filter(erp_id=str(row["id"])).first()
            if contact is None:
                contact = Contact.objects.create(partner=partner, erp_id=str(row["id"]), **fields)
            elif contact.anonymised_at is None:
                for field, value in fields.items():
                    setattr(contact, field, value)
                contact.save()
            seen.append(contact.pk)
            ContactRole.objects.filter(contact=contact).delete()
            for code in row.get("types", []):
                contact_type = self.contact_types.get(code)
                if contact_type:
                    ContactRole.objects.create(
                        contact=contact,
                        type=contact_type,
                        partner=partner,
                        exclusive=contact_type.is_exclusive,
                    )
            for company in companies:
                gdpr_notice_queue(contact=contact, company=company)
        partner.contacts.filter(erp_id__isnull=False, is_active=True).exclude(pk__in=seen).update(
            is_active=False
        )

    def _turnover(self, partner: Partner, rows: list[dict]) -> None:
        Turnover.objects.filter(partner=partner, from_erp=True).delete()
        Turnover.objects.bulk_create(
            [
                Turnover(
                    company=self.company(row["company"]),
                    partner=partner,
                    period=_date(
                        f"{row['period']}-01" if len(str(row["period"])) == 7 else row["period"], "period"
                    ),
                    currency=(row.get("currency") or "HUF")[:3],
                    amount=_decimal(row["amount"], "amount"),
                    from_erp=True,
                )
                for row in rows
            ]
        )

    def _assets(self, partner: Partner, rows: list[dict]) -> None:
        addresses = {a.erp_id: a for a in partner.addresses.filter(erp_id__isnull=False)}
        seen = []
        for row in rows:
            asset, _ = Asset.objects.update_or_create(
                erp_id=str(row["id"]),
                defaults={
                    "company": self.company(row["company"]),
                    "partner": partner,
                    "item": (row.get("item") or "?")[:255],
                    "serial_number": (row.get("serial") or "")[:100],
                    "installed_on": _date(row["installed_on"], "installed_on")
                    if row.get("installed_on")
                    else None,
                    "site": addresses.get(row.get("address_id")),
                },
            )
            seen.append(asset.pk)
        partner.assets.filter(erp_id__isnull=False).exclude(pk__in=seen).delete()

    def _import_products(self, record: dict) -> str:
        if record.get("deleted"):
            return (
                "closed"
                if Product.objects.filter(erp_id=str(record["id"])).update(is_active=False)
                else "skipped"
            )
        _, created = Product.objects.update_or_create(
            erp_id=str(record["id"]),
            defaults={
                "code": str(record["code"])[:64],
                "name": (record.get("name") or "")[:255],
                "unit": (record.get("unit") or "")[:16],
                "is_active": bool(record.get("active", True)),
            },
        )
        return "created" if created else "updated"

    def _import_orders(self, record: dict) -> str:
        erp_id = str(record["id"])
        if record.get("deleted"):
            return "closed" if Order.objects.filter(erp_id=erp_id).update(status="cancelled") else "skipped"
        partner = (
            Partner.objects.filter(erp_id=record.get("partner_id")).first()
            if record.get("partner_id")
            else None
        )
        if record.get("partner_id") and partner is None:
            raise BadRecord(f"unknown partner {record.get('partner_id')!r}")
        order, created = Order.objects.update_or_create(
            erp_id=erp_id,
            defaults={
                "company": self.company(record["company"]),
                "number": str(record["number"])[:64],
                "kind": record.get("kind") or "customer",
                "partner": partner,
                "ordered_on": _date(record["date"], "date"),
                "status": record.get("status") or "open",
                "total": _decimal(record.get("total", 0), "total"),
                "currency": (record.get("currency") or "HUF")[:3],
            },
        )
        order.lines.all().delete()
        products = {
            p.erp_id: p
            for p in Product.objects.filter(
                erp_id__in=[line.get("product_id") for line in record.get("lines", [])]
            )
        }
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    product=products.get(line.get("product_id")),
                    description=(line.get("description") or "")[:255],
                    quantity=_decimal(line.get("quantity", 1), "quantity"),
                    unit_price=_decimal(line.get("unit_price", 0), "unit_price"),
                )
                for line in record.get("lines", [])
            ]
        )
        return "created" if created else "updated"

    def _import_invoices(self, record: dict) -> str:
        erp_id = str(record["id"])
        if record.get("deleted") or record.get("closed"):
            return "closed" if Invoice.objects.filter(erp_id=erp_id).update(open_amount=0) else "skipped"
        partner = Partner.objects.filter(erp_id=record.get("partner_id")).first()
        if partner is None:
            raise BadRecord(f"unknown partner {record.get('partner_id')!r}")
        open_amount = _decimal(record.get("open_amount", 0), "open_amount")
        if open_amount < 0:
            raise BadRecord("open_amount is negative")
        _, created = Invoice.objects.update_or_create(
            erp_id=erp_id,
            defaults={
                "company": self.company(record["company"]),
                "partner": partner,
                "number": str(record["number"])[:64],
                "issued_on": _date(record["issued_on"], "issued_on"),
                "due_on": _date(record["due_on"], "due_on"),
                "amount": _decimal(record["amount"], "amount"),
                "open_amount": open_amount,
                "currency": (record.get("currency") or "HUF")[:3],
            },
        )
        return "created" if created else "updated"
