"""/api/v1/ resources: the pages' reads, functions, filters, forms and services, answered as JSON."""

from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from api import serializers as s
from api.base import ResourceViewSet, bind, invalid_form
from api.errors import form_errors, invalid
from communications import services as communication_services
from communications.filters import CommunicationFilter, TaskFilter
from communications.forms import CommunicationForm, TaskForm, ThreadForm
from communications.models import Communication, Notification, Task, Thread
from companies.visibility import get_readable_or_404, get_visible_or_404
from contacts import services as contact_services
from contacts.filters import ContactFilter
from contacts.forms import ContactForm
from contacts.models import Contact, ContactRole
from events import services as event_services
from events.filters import EventFilter
from events.forms import CloseEventForm, EventForm
from events.models import Event, EventType
from orders.models import Order, Product
from partners import services as partner_services
from partners.filters import PartnerAccountFilter
from partners.forms import MASTER_FIELDS, PartnerAccountForm, PartnerForm
from partners.models import Partner, PartnerAccount
from receivables.models import Invoice

ERRORS = {400: OpenApiResponse(s.ErrorSerializer, description="Invalid input: `fields` names each error")}
UPDATE_ERRORS = {
    **ERRORS,
    412: OpenApiResponse(s.ErrorSerializer, description="Stale If-Match: nothing changed"),
    428: OpenApiResponse(s.ErrorSerializer, description="If-Match missing"),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the record as last read (optimistic concurrency)",
)


