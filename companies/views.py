from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.forms import AddSupervisorForm, CompanySwitchForm, ProfileForm
from companies.hierarchy import subordinate_ids, supervisor_edge_add, supervisor_ids
from companies.middleware import SESSION_KEY
from companies.models import Department, Membership, SupervisorEdge, User
from companies.permissions import function_required, has_function, member_required
from companies.visibility import Viewer, get_visible_or_404

PEOPLE_SORTS = {
    "name": ("user__last_name", "user__first_name"),
    "-name": ("-user__last_name", "-user__first_name"),
    "department": ("department__name", "user__last_name"),
    "-department": ("-department__name", "user__last_name"),
    "title": ("job_title", "user__last_name"),
    "-title": ("-job_title", "user__last_name"),
}


# What a person's pages show about their membership, loaded with it.
MEMBER_RELATED = ("user", "department")


@require_POST
@member_required
def company_switch(request: HttpRequest) -> HttpResponse:
    form = CompanySwitchForm(request.POST)
    if not form.is_valid():
        raise Http404
    membership = get_object_or_404(
        Membership.objects.active().select_related("company"),
        user=request.user,
        company_id=form.cleaned_data["company"],
    )
    request.session[SESSION_KEY] = membership.company_id
    messages.success(request, _("You are now working in %(company)s.") % {"company": membership.company})
    # Object pages of the previous company would answer 404 in the new one: start at home.
    return redirect("home")


@member_required
def organisation(request: HttpRequest) -> HttpResponse:
    departments = list(
        Department.objects.filter(company=request.company)
        .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("tree_id", "lft")
    )
    people = Membership.objects.active().filter(company=request.company).select_related("user", "department")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        people = people.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__username__icontains=query)
            | Q(job_title__icontains=query)
        )
    sort = request.GET.get("sort", "name")
    if sort not in PEOPLE_SORTS:
        sort = "name"
    people = people.order_by(*PEOPLE_SORTS[sort])
    page = Paginator(people, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "companies/organisation.html",
        {"departments": departments, "page": page, "query": query, "sort": sort},
    )


@member_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_visible_or_404(request, Membership, pk, field="user_id", select_related=MEMBER_RELATED)
    person = membership.user
    company = request.company
    viewer = Viewer.for_request(request)
    edges_up = (
        SupervisorEdge.objects.visible_to(viewer)
        .filter(subordinate=person)
        .select_related("supervisor")
        .order_by("supervisor__last_name")
    )
    edges_down = (
        SupervisorEdge.objects.visible_to(viewer)
        .filter(supervisor=person)
        .select_related("subordinate")
        .order_by("subordinate__last_name")
    )
    all_below = User.objects.filter(pk__in=subordinate_ids(user_id=person.pk, company_id=company.pk))
    all_above = User.objects.filter(pk__in=supervisor_ids(user_id=person.pk, company_id=company.pk))
    can_manage = has_function(request, "companies.manage_hierarchy")
    form = AddSupervisorForm(company=company, subordinate=person) if can_manage else None
    return render(
        request,
        "companies/person_detail.html",
        {
            "membership": membership,
            "person": person,
            "edges_up": edges_up,
            "edges_down": edges_down,
            "all_below": all_below.order_by("last_name", "first_name"),
            "all_above": all_above.order_by("last_name", "first_name"),
            "form": form,
            "can_manage": can_manage,
        },
    )


@require_POST
@function_required("companies.manage_hierarchy")
def supervisor_add(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_visible_or_404(request, Membership, pk, field="user_id", select_related=MEMBER_RELATED)
    form = AddSupervisorForm(request.POST, company=request.company, subordinate=membership.user)
    if form.is_valid():
        try:
            supervisor_edge_add(
                company=request.company,
                supervisor=form.cleaned_data["supervisor"],
                subordinate=membership.user,
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Supervisor added."))
        return redirect("companies:person", pk=pk)
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, text)
    return redirect("companies:person", pk=pk)


@function_required("companies.manage_hierarchy")
def supervisor_edge_delete(request: HttpRequest, pk: int) -> HttpResponse:
    edge = get_visible_or_404(request, SupervisorEdge, pk, select_related=("supervisor", "subordinate"))
    if request.method == "POST":
        edge.delete()
        messages.success(request, _("%(edge)s: removed.") % {"edge": edge})
        return redirect("companies:person", pk=edge.subordinate_id)
    return render(request, "companies/edge_confirm_delete.html", {"edge": edge})


@member_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk, company=request.company)
    members = (
        Membership.objects.active()
        .filter(department__in=department.get_descendants(include_self=True))
        .select_related("user", "department")
        .order_by("user__last_name", "user__first_name")
    )
    return render(
        request,
        "companies/department_detail.html",
        {
            "department": department,
            "ancestors": department.get_ancestors(),
            "children": department.get_children(),
            "members": members,
        },
    )


@member_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's own settings: name, e-mail, and whether mentions and assignments also come by e-mail."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings were saved."))
        return redirect("companies:profile")
    return render(request, "companies/profile.html", {"form": form})
