"""Writes on contacts: create (from a form, an import or the ERP sync), edit, anonymise, and the GDPR notice."""

import hashlib

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company
from contacts.models import Contact, ContactRole, ContactType, GdprNotice, NoticeStatus
from contacts.notices import notice_message_id, render_notice
from core.audit import erase_contact_from_log
from ops.outbox import Outbox, Unsendable, queue_after_commit
from partners.models import Partner

# The task that sends one notice, by name (it imports this module, not the other way round).
SEND_NOTICE_TASK = "contacts.tasks.send_gdpr_notice"
MAX_ATTEMPTS = 6


class ContactRuleError(Exception):
    """A one-per-partner contact type is already taken."""

    def __init__(self, contact_type: ContactType, holder: Contact):
        self.contact_type = contact_type
        self.holder = holder
        super().__init__(
            _("%(partner)s already has a %(type)s contact: %(holder)s. Only one is allowed per partner.")
            % {"partner": holder.partner, "type": contact_type.name, "holder": holder}
        )


def financial_contacts(partner: Partner) -> QuerySet[Contact]:
    """The financial contact(s) of a partner: the one function later processes ask."""
    return contacts_of_type(partner, "financial")


def contacts_of_type(partner: Partner, code: str) -> QuerySet[Contact]:
    return Contact.objects.active().filter(partner=partner, roles__type__code=code).distinct()


def exclusive_holder(partner: Partner, contact_type: ContactType, *, exclude: Contact | None = None):
    """Who already holds a one-per-partner type at this partner, if anyone."""
    if not contact_type.is_exclusive:
        return None
    roles = ContactRole.objects.filter(partner=partner, type=contact_type).select_related("contact")
    if exclude is not None and exclude.pk:
        roles = roles.exclude(contact=exclude)
    role = roles.first()
    return role.contact if role else None


def _set_roles(contact: Contact, types: list[ContactType]) -> None:
    """Replace the contact's roles; the database refuses a second holder of a one-per-partner type."""
    ContactRole.objects.filter(contact=contact).exclude(type__in=types).delete()
    existing = set(ContactRole.objects.filter(contact=contact).values_list("type_id", flat=True))
    for contact_type in types:
        if contact_type.pk in existing:
            continue
        holder = exclusive_holder(contact.partner, contact_type, exclude=contact)
        if holder:
            raise ContactRuleError(contact_type, holder)
        try:
            with transaction.atomic():
                ContactRole.objects.create(
                    contact=contact,
                    type=contact_type,
                    partner=contact.partner,
                    exclusive=contact_type.is_exclusive,
                )
        except IntegrityError:
            # Lost a race with a concurrent save: report who won.
            holder = exclusive_holder(contact.partner, contact_type, exclude=contact)
            raise ContactRuleError(contact_type, holder or contact) from None


@transaction.atomic
def contact_create(
    *, partner: Partner, company: Company | None, types: list[ContactType] = (), **fields
) -> Contact:
    """Create a contact with its types, and queue the GDPR notice once its e-mail is stored.

    Used by the contact form, imports and the ERP sync alike, so the notice goes out whichever way
    the contact arrives.
    """
    contact = Contact.objects.create(partner=partner, created_in=company, **fields)
    _set_roles(contact, list(types))
    if company is not None:
        gdpr_notice_queue(contact=contact, company=company)
    return contact


@transaction.atomic
def contact_update(
    *, contact: Contact, company: Company | None, types: list[ContactType], **fields
) -> Contact:
    """Save edits; an e-mail address added later also gets its notice (once)."""
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.save()
    _set_roles(contact, list(types))
    if company is not None:
        gdpr_notice_queue(contact=contact, company=company)
    return contact


def email_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def gdpr_notice_queue(*, contact: Contact, company: Company) -> GdprNotice | None:
    """Record the notice for the contact's address in `company` and send it after commit.

    The unique constraint (company, address hash) makes this exactly once: a second contact
    with the same address, a re-import or a concurrent save finds the existing row.
    """
    if not contact.email or contact.anonymised_at:
        return None
    digest = email_hash(contact.email)
    language = contact.preferred_language or company.language or "en"
    try:
        with transaction.atomic():
            notice = GdprNotice.objects.create(
                company=company,
                email_hash=digest,
                recipient=contact.email.strip(),
                contact=contact,
                language=language,
            )
    except IntegrityError:
        return None
    queue_after_commit(SEND_NOTICE_TASK, notice.pk)
    return notice


def _notice_message(notice: GdprNotice) -> EmailMessage:
    if not notice.recipient:  # the contact was anonymised before the notice went out
        raise Unsendable("no address")
    subject, body = render_notice(notice)
    return EmailMessage(subject=subject, body=body, to=[notice.recipient])


NOTICE_OUTBOX = Outbox(
    model=GdprNotice,
    max_attempts=MAX_ATTEMPTS,
    gave_up=NoticeStatus.GAVE_UP,
    build=_notice_message,
    message_id=notice_message_id,
    select_related=("company", "contact__partner"),
    label="GDPR notice",
)


def gdpr_notice_send(*, notice_id: int, attempt_owner: str, actor) -> str:
    """Send one recorded GDPR notice exactly once, through the outbox (`ops.outbox.Outbox.send`).

    `attempt_owner` is the sending task's id (the lease's owner); `actor` who sends (jobs: the system
    user). Returns what happened ("sent", "nothing to do", "no address", "gave up", "taken over");
    raises `ops.outbox.SendFailed` when the send failed and should be retried.
    """
    return NOTICE_OUTBOX.send(notice_id, attempt_owner=attempt_owner, actor=actor)


@transaction.atomic
def contact_anonymise(*, contact: Contact) -> Contact:
    """GDPR erasure: personal data goes, the history (events, roles' partner) stays.

    GDPR notices keep only the address hash, which stops the address being notified again.
    """
    contact.first_name = ""
    contact.last_name = _("Anonymised contact")
    for field in ("position", "email", "email_other", "phone", "mobile", "notes"):
        setattr(contact, field, "")
    contact.is_active = False
    contact.anonymised_at = timezone.now()
    contact.save()
    ContactRole.objects.filter(contact=contact).delete()
    GdprNotice.objects.filter(contact=contact).update(recipient="")
    # The audit log keeps that the fields changed, not the personal values they had.
    erase_contact_from_log(contact)
    return contact


def contact_export(contact: Contact) -> dict:
    """Everything the CRM holds about a contact (GDPR access request)."""
    return {
        "contact": {
            "id": contact.pk,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "position": contact.position,
            "email": contact.email,
            "email_other": contact.email_other,
            "phone": contact.phone,
            "mobile": contact.mobile,
            "preferred_language": contact.preferred_language,
            "notes": contact.notes,
            "active": contact.is_active,
            "created_at": contact.created_at.isoformat(),
            "anonymised_at": contact.anonymised_at.isoformat() if contact.anonymised_at else None,
        },
        "partner": {"id": contact.partner_id, "name": contact.partner.name},
        "types": [role.type.code for role in contact.roles.select_related("type")],
        "gdpr_notices": [
            {
                "company": notice.company.name,
                "recipient": notice.recipient,
                "status": notice.status,
                "sent_at": notice.sent_at.isoformat() if notice.sent_at else None,
            }
            for notice in contact.gdpr_notices.select_related("company")
        ],
    }
