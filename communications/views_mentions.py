"""Suggestions for the mention picker: "@" for people and departments, "#" for objects."""

from django.db.models import Q
from django.http import HttpRequest, JsonResponse

from communications.models import Task, Thread
from companies.models import Department, Membership
from companies.permissions import member_required
from companies.visibility import Viewer
from orders.models import Order, Product
from partners.models import Partner

LIMIT = 10


def _clean(label: str) -> str:
    return " ".join(str(label).replace("]", ")").replace("[", "(").split())[:200]


def _result(kind: str, pk: int, label: str, detail: str, trigger: str) -> dict:
    label = _clean(label)
    return {
        "kind": kind,
        "id": pk,
        "label": label,
        "detail": detail,
        "token": f"{trigger}[{label}]({kind}:{pk})",
    }


@member_required
def mention_search(request: HttpRequest) -> JsonResponse:
    """One query per kind, all inside the active company and the user's visibility."""
    trigger = "#" if request.GET.get("trigger") == "#" else "@"
    query = request.GET.get("q", "").strip()[:50]
    company = request.company
    viewer = Viewer.for_request(request)
    results: list[dict] = []
    if trigger == "@":
        people = Membership.objects.active().filter(company=company).select_related("user", "department")
        if query:
            people = people.filter(
                Q(user__first_name__icontains=query)
                | Q(user__last_name__icontains=query)
                | Q(user__username__icontains=query)
            )
        for membership in people.order_by("user__last_name", "user__first_name")[:LIMIT]:
            detail = " · ".join(
                part for part in (membership.job_title, str(membership.department or "")) if part
            )
            results.append(_result("user", membership.user_id, str(membership.user), detail, "@"))
        departments = Department.objects.filter(company=company, name__icontains=query).order_by("name")[:5]
        results += [_result("department", d.pk, d.name, "", "@") for d in departments]
        return JsonResponse({"results": results[:LIMIT]})

    partners = Partner.objects.visible_to(viewer)
    if query:
        partners = partners.filter(
            Q(name__icontains=query) | Q(short_name__icontains=query) | Q(tax_number__icontains=query)
        )
    results += [_result("partner", p.pk, p.name, p.tax_number, "#") for p in partners.order_by("name")[:4]]
    products = Product.objects.filter(is_active=True).filter(
        Q(code__icontains=query) | Q(name__icontains=query)
    )
    results += [
        _result("product", p.pk, f"{p.code} {p.name}", "", "#") for p in products.order_by("code")[:3]
    ]
    orders = Order.objects.visible_to(viewer).filter(number__icontains=query).select_related("partner")
    results += [
        _result(
            "order", o.pk, o.number, f"{o.get_kind_display()} · {o.partner.name if o.partner else ''}", "#"
        )
        for o in orders.order_by("-ordered_on")[:3]
    ]
    threads = Thread.objects.visible_to(viewer).filter(subject__icontains=query)
    results += [_result("thread", t.pk, t.subject, "", "#") for t in threads.order_by("-created_at")[:3]]
    tasks = Task.objects.visible_to(viewer).filter(Q(number__icontains=query) | Q(subject__icontains=query))
    results += [_result("task", t.pk, f"{t.number} {t.subject}", "", "#") for t in tasks.order_by("-pk")[:3]]
    return JsonResponse({"results": results[:LIMIT]})
