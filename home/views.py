"""The home page: a dashboard per role, as tabs when several apply (issue 19).

- "mine" (sales work: events, tasks, partners without a next event, mentions): every member;
- "team" (the manager's): whoever supervises someone in the active company, at any depth;
- "finance": whoever holds ``receivables.view_receivables``.
The default is the most specific that applies (finance, then team, then mine); ``?tab=`` switches, and
an unknown or unavailable tab falls back to the default. Only the shown tab's figures are read.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from companies.permissions import has_function, member_required
from companies.visibility import Viewer
from home.finance import finance_dashboard
from home.manager import manager_dashboard
from home.sales import sales_dashboard

TABS = {
    "mine": (_("My work"), sales_dashboard, "home/_sales.html"),
    "team": (_("My team"), manager_dashboard, "home/_manager.html"),
    "finance": (_("Finance"), finance_dashboard, "home/_finance.html"),
}


def available_tabs(request: HttpRequest, viewer: Viewer) -> list[str]:
    """The dashboards that apply to the viewer, the default first."""
    tabs = []
    if has_function(request, "receivables.view_receivables"):
        tabs.append("finance")
    if len(viewer.visible_user_ids) > 1:  # the viewer and at least one person below them
        tabs.append("team")
    tabs.append("mine")
    return tabs


@member_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = Viewer.for_request(request)
    tabs = available_tabs(request, viewer)
    tab = request.GET.get("tab")
    if tab not in tabs:
        tab = tabs[0]
    label, build, template = TABS[tab]
    board = build(viewer, fresh=True) if tab == "team" and request.GET.get("fresh") else build(viewer)
    context = {
        "tab": tab,
        "tabs": [(name, TABS[name][0]) for name in tabs] if len(tabs) > 1 else [],
        "board": board,
        "board_template": template,
        "can_add_event": has_function(request, "events.add_event"),
        "can_add_contact": has_function(request, "contacts.add_contact"),
    }
    if tab == "mine":  # the names the home page had before the dashboards (tests and bookmarks of data)
        context |= {"open_tasks": board.open_tasks, "without_next": board.without_next}
    return render(request, "home/home.html", context)
