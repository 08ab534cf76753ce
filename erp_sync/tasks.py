from celery import shared_task

from erp_sync.connectors import ConnectorError
from erp_sync.importer import run_import
from erp_sync.push import approvals_check, partner_push_after_first_success, push_send


@shared_task(acks_late=True)
def import_from_erp(full: bool = False, trigger: str = "schedule") -> str:
    """Hourly (editable in the admin) and on demand: the incremental import, or a full resync."""
    return run_import(full=full, trigger=trigger).status


@shared_task(acks_late=True)
def push_partner_after_first_success(partner_id: int) -> bool:
    """Queued by events.services.event_close (by name) after a partner's successful event commits: the
    first time, record the push and send it. Safe to run twice: one PartnerPush per partner."""
    from partners.models import Partner

    partner = Partner.objects.filter(pk=partner_id).first()
    return partner is not None and partner_push_after_first_success(partner) is not None


@shared_task(
    bind=True, acks_late=True, autoretry_for=(ConnectorError,), retry_backoff=60, retry_backoff_max=3600,
    retry_jitter=True, max_retries=10,
)  # fmt: skip
def push_partner(self, push_id: int) -> str:
    return push_send(push_id)


@shared_task(acks_late=True)
def send_gdpr_notices(notice_ids: list[int]) -> int:
    """One task per imported page queues one send per GDPR notice the page recorded, so the import does
    not wait for thousands of queue writes. A lost task loses nothing: the notices are recorded as
    queued and the outbox sweep (contacts.tasks.resend_stuck_gdpr_notices) sends them."""
    from contacts.tasks import send_gdpr_notice

    for notice_id in notice_ids:
        send_gdpr_notice.delay(notice_id)
    return len(notice_ids)


@shared_task(acks_late=True)
def check_partner_approvals() -> dict:
    return approvals_check()
