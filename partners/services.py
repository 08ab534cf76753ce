from django.db import transaction

from companies.models import Company, User
from partners.models import AccountStatus, AddressKind, Partner, PartnerAccount, PartnerAddress


@transaction.atomic
def partner_create(*, company: Company, owner: User, master: dict, seat: dict) -> PartnerAccount:
    """Create a CRM-made partner with its seat address and the company's account for it."""
    partner = Partner.objects.create(**master)
    if seat.get("city"):
        PartnerAddress.objects.create(partner=partner, kind=AddressKind.SEAT, **seat)
    return PartnerAccount.objects.create(
        company=company, partner=partner, owner=owner, status=AccountStatus.PROSPECT
    )


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
