"""The team app's own rows: each user's weekly digest preference, and the digests recorded and sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from companies.models import Company


class DigestPreference(models.Model):
    """Whether a user wants the weekly team digest, and in which language (every company of theirs).

    No row: they get it, in their company's language. Holds the team page's function too.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    weekly_digest = models.BooleanField(
        _("send me the weekly team digest"),
        default=True,
        help_text=_("Every Monday morning: last week's figures of the people you supervise, with links."),
    )
    language = models.CharField(
        _("language of the digest"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: the company's language."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("weekly digest preference")
        verbose_name_plural = _("weekly digest preferences")
        permissions = [
            ("view_team_activity", _("See the team page: activity figures of the people one supervises")),
        ]

    def __str__(self) -> str:
        return str(self.user)


class DigestStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")


class DigestDelivery(models.Model):
    """One weekly digest for one supervisor in one company for one week: recorded once (unique), so a
    second run, a late run or two beats never send it twice; sent through the outbox (ops/outbox.py)."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    week_start = models.DateField(_("week starting"))
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=DigestStatus.choices, default=DigestStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    lease_owner = models.CharField(_("claimed by"), max_length=64, blank=True)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user", "week_start"], name="team_digest_once_per_week"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="team_digest_status")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}: {self.week_start}"
