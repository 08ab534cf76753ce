"""The API checks the functions of the pages (companies/permissions.py), per action."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import ApiToken
from companies.permissions import has_function


class IsCompanyMember(permissions.BasePermission):
    """Logged in (token or session) with an active company; no anonymous access at all."""

    message = _("You are not a member of any active company.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return getattr(request._request, "membership", None) is not None


class TokenScope(permissions.BasePermission):
    """A read-only token never writes, whatever its user may do."""

    message = _("This API token is read-only.")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return not isinstance(token, ApiToken) or token.can_write


class HasFunction(permissions.BasePermission):
    """`view.functions` maps an action (list, retrieve, create, partial_update...) to a function code.

    An action the map leaves out needs nothing more than membership (the page of it needs nothing
    either, e.g. one's own notifications).
    """

    def has_permission(self, request, view) -> bool:
        code = getattr(view, "functions", {}).get(getattr(view, "action", None))
        if code is None:
            return True
        if has_function(request._request, code):
            return True
        self.message = _("You need the function “%(function)s” in this company to do this.") % {
            "function": code
        }
        return False
