"""CRM-made partners go to the ERP after their first success and come back ERP-managed once approved."""

import logging

from django.db import transaction
from django.utils.translation import gettext_noop

from erp_sync.connectors import Connector, ConnectorError, get_connector
from erp_sync.models import PartnerPush, PushStatus
from ops.jobs import enqueue_by_name
from partners.models import Partner, PartnerSource

logger = logging.getLogger(__name__)


def partner_payload(partner: Partner) -> dict:
    return {
        "name": partner.name,
        "short_name": partner.short_name,
        "tax_number": partner.tax_number,
        "registration_number": partner.registration_number,
        "phone": partner.phone,
        "email": partner.email,
        "website": partner.website,
        "is_customer": partner.is_customer,
        "is_supplier": partner.is_supplier,
        "is_distributor": partner.is_distributor,
        "addresses": [
            {
                "kind": a.kind,
                "country": a.country,
                "postal_code": a.postal_code,
                "city": a.city,
                "street": a.street,
            }
            for a in partner.addresses.all()
        ],
    }


@transaction.atomic
def partner_push_after_first_success(partner: Partner) -> PartnerPush | None:
    """Called when an event with the partner closes successfully: the first time, queue the push."""
    if partner.source != PartnerSource.CRM:
        return None
    push, created = PartnerPush.objects.get_or_create(partner=partner)
    if not created:
        return push
    Partner.objects.filter(pk=partner.pk).update(source=PartnerSource.PENDING_ERP_APPROVAL)
    transaction.on_commit(lambda: enqueue_by_name("erp_sync.tasks.push_partner", push.pk))
    return push


def push_send(push_id: int, connector: Connector | None = None) -> str:
    """Send (or re-send: the idempotency key makes it harmless) one push request."""
    push = PartnerPush.objects.select_related("partner").get(pk=push_id)
    if push.status != PushStatus.PENDING:
        return push.status
    connector = connector or get_connector()
    PartnerPush.objects.filter(pk=push.pk).update(attempts=push.attempts + 1)
    connector.push_partner(partner_payload(push.partner), str(push.idempotency_key))
    PartnerPush.objects.filter(pk=push.pk, status=PushStatus.PENDING).update(status=PushStatus.SENT)
    return PushStatus.SENT


def approvals_check(connector: Connector | None = None) -> dict:
    """Ask the ERP about every sent request: approved ones become ERP-managed, rejections tell the owner."""
    connector = connector or get_connector()
    result = {"approved": 0, "rejected": 0}
    for push in PartnerPush.objects.filter(status=PushStatus.SENT).select_related("partner"):
        try:
            state = connector.approval_state(str(push.idempotency_key))
        except ConnectorError:
            logger.warning("Could not read the approval state of %s", push)
            continue
        if state.status == "approved" and state.erp_id:
            with transaction.atomic():
                Partner.objects.filter(pk=push.partner_id).update(
                    erp_id=state.erp_id, source=PartnerSource.ERP
                )
                PartnerPush.objects.filter(pk=push.pk).update(status=PushStatus.APPROVED)
            result["approved"] += 1
        elif state.status == "rejected":
            with transaction.atomic():
                PartnerPush.objects.filter(pk=push.pk).update(status=PushStatus.REJECTED, reason=state.reason)
                Partner.objects.filter(pk=push.partner_id).update(source=PartnerSource.CRM)
                _tell_owners(push.partner, state.reason)
            result["rejected"] += 1
    return result


def _tell_owners(partner: Partner, reason: str) -> None:
    from communications.notifications import notify

    for account in partner.accounts.exclude(owner=None).select_related("company"):
        notify(
            recipient_ids={account.owner_id},
            company=account.company,
            actor=None,
            verb="erp",
            message=gettext_noop("The ERP rejected the partner %(partner)s: %(reason)s"),
            params={"partner": partner.name, "reason": reason},
            url=partner.get_absolute_url(),
        )
