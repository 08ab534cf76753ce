"""The shared partner master and each company's private data about a partner.

`Partner` and its addresses are shared by every company of the group.
`PartnerAccount` holds one company's own view of a partner (owner, status,
tags); it is company-owned data and is read only through the visibility
helper.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from companies.visibility import CompanyOwnedQuerySet
from core.choices import ChoiceLabels


class PartnerSource(models.TextChoices):
    CRM = "crm", _("Made in the CRM")
    PENDING_ERP_APPROVAL = "pending_erp_approval", _("Waiting for ERP approval")
    ERP = "erp", _("Managed by the ERP")


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, viewer):
        """The shared partners whose account in the viewer's company the viewer sees."""
        return self.filter(pk__in=PartnerAccount.objects.visible_to(viewer).values("partner_id"))


class Partner(ChoiceLabels, models.Model):
    """A customer, supplier or distributor, shared by all companies."""

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=32, blank=True)
    registration_number = models.CharField(_("company registration number"), max_length=64, blank=True)
    is_customer = models.BooleanField(_("customer"), default=True)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    is_distributor = models.BooleanField(_("distributor"), default=False)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    main_activity = models.CharField(_("main activity"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(
        _("source of truth"), max_length=24, choices=PartnerSource.choices, default=PartnerSource.CRM
    )
    erp_id = models.CharField(_("ERP id"), max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_number"], condition=~Q(tax_number=""), name="partner_unique_tax_number"
            ),
        ]
        # The partner list's order: walked from the first name, each partner's account in the
        # company looked up by (company, partner), stopping after the page.
        indexes = [models.Index(fields=["name", "id"], name="partner_name")]
        permissions = [
            ("export_partners", _("Export partner lists (CSV)")),
            ("promote_counterparty", _("Promote a free-text counterparty to a partner")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:detail", args=[self.pk])

    @property
    def is_erp_managed(self) -> bool:
        return self.source == PartnerSource.ERP

    @property
    def types_display(self) -> str:
        labels = [
            str(label)
            for flag, label in (
                (self.is_customer, _("customer")),
                (self.is_supplier, _("supplier")),
                (self.is_distributor, _("distributor")),
            )
            if flag
        ]
        return ", ".join(labels)


class AddressKind(models.TextChoices):
    SEAT = "seat", _("Seat")
    BILLING = "billing", _("Billing")
    DELIVERY = "delivery", _("Delivery")
    SITE = "site", _("Site")


class PartnerAddress(ChoiceLabels, models.Model):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("partner")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AddressKind.choices)
    country = models.CharField(_("country"), max_length=2, default="HU")
    postal_code = models.CharField(_("postal code"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100)
    street = models.CharField(_("street address"), max_length=255, blank=True)
    erp_id = models.CharField(_("ERP id"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["partner", "kind", "pk"]
        indexes = [models.Index(fields=["city"], name="partner_address_city")]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.postal_code, self.city, self.street) if part)


class Tag(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="tags", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="tag_unique_per_company")]

    def __str__(self) -> str:
        return self.name


class AccountStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    LOST = "lost", _("Lost")


class PartnerAccountQuerySet(CompanyOwnedQuerySet):
    owner_fields = ("owner",)


class PartnerLinkedQuerySet(CompanyOwnedQuerySet):
    """Company records that hang off a partner account (orders, invoices, dunning letters, turnover,
    assets, owner history).

    They follow the account: a viewer sees a row when they see the row's partner account in the
    active company (owner, supervisor at any depth, a share), or every row of the company
    with `companies.view_all_company_data`. A row without a partner (a production order) is the
    company's own business and every member sees it.
    """

    def visible_to(self, viewer):
        if not viewer.has_access:
            return self.none()
        queryset = self.filter(company_id=viewer.company.pk)
        if viewer.sees_all:
            return queryset
        accounts = PartnerAccount.objects.visible_to(viewer).values("partner_id")
        return queryset.filter(Q(partner_id__in=accounts) | Q(partner__isnull=True))


class PartnerAccount(ChoiceLabels, models.Model):
    """One company's private data about a shared partner."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="partner_accounts", verbose_name=_("company")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="accounts", verbose_name=_("partner")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_accounts",
        verbose_name=_("responsible sales user"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AccountStatus.choices, default=AccountStatus.PROSPECT
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="accounts", verbose_name=_("tags"))
    notes = models.TextField(_("internal notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PartnerAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner account")
        verbose_name_plural = _("partner accounts")
        constraints = [
            models.UniqueConstraint(fields=["company", "partner"], name="partner_account_unique"),
        ]
        indexes = [
            models.Index(fields=["company", "owner"], name="partner_account_owner"),
            # A company's visible accounts in partner order, answered from the index alone (the visibility
            # rule reads the owner and the id): what the contacts list joins its contacts to, without
            # sorting every visible account first.
            models.Index(
                fields=["company", "partner"], include=["owner", "id"], name="partner_account_partner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.company})"

    def get_absolute_url(self) -> str:
        return reverse("partners:detail", args=[self.partner_id])


class Turnover(models.Model):
    """What a partner bought from (or sold to) one company in one period; ERP-filled or typed in."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="turnovers", verbose_name=_("company")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="turnovers", verbose_name=_("partner")
    )
    period = models.DateField(_("period (first day of the month)"))
    currency = models.CharField(_("currency"), max_length=3, default="HUF")
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    from_erp = models.BooleanField(_("from the ERP"), default=False)

    objects = PartnerLinkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("turnover")
        verbose_name_plural = _("turnover")
        ordering = ["-period", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "partner", "period", "currency"], name="turnover_unique_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.period:%Y-%m} {self.amount} {self.currency}"


class Asset(models.Model):
    """Equipment a company installed at a partner (asset list); ERP-filled or typed in."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="assets", verbose_name=_("company")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="assets", verbose_name=_("partner")
    )
    item = models.CharField(_("item"), max_length=255)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    site = models.ForeignKey(
        PartnerAddress,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assets",
        verbose_name=_("site"),
    )
    erp_id = models.CharField(_("ERP id"), max_length=64, null=True, blank=True, unique=True)

    objects = PartnerLinkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["item", "serial_number"]

    def __str__(self) -> str:
        return f"{self.item} {self.serial_number}".strip()


class OwnerChangeReason(models.TextChoices):
    MANUAL = "manual", _("Changed by a user")
    NO_NEXT_EVENT = "no_next_event", _("No next event planned for a month")
    ERP = "erp", _("Changed by the ERP")


class OwnerChange(models.Model):
    """The history of who owned a partner in a company, and why it changed."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="owner_changes", verbose_name=_("partner")
    )
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous owner"),
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new owner"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=OwnerChangeReason.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    changed_on = models.DateField(_("changed on"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = PartnerLinkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("owner change")
        verbose_name_plural = _("owner changes")
        ordering = ["-created_at"]
        constraints = [
            # The daily job takes a partner away at most once a day: running it twice changes nothing.
            models.UniqueConstraint(
                fields=["company", "partner", "changed_on"],
                condition=Q(reason="no_next_event"),
                name="owner_change_job_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.from_owner} -> {self.to_owner}"