def _an_id(value) -> bool:
    """A JSON number that can be a database id (anything else would not reach the query)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _fields(serializer_class) -> set[str]:
    return set(serializer_class().fields)


# Partners ---------------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=s.PartnerInputSerializer, responses={201: s.PartnerSerializer, **ERRORS}),
    partial_update=extend_schema(
        parameters=[IF_MATCH],
        request=s.PartnerInputSerializer,
        responses={200: s.PartnerSerializer, **UPDATE_ERRORS},
    ),
)
class PartnerViewSet(ResourceViewSet):
    """Partners the viewer sees, with the active company's account (owner, status, tags). The id is the partner's."""

    serializer_class = s.PartnerSerializer
    filterset_class = PartnerAccountFilter
    functions = {
        "list": "partners.view_partner",
        "retrieve": "partners.view_partner",
        "create": "partners.add_partner",
        "partial_update": "partners.change_partner",
    }
    orderings = {"name": ("name", "pk"), "-name": ("-name", "-pk"), "-id": ("-pk",), "id": ("pk",)}
    default_ordering = "name"
    lookup_field = "partner_id"

    def get_queryset(self):
        return (
            PartnerAccount.objects.visible_to(self.viewer)
            .annotate(name=F("partner__name"))
            .select_related("partner")
            .prefetch_related(Prefetch("tags", to_attr="tag_list"))
        )

    def create(self, request):
        data = self.body(_fields(s.PartnerInputSerializer) - {"account"})
        form = bind(PartnerForm, data)
        if not form.is_valid():
            return invalid_form(form)
        master = {field: form.cleaned_data[field] for field in MASTER_FIELDS}
        account = partner_services.partner_create(
            company=self.viewer.company, owner=request.user, master=master, seat=form.seat_address()
        )
        return self.answer(self.get_queryset().get(pk=account.pk), status=201)

    def partial_update(self, request, pk=None):
        data = self.body(_fields(s.PartnerInputSerializer) - {"create_anyway"})
        account_data = data.pop("account", None) or {}
        if not isinstance(account_data, dict) or set(account_data) - {"owner", "status", "tags", "notes"}:
            return invalid(
                {
                    "account": [
                        {"message": _("Give an object with owner, status, tags, notes."), "code": "invalid"}
                    ]
                }
            )

        def write(account):
            form = bind(PartnerForm, data, instance=account.partner)
            account_form = bind(
                PartnerAccountForm, account_data, instance=account, company=self.viewer.company
            )
            valid = form.is_valid() & account_form.is_valid()
            if not valid:
                errors = form_errors(form)
                errors.update({f"account.{name}": value for name, value in form_errors(account_form).items()})
                return invalid(errors)
            master = {field: form.cleaned_data[field] for field in MASTER_FIELDS}
            partner_services.partner_update(partner=account.partner, master=master, seat=form.seat_address())
            account_form.save()
            return None

        return self.update_with(write)


# Contacts ---------------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=s.ContactInputSerializer, responses={201: s.ContactSerializer, **ERRORS}),
    partial_update=extend_schema(
        parameters=[IF_MATCH],
        request=s.ContactInputSerializer,
        responses={200: s.ContactSerializer, **UPDATE_ERRORS},
    ),
)
class ContactViewSet(ResourceViewSet):
    """Active contacts of the partners the viewer sees (the contacts list's rows)."""

    serializer_class = s.ContactSerializer
    filterset_class = ContactFilter
    functions = {
        "list": "contacts.view_contact",
        "retrieve": "contacts.view_contact",
        "create": "contacts.add_contact",
        "partial_update": "contacts.change_contact",
    }
    orderings = {"-id": ("-pk",), "id": ("pk",), "last_name": ("last_name", "first_name", "pk")}

    def filterset_kwargs(self) -> dict:
        return {"viewer": self.viewer}

    def get_queryset(self):
        queryset = Contact.objects.visible_to(self.viewer)
        if self.action == "list":
            queryset = queryset.active().with_gdpr_status(self.viewer.company, alias=True)
        return queryset.prefetch_related(Prefetch("roles", ContactRole.objects.select_related("type")))

    def create(self, request):
        data = dict(self.body(_fields(s.ContactInputSerializer) - {"is_active"}))
        partner_id = data.pop("partner", None)
        if not _an_id(partner_id):
            return invalid({"partner": [{"message": _("Give the partner's id."), "code": "required"}]})
        partner = get_visible_or_404(self.viewer, Partner, partner_id)
        form = bind(ContactForm, data, partner=partner)
        if not form.is_valid():
            return invalid_form(form)
        try:
            contact = contact_services.contact_create(
                partner=partner,
                company=self.viewer.company,
                types=form.cleaned_data["types"],
                **form.contact_fields(),
            )
        except contact_services.ContactRuleError as error:
            return invalid({"types": [{"message": str(error), "code": "one_per_partner"}]})
        return self.answer(self.get_queryset().get(pk=contact.pk), status=201)

    def partial_update(self, request, pk=None):
        data = self.body(_fields(s.ContactInputSerializer) - {"partner"})

        def write(contact):
            if contact.anonymised_at:  # as the edit page: an anonymised contact is not edited
                raise Http404(_("This contact was anonymised."))
            form = bind(ContactForm, data, instance=contact, partner=contact.partner)
            if not form.is_valid():
                return invalid_form(form)
            try:
                contact_services.contact_update(
                    contact=contact, company=self.viewer.company, types=form.cleaned_data["types"],
                    **form.contact_fields(),
                )  # fmt: skip
            except contact_services.ContactRuleError as error:
                return invalid({"types": [{"message": str(error), "code": "one_per_partner"}]})
            return None

        return self.update_with(write)


# Threads, communications, tasks -----------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=s.ThreadInputSerializer, responses={201: s.ThreadSerializer, **ERRORS}),
    partial_update=extend_schema(
        parameters=[IF_MATCH],
        request=s.ThreadInputSerializer,
        responses={200: s.ThreadSerializer, **UPDATE_ERRORS},
    ),
)
class ThreadViewSet(ResourceViewSet):
    serializer_class = s.ThreadSerializer
    functions = {
        "list": "communications.view_thread",
        "retrieve": "communications.view_thread",
        "create": "communications.add_thread",
        "partial_update": "communications.change_thread",
    }
    orderings = {"-created": ("-created_at", "-pk"), "created": ("created_at", "pk")}
    default_ordering = "-created"

    def get_queryset(self):
        queryset = Thread.objects.visible_to(self.viewer)
        query = self.request.query_params.get("q", "").strip()[:100]
        if query:  # the thread list's search
            queryset = queryset.filter(
                Q(subject__icontains=query)
                | Q(partner__name__icontains=query)
                | Q(counterparty_text__icontains=query)
            )
        return queryset

    def create(self, request):
        form = bind(ThreadForm, self.body(_fields(s.ThreadInputSerializer)), viewer=self.viewer)
        if not form.is_valid():
            return invalid_form(form)
        thread = communication_services.thread_create(
            company=self.viewer.company, owner=request.user, **form.cleaned_data
        )
        return self.answer(thread, status=201)

    def partial_update(self, request, pk=None):
        data = self.body(_fields(s.ThreadInputSerializer))

        def write(thread):
            form = bind(ThreadForm, data, instance=thread, viewer=self.viewer)
            if not form.is_valid():
                return invalid_form(form)
            communication_services.thread_update(thread=thread, actor=request.user, **form.cleaned_data)
            return None

        return self.update_with(write)


