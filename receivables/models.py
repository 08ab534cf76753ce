"""Open invoices, the dunning policy per company, and the letters sent with their delivery timeline."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from core.choices import ChoiceLabels
from core.templating import check_templates_compile
from partners.models import Partner, PartnerLinkedQuerySet


class CompanyWideQuerySet(PartnerLinkedQuerySet):
    """Invoices and letters follow the partner's account: finance (who see all company data) see the
    company's; anyone else who may view receivables sees those of the partners they see."""


class Invoice(models.Model):
    """An invoice with an amount still open (from the ERP import, or typed in until it lands)."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="invoices", verbose_name=_("company")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("partner")
    )
    number = models.CharField(_("number"), max_length=64)
    issued_on = models.DateField(_("issue date"))
    due_on = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    open_amount = models.DecimalField(_("amount still open"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="HUF")
    erp_id = models.CharField(_("ERP id"), max_length=64, null=True, blank=True, unique=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["due_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="invoice_unique_number"),
            models.CheckConstraint(condition=Q(open_amount__gte=0), name="invoice_open_not_negative"),
        ]
        indexes = [
            models.Index(
                fields=["company", "partner", "due_on"],
                condition=Q(open_amount__gt=0),
                name="invoice_open_due",
            ),
            # The finance home's ageing, trend and "no financial contact" sums, read from the index
            # alone in (partner, currency) order: no heap, no hash of every partner.
            models.Index(
                fields=["company", "partner", "currency", "due_on"],
                include=["open_amount"],
                condition=Q(open_amount__gt=0),
                name="invoice_open_sums",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_paid(self) -> bool:
        return self.open_amount <= 0


class DunningPolicy(models.Model):
    """When letters go out, per company. Working days follow the company's calendar."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="dunning_policy", verbose_name=_("company")
    )
    first_letter_after = models.PositiveSmallIntegerField(
        _("first letter after (working days past due)"), default=1
    )
    repeat_every = models.PositiveSmallIntegerField(_("repeat every (working days)"), default=3)
    second_level_after_weeks = models.PositiveSmallIntegerField(
        _("escalate to the second letter after (weeks from the first letter)"), default=4
    )
    third_level_after_weeks = models.PositiveSmallIntegerField(
        _("escalate to the third letter after (weeks from the first letter)"),
        null=True,
        blank=True,
        help_text=_("Empty: no third letter."),
    )
    payment_within = models.PositiveSmallIntegerField(
        _("payment deadline (working days after the letter)"),
        default=8,
        help_text=_("The letter asks for payment by this many working days after its date."),
    )
    is_active = models.BooleanField(_("send letters"), default=True)

    class Meta:
        verbose_name = _("dunning policy")
        verbose_name_plural = _("dunning policies")

    def __str__(self) -> str:
        return str(self.company)

    def threshold(self, currency: str) -> Decimal:
        row = self.thresholds.filter(currency=currency).first()
        if row is not None:
            return row.minimum
        return Decimal("1000") if currency == "HUF" else Decimal("0")


class DunningThreshold(models.Model):
    """The minimum total overdue amount, per currency, below which no letter goes out."""

    policy = models.ForeignKey(
        DunningPolicy, on_delete=models.CASCADE, related_name="thresholds", verbose_name=_("policy")
    )
    currency = models.CharField(_("currency"), max_length=3)
    minimum = models.DecimalField(_("minimum overdue total"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        constraints = [
            models.UniqueConstraint(fields=["policy", "currency"], name="dunning_threshold_unique")
        ]

    def __str__(self) -> str:
        return f"{self.minimum} {self.currency}"


class LetterTemplate(models.Model):
    """Subject and body of a letter level in one language; a company's own template wins."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("company")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=[(1, "1"), (2, "2"), (3, "3")])
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Plain-text Django template. Ready-made blocks in the letter's language: {{ invoice_table }} "
            "(labelled columns and the total per currency), {{ payment_details }} (deadline, bank account, "
            "reference, contact), {{ signature }}. Also: {{ letter_date }}, {{ deadline }}, {{ total_text }}, "
            "{{ partner.name }}, {{ company.name }}, {{ level }}, and invoices (number, issued, due, "
            "days_overdue, amount)."
        ),
    )

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(fields=["company", "level", "language"], name="letter_template_unique"),
            models.UniqueConstraint(
                fields=["level", "language"],
                condition=Q(company__isnull=True),
                name="letter_template_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company or _('default')} · {self.level} · {self.language}"

    def clean(self) -> None:
        check_templates_compile(self, "subject", "body")


class LetterStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    OPENED = "opened", _("Opened")
    BOUNCED = "bounced", _("Bounced")
    FAILED = "failed", _("Failed")


class DunningLetter(ChoiceLabels, models.Model):
    """One letter to one partner for one due slot: the unique constraint makes it exactly once."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="dunning_letters", verbose_name=_("company")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="dunning_letters", verbose_name=_("partner")
    )
    slot = models.DateField(_("due slot"))
    level = models.PositiveSmallIntegerField(_("level"))
    sequence_started_on = models.DateField(_("first letter of the sequence"))
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    totals = models.JSONField(_("totals per currency"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.QUEUED
    )
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    # While "sending": the attempt holding the letter (its task id) and until when (ops/outbox.py).
    lease_owner = models.CharField(max_length=64, blank=True, verbose_name=_("claimed by"))
    lease_until = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed until"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("dunning letter")
        verbose_name_plural = _("dunning letters")
        ordering = ["-slot", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "partner", "slot"], name="dunning_letter_once_per_slot"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "partner", "slot"], name="dunning_letter_partner"),
            models.Index(fields=["status"], name="dunning_letter_status"),
        ]
        permissions = [
            ("view_receivables", _("View receivables and the collection desk")),
            ("run_dunning", _("Preview and run dunning")),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.slot} · {self.level}"

    def get_absolute_url(self) -> str:
        return reverse("receivables:letter", args=[self.pk])


class DunningLetterInvoice(models.Model):
    letter = models.ForeignKey(DunningLetter, on_delete=models.CASCADE, related_name="lines")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    open_amount = models.DecimalField(max_digits=16, decimal_places=2)
    days_overdue = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["letter", "invoice"], name="dunning_line_unique")]

    def __str__(self) -> str:
        return f"{self.letter_id}: {self.invoice_id}"


class LetterEvent(models.Model):
    """The delivery timeline of a letter; ESP events are stored once (by their event id)."""

    letter = models.ForeignKey(DunningLetter, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=LetterStatus.choices)
    at = models.DateTimeField()
    event_id = models.CharField(max_length=255, blank=True)
    recipient = models.EmailField(blank=True)
    description = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "event_id"], condition=~Q(event_id=""), name="letter_event_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} {self.status} {self.at}"
