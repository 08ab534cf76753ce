"""Personal API tokens: named, stored hashed (SHA-256 of a 256-bit random secret), shown once."""

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company

TOKEN_PREFIX = "crm_"


def hash_token(raw: str) -> str:
    """A token is 32 random bytes, so one SHA-256 round is enough (no password stretching needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """(the token as shown once, the lookup prefix kept to recognise it in lists)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return raw, raw[: len(TOKEN_PREFIX) + 6]


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now: datetime | None = None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A user's key for the REST API, bound to one company (the API's active company)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True, editable=False)
    can_write = models.BooleanField(
        _("read and write"), default=False, help_text=_("Without it the token can only read.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["company", "-created_at"], name="apitoken_company_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def get_additional_data(self) -> dict:
        """The audit entry's company (as core.audit records it for the audited business models)."""
        return {"company_id": self.company_id}

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def state(self) -> str:
        if self.revoked_at:
            return str(_("revoked"))
        if self.is_expired:
            return str(_("expired"))
        return str(_("active"))
