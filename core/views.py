from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from companies.hierarchy import subordinate_ids
from companies.models import User
from companies.permissions import member_required


@member_required
def home(request: HttpRequest) -> HttpResponse:
    below = subordinate_ids(user_id=request.user.pk, company_id=request.company.pk)
    team = User.objects.filter(pk__in=below).order_by("last_name", "first_name")[:50]
    return render(request, "core/home.html", {"team": team, "team_size": len(below)})
