"""The signature of a delivery: HMAC-SHA256 over "<timestamp>.<body>" with the subscription's secret.

Headers of every delivery (docs/webhooks.md shows a receiver that checks them):
    X-CRM-Event: partner.created
    X-CRM-Delivery: <uuid, the same on every retry: de-duplicate on it>
    X-CRM-Timestamp: <unix seconds of this attempt>
    X-CRM-Signature: sha256=<hex digest>
"""

import hashlib
import hmac

TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, header: str, *, now: int) -> bool:
    """What a receiver does: a fresh timestamp and the same signature (compared in constant time)."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - stamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, stamp, body), header or "")
