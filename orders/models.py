"""Products and orders (customer, supply, production): filled by the ERP sync, or by hand until then."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from core.choices import ChoiceLabels
from partners.models import Partner, PartnerLinkedQuerySet


class Product(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    erp_id = models.CharField(_("ERP id"), max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("orders:product", args=[self.pk])


class OrderKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer order")
    SUPPLY = "supply", _("Supply order")
    PRODUCTION = "production", _("Production order")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class OrderQuerySet(PartnerLinkedQuerySet):
    """An order follows its partner's account: whoever sees the account sees its orders (an order
    without a partner, e.g. production, is visible to every member of the company)."""


class Order(ChoiceLabels, models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="orders", verbose_name=_("company")
    )
    number = models.CharField(_("number"), max_length=64)
    kind = models.CharField(_("kind"), max_length=12, choices=OrderKind.choices)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("partner"),
    )
    ordered_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="HUF")
    erp_id = models.CharField(_("ERP id"), max_length=64, null=True, blank=True, unique=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["company", "kind", "number"], name="order_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.pk])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return self.description or str(self.product)
