"""Writes of the API app: creating and revoking personal tokens (audited with the acting user)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken, hash_token, new_secret
from companies.models import Company, User


@transaction.atomic
def api_token_create(
    *, user: User, company: Company, name: str, can_write: bool, expires_at: datetime | None
) -> tuple[ApiToken, str]:
    """A new token for `user` in `company`: (the row, the secret to show once; only its hash is kept)."""
    raw, prefix = new_secret()
    token = ApiToken.objects.create(
        user=user,
        company=company,
        name=name,
        prefix=prefix,
        token_hash=hash_token(raw),
        can_write=can_write,
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> bool:
    """Revoke once (the row locked: a second click changes nothing); True when this call revoked it.
    Saved, not updated, so the audit trail records who revoked it."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return False
    locked.revoked_at, locked.revoked_by = timezone.now(), actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    token.revoked_at, token.revoked_by = locked.revoked_at, actor
    return True
