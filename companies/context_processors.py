from django.http import HttpRequest

from companies.access import access_of, memberships_of


def active_company(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}

    def switchable():
        memberships = getattr(request, "memberships", None)
        return memberships if memberships is not None else memberships_of(request.user)

    def functions():
        return access_of(getattr(request, "membership", None)).functions

    return {
        "active_company": getattr(request, "company", None),
        "switchable_memberships": switchable,
        "functions": functions,
    }
