"""One JSON shape for every error the API answers:

    {"error": "<stable code>", "detail": "<message in the user's language>",
     "fields": {"<field>": [{"message": "...", "code": "..."}]}}      (fields only for 400)

Field errors from the pages' forms and from DRF come out the same way; nothing answers a 500 for
bad input.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("The record changed since you read it: read it again, then retry.")
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy("Send the record's ETag in an If-Match header to change it.")
    default_code = "precondition_required"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "payload_too_large"


class Answered(exceptions.APIException):
    """A ready response from the pages' own code (the meeting block's 423), passed through as it is."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def field_errors(detail) -> dict[str, list[dict[str, str]]]:
    """DRF's error detail (dict / list of ErrorDetail) as {field: [{"message", "code"}]}."""
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
    fields = {}
    for name, errors in detail.items():
        errors = errors if isinstance(errors, list) else [errors]
        fields[name] = [
            {"message": strip_tags(str(error)), "code": getattr(error, "code", None) or "invalid"}
            for error in errors
        ]
    return fields


def form_errors(form) -> dict[str, list[dict[str, str]]]:
    """A Django form's errors in the API's shape (`__all__` becomes `non_field_errors`)."""
    return {
        "non_field_errors" if name == "__all__" else name: [
            {"message": strip_tags(str(error["message"])), "code": error["code"] or "invalid"}
            for error in errors
        ]
        for name, errors in form.errors.get_json_data().items()
    }


def invalid(fields: dict) -> Response:
    body = {"error": "invalid", "detail": _("Check the fields below."), "fields": fields}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def api_exception_handler(exc, context):
    if isinstance(exc, Answered):
        return exc.response
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found in this company."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return invalid(field_errors(exc.detail))
    detail = exc.detail
    code = exc.get_codes() if hasattr(exc, "get_codes") else "error"
    if isinstance(detail, dict | list):
        response.data = {
            "error": "invalid",
            "detail": _("Check the fields below."),
            "fields": field_errors(detail),
        }
        return response
    response.data = {"error": code if isinstance(code, str) else "error", "detail": str(detail)}
    return response
