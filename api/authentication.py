"""`Authorization: Bearer <token>` for integrations; the browser uses its session (with CSRF).

A token acts as its user in its company and nowhere else: the request gets that company as the
active company and the viewer of the pages (`Viewer`), the company's time zone, and the token's user
as the audit trail's actor (the middleware ran before DRF knew the user, so it recorded nobody).
"""

import contextlib
from datetime import timedelta

from auditlog.context import auditlog_value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import ApiToken, hash_token
from companies.access import memberships_of
from companies.visibility import Viewer

# last_used_at is written at most this often per token (one UPDATE, not one per request).
LAST_USED_PRECISION = timedelta(minutes=1)


def activate_company(request, *, user, company, membership) -> None:
    """What ActiveCompanyMiddleware does for a session, for a request authenticated by a token."""
    django_request = getattr(request, "_request", request)
    django_request.company = company
    django_request.membership = membership
    django_request._viewer = Viewer(user=user, company=company, membership=membership)
    timezone.activate(company.zone)
    with contextlib.suppress(LookupError):  # this request's audit context (core.audit.AuditlogMiddleware)
        auditlog_value.get()["actor"] = user


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: give 'Bearer <token>'."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        # By the unique hash, without .first()'s ORDER BY.
        token = next(
            iter(
                ApiToken.objects.select_related("user", "company")
                .filter(token_hash=hash_token(raw))
                .order_by()[:1]
            ),
            None,
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token was revoked."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        # Bound to one company: an ended membership (or a deactivated company) ends the token's access.
        membership = next((m for m in memberships_of(token.user) if m.company_id == token.company_id), None)
        if membership is None:
            raise exceptions.AuthenticationFailed(_("The token's user is no longer a member of its company."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        activate_company(request, user=token.user, company=membership.company, membership=membership)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'
