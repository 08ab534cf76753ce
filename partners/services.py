from django.db import transaction

from companies.models import Company, User
from ops.domain_events import publish
from partners.models import AccountStatus, AddressKind, Partner, PartnerAccount, PartnerAddress


def _partner_data(partner: Partner, account: PartnerAccount | None = None) -> dict:
    """What a webhook says about a partner (docs/webhooks.md)."""
    data = {
        "id": partner.pk,
        "name": partner.name,
        "short_name": partner.short_name,
        "tax_number": partner.tax_number,
        "registration_number": partner.registration_number,
        "email": partner.email,
        "phone": partner.phone,
        "erp_id": partner.erp_id or None,
    }
    if account is not None:
        data["account"] = {"owner_id": account.owner_id, "status": account.status}
    return data


@transaction.atomic
def partner_create(*, company: Company, owner: User, master: dict, seat: dict) -> PartnerAccount:
    """Create a CRM-made partner with its seat address and the company's account for it."""
    partner = Partner.objects.create(**master)
    if seat.get("city"):
        PartnerAddress.objects.create(partner=partner, kind=AddressKind.SEAT, **seat)
    account = PartnerAccount.objects.create(
        company=company, partner=partner, owner=owner, status=AccountStatus.PROSPECT
    )
    publish("partner.created", company_id=company.pk, data=lambda: _partner_data(partner, account))
    return account


@transaction.atomic
def partner_update(*, partner: Partner, master: dict, seat: dict) -> Partner:
    """Save master data edits; ERP-managed partners keep theirs (the form disables the fields)."""
    if partner.is_erp_managed:
        return partner
    for field, value in master.items():
        setattr(partner, field, value)
    partner.save()
    if seat.get("city"):
        PartnerAddress.objects.update_or_create(partner=partner, kind=AddressKind.SEAT, defaults=seat)
    # The master is shared: each company that keeps an account for the partner hears of the change.
    for company_id in PartnerAccount.objects.filter(partner=partner).values_list("company_id", flat=True):
        publish("partner.updated", company_id=company_id, data=lambda: _partner_data(partner))
    return partner


def partner_adopt(*, company: Company, partner: Partner, owner: User) -> tuple[PartnerAccount, bool]:
    """Start working with an existing shared partner in `company` (get or create its account)."""
    return PartnerAccount.objects.get_or_create(
        company=company, partner=partner, defaults={"owner": owner, "status": AccountStatus.PROSPECT}
    )


@transaction.atomic
def partner_records_save(*, company: Company, partner: Partner, addresses, turnovers, assets) -> None:
    """Save the hand-typed addresses, turnover and assets of a CRM partner in one transaction."""
    addresses.save()
    for formset in (turnovers, assets):
        for obj in formset.save(commit=False):
            obj.company = company
            obj.partner = partner
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
