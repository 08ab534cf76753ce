"""What every API resource shares: authentication, the page's functions, visibility, the pages'
filters, cursor paging, ETags, the body limit and the meeting block.

A resource is a `ResourceViewSet` naming its model's visible queryset, the function of each action
(as the page's `function_required`), the page's FilterSet and the orderings it offers. Writes bind
the page's own form to the JSON body and call the page's service (`FormWrite`), so a field error, a
mention, a number or a notification is exactly what the browser gets.
"""

import hashlib
import json

from django import forms
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import exceptions, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api.errors import (
    Answered,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    form_errors,
    invalid,
)
from api.models import ApiToken
from companies.visibility import Viewer, get_visible_or_404
from events.middleware import MeetingBlockMiddleware
from events.services import meeting_block_applies, overdue_meeting_count


def etag_of(data) -> str:
    body = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


class PageFilterBackend:
    """The list page's django-filter FilterSet on the API's query string; an invalid value is a 400."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is None:
            return queryset
        filterset = filterset_class(
            request.query_params or None, queryset=queryset, **view.filterset_kwargs()
        )
        if not filterset.is_bound:
            return queryset
        if not filterset.is_valid():
            raise exceptions.ValidationError(
                {name: [str(error) for error in errors] for name, errors in filterset.errors.items()}
            )
        return filterset.qs

    def get_schema_operation_parameters(self, view):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is None or getattr(view, "action", None) != "list":
            return []
        return [
            {
                "name": name,
                "required": False,
                "in": "query",
                "description": str(filter_.label or name),
                "schema": {"type": "string"},
            }
            for name, filter_ in filterset_class.base_filters.items()
            if name not in ("sort", "per_page")
        ]


class ResourceViewSet(viewsets.GenericViewSet):
    """Read (list, retrieve) through the visibility helper; subclasses add writes."""

    parser_classes = [JSONParser]
    filter_backends = [PageFilterBackend]
    functions: dict[str, str] = {}
    orderings: dict[str, tuple[str, ...]] = {"-id": ("-pk",)}
    default_ordering = "-id"
    lookup_value_regex = "[0-9]{1,18}"
    filterset_class = None

    # Set up ------------------------------------------------------------------------------------

    def initial(self, request, *args, **kwargs):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.API_MAX_BODY_BYTES:
            raise PayloadTooLarge(
                _("The request body is larger than %(limit)d bytes.") % {"limit": settings.API_MAX_BODY_BYTES}
            )
        super().initial(request, *args, **kwargs)
        if isinstance(request.auth, ApiToken):
            # The middleware ran before the token was read: apply the meeting block now. Its own answer
            # (the /api/ branch: 423 with the JSON reason) is asked for only when a block applies, as
            # it resolves the URL again (about 5 ms) to see whether the page is exempt.
            django_request = request._request
            if meeting_block_applies(django_request.membership) and overdue_meeting_count(
                user=request.user, company=django_request.company
            ):
                blocked = MeetingBlockMiddleware(lambda _request: None)(django_request)
                if blocked is not None:
                    raise Answered(blocked)

    @property
    def viewer(self) -> Viewer:
        return Viewer.for_request(self.request._request)

    def filterset_kwargs(self) -> dict:
        return {"company": self.viewer.company}

    def get_queryset(self):
        return self.model.objects.visible_to(self.viewer)

    def get_object(self):
        return get_visible_or_404(
            self.viewer, self.get_queryset(), self.kwargs["pk"], field=self.lookup_field
        )

    lookup_field = "pk"
    lookup_url_kwarg = "pk"

    # Reading -----------------------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return self.answer(self.get_object())

    def etag(self, obj) -> str:
        """Of the whole record as shown (not of a `?fields=` selection), so any request may compare it."""
        return etag_of(self.get_serializer_class()(obj, context={}).data)

    def answer(self, obj, status: int = 200) -> Response:
        return Response(self.get_serializer(obj).data, status=status, headers={"ETag": self.etag(obj)})

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        return self.get_serializer_class()(*args, **kwargs)

    # Writing -----------------------------------------------------------------------------------

    def body(self, allowed: set[str]) -> dict:
        data = self.request.data
        if not isinstance(data, dict):
            raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise exceptions.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return data

    def check_precondition(self, obj) -> None:
        """Optimistic concurrency: the If-Match ETag must be the record's current one (row locked)."""
        expected = self.request.headers.get("If-Match")
        if not expected:
            raise PreconditionRequired()
        current = self.etag(obj)
        if expected.strip() != "*" and current not in [tag.strip() for tag in expected.split(",")]:
            raise PreconditionFailed()

    def update_with(self, write) -> Response:
        """Lock the visible row, check If-Match, then `write(obj)`; a stale ETag changes nothing."""
        with transaction.atomic():
            obj = get_visible_or_404(
                self.viewer, self.get_queryset(), self.kwargs["pk"], field=self.lookup_field, for_update=True
            )
            self.check_precondition(obj)
            result = write(obj)
            if isinstance(result, Response):
                transaction.set_rollback(True)
                return result
        return self.answer(self.get_object())


def bind(form_class, data: dict, *, instance=None, **kwargs):
    """The page's form bound to a JSON body, over the values the page's form starts with (for an update
    the record's current ones), so a field left out keeps its default or its value."""
    # The form's own starting values (a new record's defaults, an edited record's current values).
    current = form_class(instance=instance, **kwargs) if instance is not None else form_class(**kwargs)
    merged = {name: current[name].value() for name in current.fields}
    merged.update(data)
    data = merged
    wrong = {
        name: [message]
        for name, value in data.items()
        if (message := _wrong_type(current.fields.get(name), value))
    }
    if wrong:
        raise exceptions.ValidationError(wrong)
    values = {}
    for name, value in data.items():
        if value is None:
            values[name] = ""
        elif isinstance(value, list | tuple):
            values[name] = [str(item) for item in value]
        else:
            values[name] = value
    return (
        form_class(data=values, instance=instance, **kwargs)
        if instance is not None
        else form_class(data=values, **kwargs)
    )


def _wrong_type(field, value) -> str | None:
    """JSON types the page's form field cannot take (a list for a text, text for a yes/no...)."""
    if field is None or value is None:
        return None
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        if isinstance(value, list) and all(
            isinstance(item, int | str) and not isinstance(item, bool) for item in value
        ):
            return None
        return _("Give a list of ids.")
    if isinstance(value, dict | list):
        return _("Give a single value.")
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return None if isinstance(value, bool) else _("Give true or false.")
    if isinstance(value, bool):
        return _("Give a value, not true or false.")
    if isinstance(value, int | float) and not isinstance(
        field, forms.IntegerField | forms.DecimalField | forms.FloatField | forms.ModelChoiceField
    ):
        return _("Give a text.")
    return None


def invalid_form(form) -> Response:
    return invalid(form_errors(form))
