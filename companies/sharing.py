"""Sharing one record with a colleague: the writes, the rule for who may share, the form.

A share (`companies.models.Share`) lets one colleague see one record of the company as if its owner
reported to them: the visibility helper reads it. Three things make one:

1. a mention of a person or a department in a thread, communication or task (every person reached),
2. an assignment of a communication or task (the assignee keeps the link after a reassignment),
3. "Share with a colleague" on a partner or a thread, optionally until a day (holiday cover).

Automatic shares never shorten an existing one; a share by hand sets its end as chosen. Every grant
and revocation is written to the audit log with its actor.
"""

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Membership, Share, ShareReason, User
from companies.visibility import Viewer


def _shown_until(share: Share) -> str:
    return share.until.isoformat() if share.until else ""


def _audit(share: Share, *, action: int, actor: User | None, before: dict | None = None) -> None:
    """One audit entry about the share, by `actor` (explicit: shares are made in jobs and services too)."""
    after = {
        "user": str(share.user),
        "reason": share.reason,
        "until": _shown_until(share),
        "record": f"{share.content_type.app_label}.{share.content_type.model}:{share.object_id}",
    }
    if action == LogEntry.Action.DELETE:
        changes = {key: [value, None] for key, value in after.items()}
    elif before is None:
        changes = {key: [None, value] for key, value in after.items()}
    else:
        changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    LogEntry.objects.log_create(
        share,
        action=action,
        changes=changes,
        actor=actor,
        additional_data={"company_id": share.company_id},
        force_log=True,
    )


def _snapshot(share: Share) -> dict:
    return {"reason": share.reason, "until": _shown_until(share)}


def _member_ids(company_id: int, user_ids: Iterable[int]) -> set[int]:
    return set(
        Membership.objects.active()
        .filter(company_id=company_id, user_id__in=user_ids)
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def share_grant(
    *,
    obj: models.Model,
    user: User,
    actor: User | None,
    until: datetime | None = None,
    reason: str = ShareReason.MANUAL,
) -> Share:
    """Share `obj` (a record with a `company`) with `user`, an active member of its company.

    By hand, the end is set as chosen (a later or earlier day, or none); a mention or an assignment
    only ever lengthens a share (a holiday cover that ends Friday stays open once they are mentioned).
    """
    if not _member_ids(obj.company_id, [user.pk]):
        raise ValueError(f"{user} is not an active member of the record's company.")
    return _grant(obj, user, ContentType.objects.get_for_model(obj), actor=actor, until=until, reason=reason)


def _grant(
    obj: models.Model, user: User, content_type: ContentType, *, actor: User | None, until, reason: str
) -> Share:
    share = (
        Share.objects.select_for_update()
        .select_related("user", "content_type")
        .filter(content_type=content_type, object_id=obj.pk, user=user)
        .first()
    )
    if share is None:
        share = Share.objects.create(
            company_id=obj.company_id,
            content_type=content_type,
            object_id=obj.pk,
            user=user,
            granted_by=actor,
            reason=reason,
            until=until,
        )
        _audit(share, action=LogEntry.Action.CREATE, actor=actor)
        return share
    before = _snapshot(share)
    expired = share.until is not None and share.until <= timezone.now()
    lengthens = share.until is not None and (until is None or until > share.until)
    if reason == ShareReason.MANUAL or expired or lengthens:
        share.until = until
    if reason == ShareReason.MANUAL or expired:
        share.reason = reason
        share.granted_by = actor
    if _snapshot(share) != before:
        share.save(update_fields=["until", "reason", "granted_by"])
        _audit(share, action=LogEntry.Action.UPDATE, actor=actor, before=before)
    return share


@transaction.atomic
def share_grant_many(*, obj: models.Model, user_ids: Iterable[int], actor: User | None, reason: str) -> None:
    """The automatic shares of a mention or an assignment: every active member reached but the actor."""
    wanted = _member_ids(obj.company_id, set(user_ids) - {getattr(actor, "pk", None)})
    content_type = ContentType.objects.get_for_model(obj)
    for user in User.objects.filter(pk__in=wanted).order_by("pk"):
        _grant(obj, user, content_type, actor=actor, until=None, reason=reason)


@transaction.atomic
def share_revoke(*, share: Share, actor: User) -> None:
    _audit(share, action=LogEntry.Action.DELETE, actor=actor)
    share.delete()


def shares_of(obj: models.Model):
    """The shares of `obj` in force now, for the "Shared with" list."""
    return (
        Share.objects.of(obj)
        .active()
        .select_related("user", "granted_by")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def manager_field(model: type[models.Model]) -> str:
    """The user field naming who looks after a record: the first of its queryset's owner fields."""
    return model.objects.all().owner_fields[0]


def can_manage_shares(viewer: Viewer, obj: models.Model) -> bool:
    """The record's owner, their supervisors at any depth, and whoever sees the whole company."""
    if viewer.membership is None or obj.company_id != viewer.company.pk:
        return False
    if viewer.sees_all:
        return True
    owner_id = getattr(obj, f"{manager_field(type(obj))}_id")
    return owner_id is not None and owner_id in viewer.visible_user_ids


def end_of_day(day, company: Company) -> datetime:
    """The moment a share "until `day`" ends: midnight after that day in the company's time zone."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=company.zone)


class ShareForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Colleague"),
        queryset=User.objects.none(),
        error_messages={"invalid_choice": _("Choose a colleague from the list.")},
    )
    until = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day the colleague sees it, e.g. the end of a holiday. Empty: until revoked."),
    )

    def __init__(self, *args, viewer: Viewer, obj: models.Model, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = viewer.company
        owner_id = getattr(obj, f"{manager_field(type(obj))}_id")
        self.fields["user"].queryset = (
            User.objects.filter(
                memberships__company=viewer.company, memberships__is_active=True, is_active=True
            )
            .exclude(pk__in=[viewer.user.pk, owner_id or 0])
            .order_by("last_name", "first_name", "username")
        )
        self.today = timezone.localdate(timezone.now(), self.company.zone)
        self.fields["until"].widget.attrs["min"] = self.today.isoformat()  # the browser's date picker

    def clean_until(self):
        day = self.cleaned_data.get("until")
        if day is not None and day < self.today:
            raise forms.ValidationError(_("The last day cannot be in the past."))
        return day

    @property
    def until_moment(self) -> datetime | None:
        day = self.cleaned_data.get("until")
        return end_of_day(day, self.company) if day else None
