from datetime import timedelta
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey

from core.rows import person_name


class Country(models.TextChoices):
    HUNGARY = "HU", _("Hungary")
    BULGARIA = "BG", _("Bulgaria")


#: The time zone a company of each country lives in, unless its admin sets another.
COUNTRY_TIME_ZONES = {"HU": "Europe/Budapest", "BG": "Europe/Sofia"}


def validate_time_zone(value: str) -> None:
    if value and value not in available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Budapest."), params={"value": value}
        )


class Company(models.Model):
    """A legal entity of the customer's group; every business record belongs to one."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    language = models.CharField(
        _("default language"),
        max_length=5,
        choices=[("en", "English"), ("hu", "Magyar"), ("bg", "Български")],
        default="en",
    )
    currency = models.CharField(_("currency"), max_length=3, default="HUF")
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "Every day-based rule (meeting block, reminders, dunning, calendars) runs in this zone. "
            "Empty: the zone of the company's country (Europe/Budapest, Europe/Sofia)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    # The legal details that letters and privacy notices print (the data controller's identity).
    registered_seat = models.CharField(_("registered seat"), max_length=300, blank=True)
    registration_number = models.CharField(
        _("company registration number"),
        max_length=64,
        blank=True,
        help_text=_("Cégjegyzékszám in Hungary, UIC (ЕИК) in Bulgaria."),
    )
    tax_number = models.CharField(_("tax number"), max_length=32, blank=True)
    privacy_contact = models.CharField(
        _("privacy contact"),
        max_length=200,
        blank=True,
        help_text=_("Who answers data protection questions (name or role), printed on privacy notices."),
    )
    privacy_email = models.EmailField(
        _("privacy e-mail"),
        blank=True,
        help_text=_("Where people write about their personal data; not the address notices are sent from."),
    )
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(
        _("bank account"), max_length=64, blank=True, help_text=_("Account number or IBAN for payments.")
    )
    payment_contact_name = models.CharField(_("payment contact"), max_length=200, blank=True)
    payment_contact_phone = models.CharField(_("payment contact phone"), max_length=64, blank=True)
    payment_contact_email = models.EmailField(_("payment contact e-mail"), blank=True)
    collection_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collection owner"),
        help_text=_(
            "Receives the follow-up tasks of bounced dunning letters. Empty: the longest-standing active "
            "member who may manage receivables."
        ),
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        permissions = [
            ("view_all_company_data", _("See every record of the company, not only own and subordinates'")),
            ("manage_hierarchy", _("Manage supervisors and departments")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def time_zone_name(self) -> str:
        return self.time_zone or COUNTRY_TIME_ZONES.get(self.country) or settings.TIME_ZONE

    @property
    def zone(self) -> ZoneInfo:
        """The company's time zone: the admin's choice, else its country's."""
        return ZoneInfo(self.time_zone_name)


