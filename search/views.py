from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from companies.permissions import member_required
from companies.visibility import Viewer
from search.forms import SearchForm
from search.queries import TOP, global_search


@member_required
def search(request: HttpRequest) -> HttpResponse:
    """Partners, contacts, communications and tasks matching `q`, grouped by kind (the top of each)."""
    form = SearchForm(request.GET if request.GET.get("q", "").strip() else None)
    groups = global_search(Viewer.for_request(request), form.cleaned_data["q"]) if form.is_valid() else []
    context = {
        "form": form,
        "query": form.cleaned_data["q"] if form.is_valid() else "",
        "groups": groups,
        "found_any": any(group.items for group in groups),
        "top": TOP,
    }
    template = "search/_results.html" if request.htmx else "search/search.html"
    return render(request, template, context)
