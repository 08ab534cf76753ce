"""Per-request metadata: the request id (X-Request-ID, in every log line) and the client's IP address.

The request id comes from the incoming X-Request-ID header when it looks like an id (8 to 64 letters,
digits and hyphens: what nginx's $request_id, uuid4 and most proxies produce), otherwise a fresh uuid4
hex. It is answered in the response's X-Request-ID header and kept in a context variable, from which
RequestIdFilter copies it onto every log record made while the request is handled.
"""

import ipaddress
import logging
import re
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9-]{8,64}")

_request_id: ContextVar[str | None] = ContextVar("crm_request_id", default=None)


def get_request_id() -> str | None:
    """The id of the request being handled in this thread/task, or None outside a request."""
    return _request_id.get()


def request_id_for(record: logging.LogRecord) -> str | None:
    """The request id for a log record: set explicitly, the current request's, or the one of the request
    Django attaches to its own records (django.request logs after the middleware has returned)."""
    request_id = getattr(record, "request_id", None)
    if request_id and request_id != "-":
        return request_id
    return get_request_id() or getattr(getattr(record, "request", None), "request_id", None)


def clean_request_id(value: str | None) -> str:
    """The incoming id when it is safe to log and to echo, otherwise a new one."""
    if value and REQUEST_ID_PATTERN.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Put it first in MIDDLEWARE so that everything after it logs with the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = clean_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds record.request_id ("-" outside a request) so formatters can always use it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_for(record) or "-"
        return True


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for login throttling (settings.AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR unless settings.TRUST_X_FORWARDED_FOR is on. Then the address our own reverse proxy
    appended to X-Forwarded-For: the right-most entry (nginx's $proxy_add_x_forwarded_for appends the
    address it saw to whatever the client sent, so entries further left are the client's own claims).
    With several proxies in a row, settings.TRUSTED_PROXY_COUNT says how many entries from the right
    were added by proxies we run. Only turn it on when the application can be reached through the proxy
    alone, otherwise anybody can pick the address they are throttled under.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        count = max(1, int(getattr(settings, "TRUSTED_PROXY_COUNT", 1)))
        if len(entries) >= count:
            forwarded = _valid_ip(entries[-count])
            if forwarded:
                return forwarded
    return remote_addr