class User(AbstractUser):
    """A person who logs in. What they may do depends on their memberships."""

    companies = models.ManyToManyField(
        Company, through="Membership", related_name="users", verbose_name=_("companies")
    )
    email_notifications = models.BooleanField(
        _("e-mail me mentions and assignments"),
        default=False,
        help_text=_("Besides the bell in the app, also send an e-mail when someone mentions or assigns you."),
    )
    # What the user last picked on each list, by list name: {"tasks": {"per_page": 100}}
    # (companies/preferences.py reads and writes it; anything else in it is ignored).
    list_preferences = models.JSONField(_("list preferences"), default=dict, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return person_name(self.first_name, self.last_name, self.username)  # as the list rows write it


class Department(MPTTModel):
    """A node of a company's strict department tree."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="departments", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=200)
    parent = TreeForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent department"),
    )

    class MPTTMeta:
        order_insertion_by = ["name"]

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "parent", "name"], name="department_unique_name_per_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.company_id != self.company_id:
            raise ValidationError({"parent": _("The parent department belongs to another company.")})


class OrganisationQuerySet(models.QuerySet):
    """The organisation (people, supervisor relations): open to every member of the company."""

    def visible_to(self, viewer):
        """The company's rows for a member of it (or a job); nothing for anyone else."""
        if not viewer.has_access:
            return self.none()
        return self.filter(company_id=viewer.company.pk)


class MembershipQuerySet(OrganisationQuerySet):
    def active(self):
        return self.filter(is_active=True, company__is_active=True, user__is_active=True)


class Membership(models.Model):
    """A user's place in one company: their permission groups and department there."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("company")
    )
    groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="memberships",
        verbose_name=_("permission groups"),
        help_text=_("The user may do what any of these groups allows (the groups combine with OR)."),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("department"),
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="membership_unique_user_company"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"

    def clean(self) -> None:
        if self.department_id and self.department.company_id != self.company_id:
            raise ValidationError({"department": _("The department belongs to another company.")})


class SupervisorEdge(models.Model):
    """`supervisor` supervises `subordinate` inside `company`.

    The edges form a directed acyclic graph per company: a user may have
    several supervisors, and a supervisor sees everything below them at any
    depth. Cycles are refused by `companies.hierarchy.supervisor_edge_add`
    and by `clean()` (used by forms and the admin).
    """

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="supervisor_edges", verbose_name=_("company")
    )
    supervisor = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="subordinate_edges", verbose_name=_("supervisor")
    )
    subordinate = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="supervisor_edges", verbose_name=_("subordinate")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervisor relation")
        verbose_name_plural = _("supervisor relations")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "supervisor", "subordinate"], name="supervisor_edge_unique"
            ),
            models.CheckConstraint(
                condition=~Q(supervisor=models.F("subordinate")), name="supervisor_edge_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "supervisor"], name="supervisor_edge_down"),
            models.Index(fields=["company", "subordinate"], name="supervisor_edge_up"),
        ]

    def __str__(self) -> str:
        return _("%(supervisor)s supervises %(subordinate)s") % {
            "supervisor": self.supervisor,
            "subordinate": self.subordinate,
        }

    def clean(self) -> None:
        from companies.graph import would_create_cycle

        if not (self.company_id and self.supervisor_id and self.subordinate_id):
            return
        if self.supervisor_id == self.subordinate_id:
            raise ValidationError(_("Nobody can be their own supervisor."))
        members = set(
            Membership.objects.filter(
                company_id=self.company_id, user_id__in=[self.supervisor_id, self.subordinate_id]
            ).values_list("user_id", flat=True)
        )
        if members != {self.supervisor_id, self.subordinate_id}:
            raise ValidationError(_("Both people must be members of the company."))
        if would_create_cycle(
            company_id=self.company_id,
            supervisor_id=self.supervisor_id,
            subordinate_id=self.subordinate_id,
        ):
            raise ValidationError(
                _(
                    "%(supervisor)s cannot supervise %(subordinate)s: %(subordinate)s already "
                    "supervises %(supervisor)s, directly or through others, and the hierarchy "
                    "must not go round in a circle."
                )
                % {"supervisor": self.supervisor, "subordinate": self.subordinate}
            )


class CalendarDay(models.Model):
    """A company-specific exception to its country's working-day calendar."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="calendar_days", verbose_name=_("company")
    )
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(
        _("working day"),
        help_text=_(
            "Ticked: a working day although the country calendar says otherwise. Unticked: a day off."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("company calendar day")
        verbose_name_plural = _("company calendar days")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["company", "date"], name="calendar_day_unique")]

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date} {kind}"


class ShareReason(models.TextChoices):
    MANUAL = "manual", _("Shared by hand")
    MENTION = "mention", _("Mentioned")
    ASSIGNMENT = "assignment", _("Assigned")


class ShareQuerySet(models.QuerySet):
    def active(self, now=None):
        """Shares that count now: without an end, or ending later (expired ones stop without a job)."""
        return self.filter(Q(until__isnull=True) | Q(until__gt=now or timezone.now()))

    def of(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Share(models.Model):
    """One company record shared with one colleague, who then sees it like its owner's supervisor.

    Made by a mention or an assignment (so the notification's link opens) or by hand ("Share with a
    colleague", optionally until a moment for holiday cover). The visibility helper reads the
    active ones (`until` empty or later than now). See companies/sharing.py for the writes.
    """

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="shares", verbose_name=_("shared with")
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("shared by")
    )
    reason = models.CharField(_("reason"), max_length=12, choices=ShareReason.choices)
    until = models.DateTimeField(
        _("shared until"), null=True, blank=True, help_text=_("Empty: until revoked.")
    )
    created_at = models.DateTimeField(_("shared at"), auto_now_add=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "user"], name="share_unique_user"),
        ]
        # The visibility helper's subquery: this user's shares of one kind in one company.
        indexes = [
            models.Index(
                fields=["user", "company", "content_type"],
                include=["object_id", "until"],
                name="share_viewer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ← {self.content_type.model} {self.object_id}"

    @property
    def content_object(self):
        return self.content_type.get_object_for_this_type(pk=self.object_id)

    @property
    def last_day(self):
        """The last day the share counts, in the active time zone (`until` is the moment it ends)."""
        if self.until is None:
            return None
        return timezone.localtime(self.until - timedelta(microseconds=1)).date()


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, viewer) -> "SavedViewQuerySet":
        """The viewer's own views and the ones shared with their company, in the active company only."""
        if not viewer.has_access or viewer.user is None:
            return self.none()
        return self.filter(Q(owner=viewer.user) | Q(shared=True), company_id=viewer.company.pk)


class SavedView(models.Model):
    """A list's filters, sorting, columns and page size saved under a name (issue 18), for its owner or,
    shared, for every member of the company (each still sees only the rows they may see)."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("company")
    )
    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("owner")
    )
    list_name = models.CharField(_("list"), max_length=32)
    name = models.CharField(_("name"), max_length=80)
    # The list's query string without the page number: "status=new&sort=deadline&per_page=50".
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    shared = models.BooleanField(_("shared with the company"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "owner", "list_name", "name"], name="saved_view_unique_name"
            ),
        ]
        indexes = [models.Index(fields=["company", "list_name"], name="saved_view_list")]

    def __str__(self) -> str:
        return self.name
