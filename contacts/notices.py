"""Rendering the GDPR notice: the company's template, else the default one, else the built-in text."""

from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext as _

from contacts.models import GdprNotice, GdprNoticeTemplate


def builtin_template() -> tuple[str, str]:
    """The built-in text in the active language (translated through gettext)."""
    subject = _("How %(company)s handles your personal data") % {"company": "{{ company_name }}"}
    body = _(
        "Dear {{ contact_name }},\n\n"
        "{{ company_name }} ({{ company_address }}) has recorded your name and business contact details "
        "as a contact person of {{ partner_name }}.\n\n"
        "Controller: {{ company_name }}\n"
        "Purpose: keeping in touch with {{ partner_name }} about orders, offers, deliveries and invoices "
        "(legitimate interest, GDPR Article 6(1)(f)).\n"
        "Retention: while the business relationship lasts and for 5 years after it ends, "
        "or longer where the law requires.\n"
        "Your rights: you may ask for access to, correction or erasure of your data, restrict or object to "
        "its processing, and complain to the data protection authority. Write to {{ privacy_email }}.\n\n"
        "Kind regards,\n{{ company_name }}"
    )
    return subject, body


def render_notice(notice: GdprNotice) -> tuple[str, str]:
    template = (
        GdprNoticeTemplate.objects.filter(company=notice.company, language=notice.language).first()
        or GdprNoticeTemplate.objects.filter(company__isnull=True, language=notice.language).first()
    )
    with translation.override(notice.language):
        subject_text, body_text = (template.subject, template.body) if template else builtin_template()
        contact = notice.contact
        context = Context(
            {
                "contact_name": str(contact) if contact else "",
                "company_name": notice.company.name,
                "company_address": getattr(notice.company, "address", "")
                or notice.company.get_country_display(),
                "partner_name": contact.partner.name if contact else "",
                "privacy_email": getattr(settings, "PRIVACY_EMAIL", settings.DEFAULT_FROM_EMAIL),
            },
            autoescape=False,
        )
        return (
            Template(subject_text).render(context).strip().replace("\n", " "),
            Template(body_text).render(context),
        )


def notice_message_id(notice: GdprNotice) -> str:
    """A stable Message-ID (and idempotency key): a resend after a crash carries the same id."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "crm.local"
    return f"<gdpr-{notice.company_id}-{notice.pk}@{domain}>"
