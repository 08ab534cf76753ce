"""Events (calls, meetings, reminders, collection calls...), their types and follow-up chains."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from companies.visibility import CompanyOwnedQuerySet
from contacts.models import Contact
from core.choices import ChoiceLabels
from partners.models import Partner

# The range of years an event may be scheduled in: wide enough for any real use, narrow enough that
# time-zone conversion and calendar arithmetic (weeks, months, reminders) never leave Python's or the
# database's date range.
EARLIEST_EVENT_YEAR = 1900
LATEST_EVENT_YEAR = 2999
# The longest reminder lead time: four weeks (Google Calendar's limit as well).
MAX_REMINDER_MINUTES = 4 * 7 * 24 * 60


class EventKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    REMINDER = "reminder", _("Reminder")
    OTHER = "other", _("Other")


class EventType(models.Model):
    """Admin-defined: phone call, meeting, reminder, offer, collection call, promise to pay..."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_hu = models.CharField(_("name (Hungarian)"), max_length=100, blank=True)
    name_bg = models.CharField(_("name (Bulgarian)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    has_place = models.BooleanField(_("has a place"), default=False)
    has_duration = models.BooleanField(_("has a duration"), default=False)
    default_reminder_minutes = models.PositiveIntegerField(
        _("default reminder (minutes before)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_REMINDER_MINUTES)],
    )
    allowed_groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="event_types",
        verbose_name=_("usable by groups"),
        help_text=_("Empty: everyone. Otherwise only members of these permission groups may use this type."),
    )
    follow_up_types = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="follows_types",
        verbose_name=_("may be followed by"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("position in lists"), default=0)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, e.g. #2563eb."))],
        help_text=_("The colour of this type in the calendar, as #RRGGBB. Empty: a colour by kind."),
    )

    class Meta:
        verbose_name = _("event type")
        verbose_name_plural = _("event types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (translation.get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en


class Outcome(models.TextChoices):
    OPEN = "open", _("Open")
    SUCCESSFUL = "successful", _("Successful")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")


class EventQuerySet(CompanyOwnedQuerySet):
    owner_fields = ("owner",)
    participant_field = "participants"

    def open(self):
        return self.filter(outcome=Outcome.OPEN)

    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now())

    def involving(self, user):
        """The user's own events and those they take part in ("mine" in lists, calendar, home page)."""
        through = self.model.participants.through
        taking_part = through.objects.filter(event=OuterRef("pk"), user_id=user.pk)
        return self.filter(Q(owner_id=user.pk) | Exists(taking_part))


class Event(ChoiceLabels, models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="events", verbose_name=_("company")
    )
    type = models.ForeignKey(
        EventType, on_delete=models.PROTECT, related_name="events", verbose_name=_("type")
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("partner"),
    )
    contacts = models.ManyToManyField(Contact, blank=True, related_name="events", verbose_name=_("contacts"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_events",
        verbose_name=_("owner"),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="participating_events",
        verbose_name=_("participants"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follows"),
    )
    reminder_minutes = models.PositiveIntegerField(
        _("reminder (minutes before)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_REMINDER_MINUTES)],
    )
    thread = models.ForeignKey(
        "communications.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("thread"),
    )
    promised_payment_on = models.DateField(_("promised payment date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["company", "owner", "starts_at"], name="event_owner_start"),
            models.Index(fields=["company", "partner", "starts_at"], name="event_partner_start"),
            models.Index(fields=["outcome", "ends_at"], name="event_open_end"),
            # The reminder job scans a time window of open events that have a reminder.
            models.Index(
                fields=["starts_at"],
                condition=Q(reminder_minutes__isnull=False, outcome="open"),
                name="event_reminder_window",
            ),
            # The finance home's promises to pay by promised day (few events carry one).
            models.Index(
                fields=["company", "promised_payment_on"],
                condition=Q(promised_payment_on__isnull=False),
                name="event_promised_payment",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            ),
        ]
        permissions = [
            ("close_subordinate_event", _("Close a subordinate's meeting or event")),
            ("configure_event_types", _("Configure event types and follow-up chains")),
        ]

    def __str__(self) -> str:
        return f"{self.type} · {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.OPEN

    @property
    def effective_end(self):
        return self.ends_at or self.starts_at

    @property
    def reminder_at(self):
        if self.reminder_minutes is None:
            return None
        return self.starts_at - timezone.timedelta(minutes=self.reminder_minutes)


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SHOWN = "shown", _("Shown")
    DISMISSED = "dismissed", _("Dismissed")


class ReminderDelivery(models.Model):
    """One reminder for one person for one reminder time: created once, by a unique constraint."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    due_at = models.DateTimeField(_("due at"))
    created_at = models.DateTimeField(auto_now_add=True)
    late = models.BooleanField(_("late"), default=False)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    snoozed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["event", "user", "due_at"], name="reminder_once_per_person"),
        ]
        indexes = [models.Index(fields=["user", "status"], name="reminder_user_status")]

    def __str__(self) -> str:
        return f"{self.event} → {self.user} @ {self.due_at:%Y-%m-%d %H:%M}"


class PartnerWatch(models.Model):
    """A partner of a sales user with no future event, since `listed_on` (next-event discipline)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    listed_on = models.DateField(_("listed on"))

    class Meta:
        verbose_name = _("partner without a next event")
        verbose_name_plural = _("partners without a next event")
        constraints = [
            models.UniqueConstraint(fields=["company", "partner", "owner"], name="partner_watch_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.owner}, {self.listed_on})"


class GoogleConnectionStatus(models.TextChoices):
    ACTIVE = "active", _("Connected")
    FAILING = "failing", _("Failing")
    REVOKED = "revoked", _("Disconnected")


class GoogleCalendarConnection(models.Model):
    """A user's link to their Google calendar; OAuth tokens are stored encrypted (Fernet)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="google_calendar"
    )
    google_email = models.EmailField(_("Google account"), blank=True)
    calendar_id = models.CharField(_("calendar"), max_length=255, default="primary")
    encrypted_credentials = models.BinaryField(editable=False)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=GoogleConnectionStatus.choices,
        default=GoogleConnectionStatus.ACTIVE,
    )
    last_error = models.TextField(_("last error"), blank=True)
    connected_at = models.DateTimeField(_("connected at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Google Calendar connection")
        verbose_name_plural = _("Google Calendar connections")

    def __str__(self) -> str:
        return f"{self.user} → {self.google_email or self.calendar_id}"


class GoogleEventLink(models.Model):
    """Which Google event mirrors which CRM event in whose calendar."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="google_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    google_event_id = models.CharField(max_length=1024)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="google_event_link_unique")]

    def __str__(self) -> str:
        return f"{self.event} → {self.google_event_id}"


class CalendarFeedToken(models.Model):
    """The secret in a user's iCalendar subscription URL; revoking it kills the URL."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"
