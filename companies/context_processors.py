from django.http import HttpRequest

from companies.models import Membership


def active_company(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}

    def switchable():
        return list(
            Membership.objects.active()
            .filter(user=request.user)
            .select_related("company")
            .order_by("company__name")
        )

    def functions():
        from companies.permissions import function_codes_for_membership

        if not hasattr(request, "_function_codes"):
            request._function_codes = function_codes_for_membership(getattr(request, "membership", None))
        return request._function_codes

    return {
        "active_company": getattr(request, "company", None),
        "switchable_memberships": switchable,
        "functions": functions,
    }
