"""Threads, communications, tasks, their attachments, mentions and the notifications they cause."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from companies.visibility import CompanyOwnedQuerySet
from contacts.models import Contact
from core.choices import ChoiceLabels
from orders.models import Order
from partners.models import Partner


class NumberSequence(models.Model):
    """The last number given per company and series (e.g. "IN-2026"); locked while a number is taken."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=20)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "series"], name="number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.series}: {self.last_value}"


class Counterparty(ChoiceLabels, models.Model):
    """Abstract: the other side, picked from the partner master or typed as free text."""

    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counterparty"),
    )
    counterparty_text = models.CharField(
        _("counterparty (free text)"),
        max_length=255,
        blank=True,
        help_text=_("When the counterparty is not in the partner master yet."),
    )

    class Meta:
        abstract = True

    @property
    def counterparty_display(self) -> str:
        return self.partner.name if self.partner_id else self.counterparty_text


class ThreadQuerySet(CompanyOwnedQuerySet):
    """A thread is visible to whoever sees its owner, or any of its communications or tasks."""

    owner_fields = ("owner",)

    def extra_visibility(self, viewer, ids) -> Q:
        people = Q(author_id__any_of=ids) | Q(assignee_id__any_of=ids)
        return Exists(Communication.objects.filter(people, thread=OuterRef("pk"))) | Exists(
            Task.objects.filter(people, thread=OuterRef("pk"))
        )


