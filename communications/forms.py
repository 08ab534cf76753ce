from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from communications import mentions
from communications.attachments import validate_upload
from communications.models import Communication, Direction, Task, Thread
from companies.models import User
from contacts.picker import limit_to_chosen_partner
from events.forms import DateTimeInput
from orders.models import Order
from partners.models import Partner

MENTION_ATTRS = {
    "rows": 6,
    "data-mentions": "",
    "data-mention-url": reverse_lazy("communications:mention_search"),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked for size and type."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        errors = []
        for upload in cleaned:
            try:
                validate_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class DescribedForm(forms.ModelForm):
    """Threads, communications and tasks: a counterparty and a description with mentions.

    The partner comes from the master (visible in the company) or is typed as free text; on save,
    "@name" typed without the picker becomes a mention when it names exactly one member.
    """

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.mention_company, self.ambiguous_mentions = viewer.company, []
        visible = Q(pk__in=Partner.objects.visible_to(viewer))
        if self.instance.partner_id:
            # The record's own partner stays a choice even when its account is someone else's
            # (a promoted counterparty, a hand-over): saving unchanged must not drop it.
            visible |= Q(pk=self.instance.partner_id)
        self.fields["partner"].queryset = Partner.objects.filter(visible).order_by("name")
        self.fields["partner"].required = False

    def clean_description(self) -> str:
        text, self.ambiguous_mentions = mentions.tokenize_typed_mentions(
            self.cleaned_data.get("description", ""), self.mention_company
        )
        return text

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("partner") and cleaned.get("counterparty_text"):
            cleaned["counterparty_text"] = ""
        return cleaned


class ThreadForm(DescribedForm):
    class Meta:
        model = Thread
        fields = ["subject", "partner", "counterparty_text", "description", "orders"]
        widgets = {
            "description": forms.Textarea(attrs=MENTION_ATTRS),
            "orders": forms.SelectMultiple(attrs={"size": 5}),
        }

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, viewer=viewer, **kwargs)
        orders = Q(pk__in=Order.objects.visible_to(viewer).values("pk"))
        if self.instance.pk:
            # Orders already linked stay choices even when their partner is a colleague's: saving
            # the thread unchanged must not unlink them (the same rule as the partner above).
            orders |= Q(pk__in=self.instance.orders.values("pk"))
        self.fields["orders"].queryset = Order.objects.filter(orders).select_related("partner")
        self.fields["orders"].required = False


class ItemForm(DescribedForm):
    """Shared by communications and tasks: thread choice, counterparty, assignee, files."""

    new_thread_subject = forms.CharField(
        label=_("…or start a new thread"),
        max_length=255,
        required=False,
        help_text=_("Leave both empty to start a new thread named after the subject."),
    )
    files = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, viewer=viewer, **kwargs)
        threads = Q(pk__in=Thread.objects.visible_to(viewer).values("pk"))
        if self.instance.thread_id:
            # The item's own thread stays a choice when the editor reads the item through a share (a
            # mention, an assignment) but not its thread: saving unchanged must not fail or move it.
            # Other threads they cannot see stay refused (the same rule as the partner above).
            threads |= Q(pk=self.instance.thread_id)
        self.fields["thread"].queryset = Thread.objects.filter(threads).order_by("-created_at")
        self.fields["thread"].required = False
        members = (
            User.objects.filter(
                memberships__company=viewer.company, memberships__is_active=True, is_active=True
            )
            .only("pk", "username", "first_name", "last_name")
            .order_by("last_name", "first_name")
        )
        self.fields["assignee"].queryset = members
        if "contact" in self.fields:
            keep = [self.instance.contact_id] if getattr(self.instance, "contact_id", None) else []
            limit_to_chosen_partner(self, viewer, field="contact", keep_ids=keep)
        if self.instance.pk:
            del self.fields["new_thread_subject"]
            self.fields["thread"].required = True

    def clean(self):
        cleaned = super().clean()
        contact = cleaned.get("contact")
        if contact and cleaned.get("partner") and contact.partner_id != cleaned["partner"].pk:
            self.add_error("contact", _("This person is a contact of another partner."))
        return cleaned

    def item_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("files", None)
        if self.instance.pk:
            data.pop("new_thread_subject", None)
        return data


class CommunicationForm(ItemForm):
    class Meta:
        model = Communication
        fields = [
            "direction",
            "channel",
            "thread",
            "new_thread_subject",
            "partner",
            "counterparty_text",
            "contact",
            "subject",
            "description",
            "assignee",
            "status",
            "files",
        ]
        widgets = {
            "description": forms.Textarea(attrs=MENTION_ATTRS),
            "direction": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required radio buttons: no "---------" button for "none" (Django adds one for a blank choice).
        self.fields["direction"].choices = Direction.choices


class TaskForm(ItemForm):
    class Meta:
        model = Task
        fields = [
            "thread",
            "new_thread_subject",
            "partner",
            "counterparty_text",
            "subject",
            "description",
            "assignee",
            "deadline",
            "status",
            "files",
        ]
        widgets = {"description": forms.Textarea(attrs=MENTION_ATTRS), "deadline": DateTimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
