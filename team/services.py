"""The team app's writes: the digest preference, and sending one recorded digest."""

from django.db import transaction

from companies.models import User
from ops.outbox import Outbox
from team.digest import digest_message, digest_message_id
from team.models import DigestDelivery, DigestPreference, DigestStatus

MAX_ATTEMPTS = 6

DIGEST_OUTBOX = Outbox(
    model=DigestDelivery,
    max_attempts=MAX_ATTEMPTS,
    gave_up=DigestStatus.GAVE_UP,
    build=digest_message,
    message_id=digest_message_id,
    select_related=("company", "user"),
    label="Team digest",
)


def digest_send(*, delivery_id: int, attempt_owner: str, actor) -> str:
    """Send one recorded digest exactly once (ops.outbox.Outbox.send); raises SendFailed to retry."""
    return DIGEST_OUTBOX.send(delivery_id, attempt_owner=attempt_owner, actor=actor)


@transaction.atomic
def digest_preference_update(
    *, user: User, weekly_digest: bool, language: str, actor: User
) -> DigestPreference:
    """A user's own choice (`actor` is the user: only they change it, from their settings)."""
    preference, _created = DigestPreference.objects.update_or_create(
        user=user, defaults={"weekly_digest": weekly_digest, "language": language}
    )
    return preference
