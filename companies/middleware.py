from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from companies.access import memberships_of

SESSION_KEY = "active_company_id"


class ActiveCompanyMiddleware:
    """Sets `request.company` and `request.membership` for the logged-in user.

    The active company is remembered per session; when it is missing or no
    longer valid, the user's first active membership (by company name) is used.
    Users with no active membership get None for both. The memberships come from
    the access cache (`companies.access`), so this costs no query on most pages.

    The active company's time zone (`Company.zone`) is activated for the request, so
    "today", forms' date-times and every time shown on a page are the company's; without
    a company the default `TIME_ZONE` applies. It is not deactivated after the response,
    because streamed exports render their rows after the middleware has returned; the
    next request on the thread activates its own zone first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.company = None
        request.membership = None
        if request.user.is_authenticated:
            memberships = memberships_of(request.user)
            request.memberships = memberships
            wanted = request.session.get(SESSION_KEY)
            membership = next((each for each in memberships if each.company_id == wanted), None)
            if membership is None and memberships:
                membership = memberships[0]
                request.session[SESSION_KEY] = membership.company_id
            if membership is not None:
                request.company = membership.company
                request.membership = membership
        if request.company is not None:
            timezone.activate(request.company.zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