class ItemViewSet(ResourceViewSet):
    """Communications and tasks: read as their pages read them (whoever sees the thread reads the item)."""

    orderings = {"-created": ("-created_at", "-pk"), "created": ("created_at", "pk"), "-id": ("-pk",)}
    default_ordering = "-created"

    def get_queryset(self):
        return self.model.objects.visible_to(self.viewer)

    def retrieve(self, request, pk=None):
        item, _own = get_readable_or_404(self.viewer, self.model, pk)
        return self.answer(item)

    def create(self, request):
        form = bind(self.form_class, self.body(_fields(self.input_serializer)), viewer=self.viewer)
        if not form.is_valid():
            return invalid_form(form)
        item = self.create_item(form.item_fields(), request.user)
        return self.answer(item, status=201)

    def partial_update(self, request, pk=None):
        data = self.body(_fields(self.input_serializer) - {"new_thread_subject"})

        def write(item):
            form = bind(self.form_class, data, instance=item, viewer=self.viewer)
            if not form.is_valid():
                return invalid_form(form)
            self.update_item(item, form.item_fields(), request.user)
            return None

        return self.update_with(write)


@extend_schema_view(
    create=extend_schema(
        request=s.CommunicationInputSerializer, responses={201: s.CommunicationSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        parameters=[IF_MATCH],
        request=s.CommunicationInputSerializer,
        responses={200: s.CommunicationSerializer, **UPDATE_ERRORS},
    ),
)
class CommunicationViewSet(ItemViewSet):
    model = Communication
    serializer_class = s.CommunicationSerializer
    input_serializer = s.CommunicationInputSerializer
    form_class = CommunicationForm
    filterset_class = CommunicationFilter
    functions = {
        "list": "communications.view_communication",
        "retrieve": "communications.view_communication",
        "create": "communications.add_communication",
        "partial_update": "communications.change_communication",
    }

    def create_item(self, fields, user):
        return communication_services.communication_create(
            company=self.viewer.company, author=user, files=[], **fields
        )

    def update_item(self, item, fields, user):
        communication_services.communication_update(communication=item, actor=user, files=[], **fields)


@extend_schema_view(
    create=extend_schema(request=s.TaskInputSerializer, responses={201: s.TaskSerializer, **ERRORS}),
    partial_update=extend_schema(
        parameters=[IF_MATCH],
        request=s.TaskInputSerializer,
        responses={200: s.TaskSerializer, **UPDATE_ERRORS},
    ),
)
class TaskViewSet(ItemViewSet):
    model = Task
    serializer_class = s.TaskSerializer
    input_serializer = s.TaskInputSerializer
    form_class = TaskForm
    filterset_class = TaskFilter
    functions = {
        "list": "communications.view_task",
        "retrieve": "communications.view_task",
        "create": "communications.add_task",
        "partial_update": "communications.change_task",
    }

    def create_item(self, fields, user):
        return communication_services.task_create(
            company=self.viewer.company, author=user, files=[], **fields
        )

    def update_item(self, item, fields, user):
        communication_services.task_update(task=item, actor=user, files=[], **fields)


# Events -----------------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=s.EventInputSerializer, responses={201: s.EventSerializer, **ERRORS}),
    partial_update=extend_schema(
        parameters=[IF_MATCH],
        request=s.EventInputSerializer,
        responses={200: s.EventSerializer, **UPDATE_ERRORS},
    ),
    close=extend_schema(request=s.EventCloseSerializer, responses={200: s.EventSerializer, **ERRORS}),
)
class EventViewSet(ResourceViewSet):
    """Events the viewer sees (`scope`: mine, team or all; all by default, unlike the page)."""

    serializer_class = s.EventSerializer
    filterset_class = EventFilter
    functions = {
        "list": "events.view_event",
        "retrieve": "events.view_event",
        "create": "events.add_event",
        "partial_update": "events.change_event",
        "close": "events.view_event",  # as the page: whoever sees the event may close it
    }
    orderings = {"-starts": ("-starts_at", "-pk"), "starts": ("starts_at", "pk"), "-id": ("-pk",)}
    default_ordering = "-starts"

    def filterset_kwargs(self) -> dict:
        return {"viewer": self.viewer}

    def get_queryset(self):
        return (
            Event.objects.visible_to(self.viewer)
            .select_related("type")
            .prefetch_related("contacts", "participants")
        )

    def create(self, request):
        data = {"owner": request.user.pk, **self.body(_fields(s.EventInputSerializer))}  # the page's default
        membership = request._request.membership
        follows = data.pop("follows", None)
        if follows is not None:
            # A follow-up: only the types that may follow it (the event page's "next event" links).
            if not _an_id(follows):
                return invalid({"follows": [{"message": _("Give the event's id."), "code": "invalid"}]})
            follows = get_visible_or_404(self.viewer, Event, follows)
            types = event_services.follow_up_types(follows, membership)
        else:
            types = event_services.usable_event_types(membership)
        form = bind(EventForm, data, viewer=self.viewer, types=types)
        if not form.is_valid():
            return invalid_form(form)
        try:
            event = event_services.event_create(
                company=self.viewer.company,
                membership=membership,
                created_by=request.user,
                follows=follows,
                contacts=form.cleaned_data["contacts"],
                participants=form.cleaned_data["participants"],
                **form.event_fields(),
            )
        except event_services.EventRuleError as error:
            return invalid({error.field or "type": [{"message": str(error), "code": "rule"}]})
        return self.answer(self.get_queryset().get(pk=event.pk), status=201)

    def partial_update(self, request, pk=None):
        data = self.body(_fields(s.EventInputSerializer) - {"follows"})
        usable = event_services.usable_event_types(request._request.membership).values("pk")

        def write(event):
            types = EventType.objects.filter(Q(pk__in=usable) | Q(pk=event.type_id))
            form = bind(EventForm, data, instance=event, viewer=self.viewer, types=types)
            if not form.is_valid():
                return invalid_form(form)
            event_services.event_update(
                event=event,
                contacts=form.cleaned_data["contacts"],
                participants=form.cleaned_data["participants"],
                **form.event_fields(),
            )
            return None

        return self.update_with(write)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the event with an outcome and a note (the event page's close form and service)."""
        event = get_visible_or_404(self.viewer, self.get_queryset(), pk)
        form = CloseEventForm(data=self.body({"outcome", "note"}), event=event)
        if not form.is_valid():
            return invalid_form(form)
        try:
            event_services.event_close(
                event=event,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except event_services.EventRuleError as error:
            return invalid({error.field or "non_field_errors": [{"message": str(error), "code": "rule"}]})
        return self.answer(self.get_object())


# Notifications ----------------------------------------------------------------------------------


class NotificationViewSet(ResourceViewSet):
    """The user's own notifications in the token's company; mark one or all read."""

    serializer_class = s.NotificationSerializer
    orderings = {"-id": ("-pk",), "id": ("pk",)}

    def get_queryset(self):
        # A notification is its recipient's (as on the bell); the token's company bounds it too.
        queryset = Notification.objects.filter(recipient=self.request.user, company_id=self.viewer.company.pk)
        if self.request.query_params.get("unread") in ("1", "true"):
            queryset = queryset.unread()
        return queryset

    def get_object(self):
        notification = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if notification is None:
            raise Http404
        return notification

    @extend_schema(request=None, responses={200: s.NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        return self.answer(self.get_object())

    @extend_schema(request=None, responses={200: s.ReadAllSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = self.get_queryset().filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response({"marked": marked})


# Orders, products, invoices (read only) ---------------------------------------------------------


class OrderViewSet(ResourceViewSet):
    """Orders of the partners the viewer sees (the order page's rule), with their lines."""

    serializer_class = s.OrderSerializer
    orderings = {"-ordered": ("-ordered_on", "-pk"), "ordered": ("ordered_on", "pk"), "-id": ("-pk",)}
    default_ordering = "-ordered"

    def get_queryset(self):
        return Order.objects.visible_to(self.viewer).prefetch_related("lines")


class ProductViewSet(ResourceViewSet):
    """The product catalogue, shared by every company (as the product page)."""

    serializer_class = s.ProductSerializer
    orderings = {"code": ("code", "pk"), "-id": ("-pk",), "id": ("pk",)}
    default_ordering = "code"

    def get_queryset(self):
        return Product.objects.all()

    def get_object(self):
        product = Product.objects.filter(pk=self.kwargs["pk"]).first()
        if product is None:
            raise Http404
        return product


class InvoiceViewSet(ResourceViewSet):
    """Invoices of the partners the viewer sees (all with the whole-company function), as the receivables pages."""

    serializer_class = s.InvoiceSerializer
    functions = {"list": "receivables.view_receivables", "retrieve": "receivables.view_receivables"}
    orderings = {"-due": ("-due_on", "-pk"), "due": ("due_on", "pk"), "-id": ("-pk",)}
    default_ordering = "-due"

    def get_queryset(self):
        return Invoice.objects.visible_to(self.viewer)
