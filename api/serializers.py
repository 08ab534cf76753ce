"""What the API answers: plain JSON of the records, ids for related records (no query per row).

Serializers only describe output (and the request bodies for the schema); input is validated by
the pages' forms (api/base.py `bind`), so the rules live in one place.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from communications.models import Communication, Notification, Task, Thread
from contacts.models import Contact
from events.models import Event
from orders.models import Order, OrderLine, Product
from partners.models import PartnerAccount
from receivables.models import Invoice


class SparseFieldsMixin:
    """`?fields=id,name` keeps only those top-level fields (an unknown name is a 400)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        wanted = request.query_params.get("fields") if request is not None else None
        if (
            not wanted
            or getattr(self, "parent", None) is not None
            and not isinstance(self.parent, serializers.ListSerializer)
        ):
            return
        names = [name.strip() for name in wanted.split(",") if name.strip()]
        unknown = [name for name in names if name not in self.fields]
        if unknown:
            raise exceptions.ValidationError(
                {"fields": [_("Unknown field: %(names)s.") % {"names": ", ".join(unknown)}]}
            )
        for name in set(self.fields) - set(names):
            self.fields.pop(name)


class FieldErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    code = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """Every error answer (api/errors.py); `fields` only on 400."""

    error = serializers.CharField(help_text="A stable code: invalid, not_found, permission_denied, ...")
    detail = serializers.CharField(help_text="A message in the user's language.")
    fields = serializers.DictField(child=FieldErrorSerializer(many=True), required=False)


def _id(source: str) -> serializers.IntegerField:
    return serializers.IntegerField(source=source, read_only=True, allow_null=True)


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class AccountSerializer(serializers.Serializer):
    """The active company's own data about the partner."""

    owner = _id("owner_id")
    status = serializers.CharField(read_only=True)
    tags = serializers.SerializerMethodField()
    notes = serializers.CharField(read_only=True)

    @extend_schema_field(TagSerializer(many=True))
    def get_tags(self, account) -> list[dict]:
        return [{"id": tag.pk, "name": tag.name} for tag in account.tags.all()]


class PartnerSerializer(SparseFieldsMixin, serializers.Serializer):
    id = _id("partner_id")
    name = serializers.CharField(source="partner.name", read_only=True)
    short_name = serializers.CharField(source="partner.short_name", read_only=True)
    tax_number = serializers.CharField(source="partner.tax_number", read_only=True)
    registration_number = serializers.CharField(source="partner.registration_number", read_only=True)
    is_customer = serializers.BooleanField(source="partner.is_customer", read_only=True)
    is_supplier = serializers.BooleanField(source="partner.is_supplier", read_only=True)
    is_distributor = serializers.BooleanField(source="partner.is_distributor", read_only=True)
    phone = serializers.CharField(source="partner.phone", read_only=True)
    email = serializers.CharField(source="partner.email", read_only=True)
    website = serializers.CharField(source="partner.website", read_only=True)
    main_activity = serializers.CharField(source="partner.main_activity", read_only=True)
    notes = serializers.CharField(source="partner.notes", read_only=True)
    source = serializers.CharField(source="partner.source", read_only=True)
    is_erp_managed = serializers.BooleanField(source="partner.is_erp_managed", read_only=True)
    created_at = serializers.DateTimeField(source="partner.created_at", read_only=True)
    account = serializers.SerializerMethodField()

    @extend_schema_field(AccountSerializer)
    def get_account(self, account: PartnerAccount) -> dict:
        # The list prefetches into `tag_list` (a plain list: no queryset built per row).
        tags = getattr(account, "tag_list", None)
        if tags is None:
            tags = account.tags.all()
        return {
            "owner": account.owner_id,
            "status": account.status,
            "tags": [{"id": tag.pk, "name": tag.name} for tag in tags],
            "notes": account.notes,
        }

    def to_representation(self, account: PartnerAccount) -> dict:
        """The declared fields, read straight from the row: a list of 100 spends its time in SQL, not
        in building a field object per value (the declarations above stay the schema)."""
        partner = account.partner
        values = {}
        for name, field in self.fields.items():
            if name == "id":
                values[name] = account.partner_id
            elif name == "account":
                values[name] = self.get_account(account)
            elif name == "is_erp_managed":
                values[name] = partner.is_erp_managed
            elif name == "created_at":
                values[name] = field.to_representation(partner.created_at)
            else:
                values[name] = getattr(partner, name)
        return values


class AccountInputSerializer(serializers.Serializer):
    owner = serializers.IntegerField(required=False)
    status = serializers.CharField(required=False)
    tags = serializers.ListField(child=serializers.IntegerField(), required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class PartnerInputSerializer(serializers.Serializer):
    """The partner form's fields (partners/forms.py PartnerForm), plus the account on update."""

    name = serializers.CharField(required=False)
    short_name = serializers.CharField(required=False, allow_blank=True)
    tax_number = serializers.CharField(required=False, allow_blank=True)
    registration_number = serializers.CharField(required=False, allow_blank=True)
    is_customer = serializers.BooleanField(required=False)
    is_supplier = serializers.BooleanField(required=False)
    is_distributor = serializers.BooleanField(required=False)
    phone = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    website = serializers.CharField(required=False, allow_blank=True)
    main_activity = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    seat_postal_code = serializers.CharField(required=False, allow_blank=True)
    seat_city = serializers.CharField(required=False, allow_blank=True)
    seat_street = serializers.CharField(required=False, allow_blank=True)
    seat_country = serializers.CharField(required=False, allow_blank=True)
    create_anyway = serializers.BooleanField(
        required=False, help_text="Save although partners with a similar name exist (create only)."
    )
    account = AccountInputSerializer(required=False, help_text="Update only.")


class ContactSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    partner = _id("partner_id")
    preferred_language = serializers.CharField(read_only=True, help_text="en, hu, bg or empty")
    types = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id", "partner", "first_name", "last_name", "position", "email", "email_other", "phone",
            "mobile", "preferred_language", "notes", "is_active", "types", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_types(self, contact) -> list[str]:
        return [role.type.code for role in contact.roles.all()]


class ContactInputSerializer(serializers.Serializer):
    partner = serializers.IntegerField(required=False, help_text="Create only: the partner's id.")
    first_name = serializers.CharField(required=False, allow_blank=True)
    last_name = serializers.CharField(required=False)
    position = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    email_other = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    mobile = serializers.CharField(required=False, allow_blank=True)
    preferred_language = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    types = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Contact type ids."
    )


class ThreadSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    partner = _id("partner_id")
    owner = _id("owner_id")

    class Meta:
        model = Thread
        fields = ["id", "subject", "partner", "counterparty_text", "description", "owner", "created_at"]
        read_only_fields = fields


class ThreadInputSerializer(serializers.Serializer):
    subject = serializers.CharField(required=False)
    partner = serializers.IntegerField(required=False, allow_null=True)
    counterparty_text = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    orders = serializers.ListField(child=serializers.IntegerField(), required=False)


ITEM_FIELDS = [
    "id", "number", "thread", "subject", "description", "partner", "counterparty_text", "author",
    "assignee", "status", "created_at",
]  # fmt: skip


class CommunicationSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    thread = _id("thread_id")
    partner = _id("partner_id")
    contact = _id("contact_id")
    author = _id("author_id")
    assignee = _id("assignee_id")

    class Meta:
        model = Communication
        fields = [*ITEM_FIELDS, "direction", "channel", "contact"]
        read_only_fields = fields


class TaskSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    thread = _id("thread_id")
    partner = _id("partner_id")
    author = _id("author_id")
    assignee = _id("assignee_id")
    source_communication = _id("source_communication_id")

    class Meta:
        model = Task
        fields = [*ITEM_FIELDS, "deadline", "completed_at", "source_communication"]
        read_only_fields = fields


class ItemInputSerializer(serializers.Serializer):
    thread = serializers.IntegerField(required=False, allow_null=True)
    new_thread_subject = serializers.CharField(required=False, allow_blank=True, help_text="Create only.")
    partner = serializers.IntegerField(required=False, allow_null=True)
    counterparty_text = serializers.CharField(required=False, allow_blank=True)
    subject = serializers.CharField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    status = serializers.CharField(required=False)


class CommunicationInputSerializer(ItemInputSerializer):
    direction = serializers.ChoiceField(choices=["in", "out"], required=False)
    channel = serializers.CharField(required=False)
    contact = serializers.IntegerField(required=False, allow_null=True)


class TaskInputSerializer(ItemInputSerializer):
    deadline = serializers.DateTimeField(required=False, allow_null=True)


class EventSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    type = serializers.CharField(source="type.code", read_only=True)
    type_id = serializers.IntegerField(read_only=True)
    partner = _id("partner_id")
    owner = _id("owner_id")
    closed_by = _id("closed_by_id")
    follows = _id("follows_id")
    contacts = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id", "type", "type_id", "subject", "partner", "owner", "starts_at", "ends_at", "location",
            "notes", "reminder_minutes", "promised_payment_on", "outcome", "closing_note", "closed_at",
            "closed_by", "follows", "contacts", "participants", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_contacts(self, event) -> list[int]:
        return [contact.pk for contact in event.contacts.all()]

    def get_participants(self, event) -> list[int]:
        return [user.pk for user in event.participants.all()]


class EventInputSerializer(serializers.Serializer):
    type = serializers.IntegerField(required=False, help_text="Event type id.")
    follows = serializers.IntegerField(
        required=False, help_text="Create only: the event this one follows (only its follow-up types)."
    )
    subject = serializers.CharField(required=False)
    partner = serializers.IntegerField(required=False, allow_null=True)
    contacts = serializers.ListField(child=serializers.IntegerField(), required=False)
    owner = serializers.IntegerField(required=False)
    participants = serializers.ListField(child=serializers.IntegerField(), required=False)
    starts_at = serializers.CharField(required=False, help_text="YYYY-MM-DDTHH:MM in the company's time zone")
    ends_at = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    location = serializers.CharField(required=False, allow_blank=True)
    reminder_minutes = serializers.IntegerField(required=False, allow_null=True)
    promised_payment_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class EventCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["successful", "unsuccessful"])
    note = serializers.CharField()


class NotificationSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    actor = _id("actor_id")
    text = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "verb", "text", "url", "actor", "created_at", "read_at"]
        read_only_fields = fields

    def get_text(self, notification) -> str:
        return str(notification)


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class OrderLineSerializer(serializers.ModelSerializer):
    product = _id("product_id")

    class Meta:
        model = OrderLine
        fields = ["id", "product", "description", "quantity", "unit_price"]
        read_only_fields = fields


class OrderSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    partner = _id("partner_id")
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "number", "kind", "partner", "ordered_on", "status", "total", "currency", "lines"]
        read_only_fields = fields


class ProductSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "code", "name", "unit", "is_active"]
        read_only_fields = fields


class InvoiceSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    partner = _id("partner_id")

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "partner",
            "issued_on",
            "due_on",
            "amount",
            "open_amount",
            "currency",
            "updated_at",
        ]
        read_only_fields = fields
