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

    return {
        "active_company": getattr(request, "company", None),
        "switchable_memberships": switchable,
    }
