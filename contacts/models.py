"""Contact persons of partners, their types, and the GDPR notices sent to them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import SHA256, Coalesce, Lower, NullIf, Trim
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from core.choices import ChoiceLabels
from core.templating import check_templates_compile
from partners.models import Partner


class Cardinality(models.TextChoices):
    ONE = "one", _("One per partner")
    MANY = "many", _("Many per partner")


class ContactType(models.Model):
    """Admin-defined: financial, technical, decision maker..."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_hu = models.CharField(_("name (Hungarian)"), max_length=100, blank=True)
    name_bg = models.CharField(_("name (Bulgarian)"), max_length=100, blank=True)
    cardinality = models.CharField(
        _("how many per partner"), max_length=4, choices=Cardinality.choices, default=Cardinality.MANY
    )

    class Meta:
        verbose_name = _("contact type")
        verbose_name_plural = _("contact types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (translation.get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en

    @property
    def is_exclusive(self) -> bool:
        return self.cardinality == Cardinality.ONE


class EmailHash(SHA256):
    """The SQL twin of ``contacts.services.email_hash`` (sha256 of the trimmed, lower-cased address).

    PostgreSQL's built-in ``sha256()`` is used, so no pgcrypto extension is needed (Django's own
    ``SHA256`` asks for pgcrypto's ``DIGEST``); SQLite gets Django's Python function.
    """

    def __init__(self, expression, **extra):
        super().__init__(Lower(Trim(expression)), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return Func.as_sql(
            self,
            compiler,
            connection,
            template="ENCODE(SHA256(CONVERT_TO(%(expressions)s, 'UTF8')), 'hex')",
            **extra_context,
        )


# The contacts list shows and filters the notice status in four groups.
GDPR_GROUPS = {
    "sent": ("sent",),
    "queued": ("queued", "sending"),
    "failed": ("failed", "gave_up"),
}
GROUP_OF_STATUS = {status: group for group, statuses in GDPR_GROUPS.items() for status in statuses}


def contact_name(last_name: str, first_name: str) -> str:
    """A contact's name as every page writes it: family name first (``str(contact)``, the list's rows)."""
    return " ".join(part for part in (last_name, first_name) if part)


def _type_name_expression(prefix: str = ""):
    """The type's name in the active language, falling back to English (as ``ContactType.name``)."""
    language = (translation.get_language() or "en")[:2]
    english = F(f"{prefix}name_en")
    if language not in ("hu", "bg"):
        return english
    return Coalesce(NullIf(F(f"{prefix}name_{language}"), Value("")), english)


# Up to this many visible people, a list reads the viewer's partner ids first (visible_to_listed).
LISTED_UP_TO = 12


class ContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, anonymised_at__isnull=True)

    def of_type(self, code: str):
        return self.filter(roles__type__code=code).distinct()

    def visible_to(self, viewer):
        """Contacts of the partners whose account in the active company the viewer sees."""
        from partners.models import Partner

        return self.filter(partner__in=Partner.objects.visible_to(viewer))

    def visible_to_listed(self, viewer):
        """The same rows as ``visible_to``, shaped for a list that sorts and stops after a page.

        A viewer of a few people sees the partners of their own and their people's accounts and
        shares: an OR that PostgreSQL cannot estimate (it guessed 16,668 partners for a sales user with
        351, then walked 30,000 contacts in name order). Their partner ids are read first (one query,
        hundreds of ids) and given as a list, which the planner counts exactly and reads contact by
        contact. A viewer of many people keeps the subquery: walking the name index finds a page soon.
        """
        if not viewer.has_access or viewer.sees_all or len(viewer.visible_user_ids) > LISTED_UP_TO:
            return self.visible_to(viewer)
        from partners.models import PartnerAccount

        partner_ids = PartnerAccount.objects.visible_to(viewer).values_list("partner_id", flat=True)
        return self.filter(partner_id__in=sorted(set(partner_ids)))

    def with_gdpr_status(self, company, *, alias: bool = False):
        """Annotate ``gdpr_status``: the status of the company's GDPR notice to the contact's address
        (or sent to the contact under an earlier address), None when there is none; a subquery
        answered per row from the (company, address hash) unique index. ``alias=True`` keeps it out
        of the SELECT (for filtering only: the list reads the page's statuses in one query instead,
        so its capped count does not run the subquery a thousand times).
        """
        notices = (
            GdprNotice.objects.filter(company_id=company.pk)
            .filter(Q(contact_id=OuterRef("pk")) | Q(email_hash=EmailHash(OuterRef("email"))))
            .order_by("-created_at")
            .values("status")[:1]
        )
        return (self.alias if alias else self.annotate)(gdpr_status=Subquery(notices))

    def with_type_sort(self):
        """Annotate ``type_sort``: the alphabetically first of the contact's type names (for sorting)."""
        first = (
            ContactRole.objects.filter(contact_id=OuterRef("pk"))
            .annotate(type_name=_type_name_expression("type__"))
            .order_by("type_name")
            .values("type_name")[:1]
        )
        return self.annotate(type_sort=Subquery(first))


class Contact(ChoiceLabels, models.Model):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("partner")
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    position = models.CharField(_("position"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    email_other = models.EmailField(_("other e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    mobile = models.CharField(_("mobile"), max_length=64, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, blank=True, choices=settings.LANGUAGES
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    erp_id = models.CharField(_("ERP id"), max_length=64, null=True, blank=True, unique=True)
    created_in = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by company"),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            # The contacts list in name order: walked until a page of visible contacts is found.
            models.Index(
                fields=["last_name", "first_name", "id"],
                name="contact_active_name",
                condition=Q(is_active=True, anonymised_at__isnull=True),
            ),
            # The list's capped count: the active contacts of the visible partners, in partner order
            # (an index-only merge with the accounts below; 15 ms to 1 ms for a director's count).
            models.Index(
                fields=["partner"],
                name="contact_active_partner",
                condition=Q(is_active=True, anonymised_at__isnull=True),
            ),
        ]
        permissions = [
            ("export_contact_data", _("Export everything held about a contact (GDPR access request)")),
            ("anonymise_contact", _("Anonymise a contact (GDPR erasure request)")),
        ]

    def __str__(self) -> str:
        return contact_name(self.last_name, self.first_name)

    @property
    def gdpr_group(self) -> str:
        """The notice status group, "sent", "queued", "failed" or "none", from the ``with_gdpr_status`` annotation."""
        return GROUP_OF_STATUS.get(getattr(self, "gdpr_status", None) or "", "none")


class ContactRole(models.Model):
    """A contact holds a type at its partner. One-per-partner types are unique in the database."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="roles", verbose_name=_("contact")
    )
    type = models.ForeignKey(
        ContactType, on_delete=models.PROTECT, related_name="roles", verbose_name=_("type")
    )
    # Copied from contact and type so the database can hold the one-per-partner rule.
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner")
    )
    exclusive = models.BooleanField(default=False, editable=False, verbose_name=_("one per partner"))

    class Meta:
        verbose_name = _("contact role")
        verbose_name_plural = _("contact roles")
        constraints = [
            models.UniqueConstraint(fields=["contact", "type"], name="contact_role_unique"),
            models.UniqueConstraint(
                fields=["partner", "type"], condition=Q(exclusive=True), name="contact_role_one_per_partner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact}: {self.type}"


class GdprNoticeTemplate(models.Model):
    """The GDPR notice text per language; a company's own template wins over the global one."""

    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="gdpr_templates",
        verbose_name=_("company"),
        help_text=_("Empty: the default for every company."),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Plain text. Blocks in the notice's language: {{ greeting }} (in the language's name order), "
            "{{ controller }} (name, seat, registration and tax number, privacy contact), {{ authority }} "
            "(the supervisory authority of the company's country), {{ source }} (where the data came "
            "from), {{ privacy_contact_line }} (where to write). Also: {{ contact_name }}, "
            "{{ company_name }}, {{ registered_seat }}, {{ registration_number }}, {{ tax_number }}, "
            "{{ privacy_contact }}, {{ privacy_email }}, {{ partner_name }}."
        ),
    )

    class Meta:
        verbose_name = _("GDPR notice template")
        verbose_name_plural = _("GDPR notice templates")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "language"], name="gdpr_template_per_company_language"
            ),
            models.UniqueConstraint(
                fields=["language"], condition=Q(company__isnull=True), name="gdpr_template_default_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company or _('default')} / {self.language}"

    def clean(self) -> None:
        check_templates_compile(self, "subject", "body")


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Failed")


class GdprNotice(ChoiceLabels, models.Model):
    """One GDPR notice per e-mail address and company, held by a unique constraint.

    The address is kept as a SHA-256 hash for the constraint, so anonymising a
    contact can erase `recipient` and still never notify the address twice.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="gdpr_notices")
    email_hash = models.CharField(max_length=64)
    recipient = models.EmailField(_("recipient"), blank=True)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="gdpr_notices"
    )
    language = models.CharField(_("language"), max_length=5)
    status = models.CharField(
        _("status"), max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # While "sending": the task that holds the send and until when (ops/outbox.py).
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("GDPR notice")
        verbose_name_plural = _("GDPR notices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["company", "email_hash"], name="gdpr_notice_once_per_address"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="gdpr_notice_status")]

    def __str__(self) -> str:
        return f"{self.recipient or self.email_hash[:12]} ({self.company})"
