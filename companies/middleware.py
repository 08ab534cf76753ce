from django.http import HttpRequest, HttpResponse

from companies.models import Membership

SESSION_KEY = "active_company_id"


class ActiveCompanyMiddleware:
    """Sets `request.company` and `request.membership` for the logged-in user.

    The active company is remembered per session; when it is missing or no
    longer valid, the user's first active membership (by company name) is used.
    Users with no active membership get None for both.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.company = None
        request.membership = None
        if request.user.is_authenticated:
            memberships = (
                Membership.objects.active()
                .filter(user=request.user)
                .select_related("company", "user")
                .order_by("company__name")
            )
            wanted = request.session.get(SESSION_KEY)
            membership = None
            if wanted is not None:
                membership = memberships.filter(company_id=wanted).first()
            if membership is None:
                membership = memberships.first()
                if membership is not None:
                    request.session[SESSION_KEY] = membership.company_id
            if membership is not None:
                request.company = membership.company
                request.membership = membership
        return self.get_response(request)
