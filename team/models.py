"""The team app's own rows: who does not want the weekly digest, and which digests went out."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from companies.models import Company


class DigestOptOut(models.Model):
    """A user who does not want the weekly team digest (in any company). Holds the page's function too."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("opted out at"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly digest opt-out")
        verbose_name_plural = _("weekly digest opt-outs")
        permissions = [
            ("view_team_activity", _("See the team page: activity figures of the people one supervises")),
        ]

    def __str__(self) -> str:
        return str(self.user)


class DigestDelivery(models.Model):
    """One weekly digest for one supervisor in one company for one week: created once (unique), so a
    second run, a late run or two beats never send it twice."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    week_start = models.DateField(_("week starting"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user", "week_start"], name="team_digest_once_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}: {self.week_start}"
