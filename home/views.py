"""The home page: the viewer's team, partners without a next event, upcoming events and open tasks."""

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from communications.models import Task
from companies.hierarchy import subordinate_ids
from companies.models import User
from companies.permissions import member_required
from companies.visibility import Viewer
from events.discipline import accounts_without_next_event
from events.models import Event


@member_required
def home(request: HttpRequest) -> HttpResponse:
    company = request.company
    below = subordinate_ids(user_id=request.user.pk, company_id=company.pk)
    team = User.objects.filter(pk__in=below).order_by("last_name", "first_name")[:50]
    now = timezone.now()
    without_next = (
        accounts_without_next_event(company=company, owner=request.user, now=now)
        .select_related("partner")
        .order_by("partner__name")[:50]
    )
    upcoming = (
        Event.objects.visible_to(Viewer.for_request(request))
        .involving(request.user)
        .filter(starts_at__gte=now, outcome="open")
        .select_related("type", "partner")
        .order_by("starts_at")[:10]
    )
    open_tasks = (
        Task.objects.visible_to(Viewer.for_request(request))
        .filter(assignee=request.user)
        .open()
        .select_related("thread", "partner")
        .order_by(F("deadline").asc(nulls_last=True), "pk")[:20]
    )
    return render(
        request,
        "home/home.html",
        {
            "team": team,
            "team_size": len(below),
            "without_next": without_next,
            "upcoming": upcoming,
            "open_tasks": open_tasks,
        },
    )