class Thread(Counterparty):
    """One conversation with one counterparty on one topic."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="threads", verbose_name=_("company")
    )
    subject = models.CharField(_("subject"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads", verbose_name=_("owner")
    )
    orders = models.ManyToManyField(
        Order, blank=True, related_name="threads", verbose_name=_("linked orders")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["company", "partner"], name="thread_partner")]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("communications:thread", args=[self.pk])


class Direction(models.TextChoices):
    INCOMING = "in", _("Incoming")
    OUTGOING = "out", _("Outgoing")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    MEETING = "meeting", _("Meeting")


class ThreadItemQuerySet(CompanyOwnedQuerySet):
    """Communications and tasks: their author's and assignee's, and readable by whoever sees their thread."""

    owner_fields = ("author", "assignee")

    def readable_by(self, viewer):
        """What the viewer may open: the items they see, and every item of a thread they see (its
        timeline lists them all, as it offers all its attachments). Editing needs `visible_to`."""
        if viewer.membership is None:
            return self.none()
        return self.filter(
            Q(pk__in=self.model.objects.visible_to(viewer).values("pk"))
            | Q(company_id=viewer.company.pk, thread__in=Thread.objects.visible_to(viewer))
        )

    def open(self):
        """Not yet finished: a task not done, a communication not closed."""
        return self.exclude(status=self.model.FINISHED)


class ThreadItem(Counterparty):
    """Abstract: what a communication and a task share, one table each (the same columns as before).

    A number of its series, the counterparty, a description with mentions, an author and an assignee
    (both see it), attachments (``Attachment.<kind>``) and a status whose choices each kind declares.
    Written through one service path (``communications.services.thread_item_create/update``), listed
    by one row template (``_item_rows.html``) and exported through ``core.export``.
    """

    FINISHED: str  # the status that ends the item's work (each kind's own)

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="%(class)ss", verbose_name=_("company")
    )
    number = models.CharField(_("number"), max_length=20)
    thread = models.ForeignKey(
        Thread, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("thread")
    )
    subject = models.CharField(_("subject"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_%(class)ss",
        verbose_name=_("assignee"),
        help_text=_("The colleague who must react. They are notified."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ThreadItemQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="%(class)s_unique_number")]
        indexes = [
            models.Index(fields=["company", "created_at"], name="%(class)s_created"),
            models.Index(fields=["thread", "created_at"], name="%(class)s_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse(f"communications:{self._meta.model_name}", args=[self.pk])

    @property
    def kind(self) -> str:
        """ "communication" or "task": the row template's and the attachment's name for it."""
        return self._meta.model_name

    def number_prefix(self) -> str:
        """The series of its number (IN, OUT, T), before the year."""
        raise NotImplementedError

    def status_settle(self) -> None:
        """Fields that follow the status and the assignee, set before each save (none by default)."""


class CommunicationStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Communication(ThreadItem):
    FINISHED = CommunicationStatus.CLOSED

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CommunicationStatus.choices, default=CommunicationStatus.NEW
    )

    class Meta(ThreadItem.Meta):
        verbose_name = _("communication")
        verbose_name_plural = _("communications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            *ThreadItem.Meta.indexes,
            # The list filtered by channel and direction, newest first: a range scan in the list's order;
            # with the owners included, the capped count is read from the index alone (issue 9).
            models.Index(
                fields=["company", "channel", "direction", "created_at", "id"],
                include=["author", "assignee"],
                name="communication_list",
            ),
            models.Index(fields=["company", "author", "created_at"], name="communication_author"),
            models.Index(fields=["company", "assignee", "created_at"], name="communication_assignee"),
        ]

    def number_prefix(self) -> str:
        """IN or OUT; a direction that is neither fails here, before anything is saved."""
        return {Direction.INCOMING: "IN", Direction.OUTGOING: "OUT"}[self.direction]


class TaskStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Task(ThreadItem):
    FINISHED = TaskStatus.DONE

    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NEW)
    source_communication = models.ForeignKey(
        Communication,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("made from communication"),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta(ThreadItem.Meta):
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "-pk"]
        indexes = [
            *ThreadItem.Meta.indexes,
            models.Index(fields=["company", "assignee", "status", "deadline"], name="task_assignee_status"),
            # The task list's order (deadline, empty last, then newest first) for a whole company and
            # per person: the list's parts read the page's rows and stop (companies.visibility.VisibleRows).
            models.Index(fields=["company", "deadline", "-id"], name="task_deadline"),
            models.Index(fields=["company", "author", "deadline", "-id"], name="task_author_deadline"),
            models.Index(fields=["company", "assignee", "deadline", "-id"], name="task_assignee_deadline"),
        ]

    def number_prefix(self) -> str:
        return "T"

    def status_settle(self) -> None:
        """A new task given to someone is assigned; a done task records when, and forgets it if reopened."""
        if self._state.adding and self.assignee_id and self.status == TaskStatus.NEW:
            self.status = TaskStatus.ASSIGNED
        if self.status == TaskStatus.DONE and self.completed_at is None:
            self.completed_at = timezone.now()
        elif self.status != TaskStatus.DONE:
            self.completed_at = None

    @property
    def is_overdue(self) -> bool:
        return self.status != TaskStatus.DONE and self.deadline is not None and self.deadline < timezone.now()


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A random name under the company's folder: never the user's file name, never guessable."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{instance.company_id}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("thread")
    )
    communication = models.ForeignKey(
        Communication,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("communication"),
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("task"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(max_length=100, blank=True, verbose_name=_("content type"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(communication__isnull=False) | Q(task__isnull=False), name="attachment_has_item"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("communications:attachment", args=[self.pk])


class Mention(models.Model):
    """Where an object was mentioned: the source text's object and the mentioned object."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "target_type", "target_id"], name="mention_unique"
            ),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="mention_target")]

    def __str__(self) -> str:
        return f"{self.source_type.model}:{self.source_id} → {self.target_type.model}:{self.target_id}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a user should know about now: a mention, an assignment, a reminder..."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(max_length=20)
    # The message untranslated (a msgid with %(name)s placeholders) and its values: shown in the
    # language of whoever reads it. `text` is the same rendered when it was made (older rows, e-mail).
    message = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.display_text

    @staticmethod
    def render(message: str, params: dict) -> str:
        """A message marked with gettext_noop, in the active language, with its values."""
        return (gettext(message) % params)[:500]

    @property
    def display_text(self) -> str:
        """The message in the active language (the reader's), or the text as it was made."""
        if not self.message:
            return self.text
        try:
            return self.render(self.message, self.params)
        except (KeyError, TypeError, ValueError):
            return self.text
