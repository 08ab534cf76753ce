"""Sending with an idempotency key: the one place that knows how an ESP is told "this is a resend".

Every message we must send exactly once (dunning letters, GDPR notices) carries a stable Message-ID.
The key is that Message-ID without its angle brackets. `ResendEmailBackend` (anymail's real Resend
backend) passes it in Resend's `Idempotency-Key` request header: Resend answers a repeat within 24
hours with the first send's id and does not deliver it again. See docs/adr/0002-exactly-once-mail.md.
"""

from anymail.backends.resend import EmailBackend as AnymailResendBackend
from anymail.exceptions import AnymailRequestsAPIError
from django.core.mail import EmailMessage

IDEMPOTENCY_HEADER = "Idempotency-Key"


def idempotency_key(message: EmailMessage) -> str:
    """The message's stable key: its Message-ID header without brackets ("" when it has none)."""
    for name, value in (message.extra_headers or {}).items():
        if name.lower() == "message-id":
            return str(value).strip().strip("<>")[:256]
    return ""


def key_was_used_for_another_payload(error: Exception) -> bool:
    """True when the ESP refused a resend because its key already sent a (different) message.

    Resend answers 409 `invalid_idempotent_request`: the first attempt was delivered, and this one
    differs (e.g. a template was edited in between). The message went out once; it must not go again.
    """
    if not isinstance(error, AnymailRequestsAPIError) or error.status_code != 409:
        return False
    response = getattr(error, "response", None)
    return response is not None and "invalid_idempotent_request" in (response.text or "")


class ResendEmailBackend(AnymailResendBackend):
    """anymail's Resend backend that also sends the message's idempotency key."""

    def build_message_payload(self, message, defaults):
        payload = super().build_message_payload(message, defaults)
        key = idempotency_key(message)
        if key:
            payload.headers[IDEMPOTENCY_HEADER] = key
        return payload
