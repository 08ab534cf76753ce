"""Saving, renaming, sharing, deleting and choosing the default of a list's saved views (form posts)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from companies.models import SavedView
from companies.permissions import member_required
from companies.saved_views import (
    LISTS,
    NAME_MAX,
    SavedViewError,
    default_view_id,
    saved_view_create,
    saved_view_delete,
    saved_view_set_default,
    saved_view_update,
)
from companies.visibility import Viewer, get_visible_or_404


class SavedViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the view"), max_length=NAME_MAX)
    shared = forms.BooleanField(
        label=gettext_lazy("Share with everyone in the company"),
        required=False,
        help_text=gettext_lazy("Each colleague still sees only the records they may see."),
    )


class SaveViewForm(SavedViewForm):
    make_default = forms.BooleanField(label=gettext_lazy("Open this list with it"), required=False)
    list_name = forms.ChoiceField(choices=[(name, name) for name in LISTS], widget=forms.HiddenInput)
    query = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)


def _list_url(list_name: str, query: str = "") -> str:
    return reverse(LISTS[list_name]) + (f"?{query}" if query else "")


def _own(request: HttpRequest, pk: int) -> SavedView:
    """A view the user sees (404 otherwise); changing it is for its owner only (403 for a shared one)."""
    view = get_visible_or_404(Viewer.for_request(request), SavedView, pk)
    if view.owner_id != request.user.pk:
        raise PermissionDenied(_("Only the person who saved this view can change it."))
    return view


@member_required
@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    form = SaveViewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            view = saved_view_create(
                company=request.company,
                list_name=data["list_name"],
                name=data["name"],
                query=data["query"],
                shared=data["shared"],
                make_default=data["make_default"],
                actor=request.user,
            )
        except SavedViewError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
            return redirect(_list_url(view.list_name, view.query or "all=1"))
    list_name = request.POST.get("list_name")
    back = _list_url(list_name, request.POST.get("query", "")) if list_name in LISTS else reverse("home")
    return render(request, "companies/saved_view_form.html", {"form": form, "back": back}, status=400)


@member_required
def saved_view_edit(request: HttpRequest, pk: int) -> HttpResponse:
    view = _own(request, pk)
    form = SavedViewForm(request.POST or None, initial={"name": view.name, "shared": view.shared})
    if request.method == "POST" and form.is_valid():
        try:
            saved_view_update(
                view=view,
                name=form.cleaned_data["name"],
                shared=form.cleaned_data["shared"],
                actor=request.user,
            )
        except SavedViewError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
            return redirect(_list_url(view.list_name, view.query or "all=1"))
    back = _list_url(view.list_name, view.query or "all=1")
    return render(request, "companies/saved_view_form.html", {"form": form, "view": view, "back": back})


@member_required
def saved_view_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    view = _own(request, pk)
    if request.method == "POST":
        list_name, name = view.list_name, view.name
        saved_view_delete(view=view, actor=request.user)
        messages.success(request, _("Deleted the view “%(name)s”.") % {"name": name})
        return redirect(_list_url(list_name, "all=1"))
    back = _list_url(view.list_name, view.query or "all=1")
    return render(request, "companies/saved_view_confirm_delete.html", {"view": view, "back": back})


@member_required
@require_POST
def saved_view_default(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the list with this view from now on (the user's own or a shared one); again: no default."""
    view = get_visible_or_404(Viewer.for_request(request), SavedView, pk)
    if view.list_name not in LISTS:
        raise Http404
    if default_view_id(request.user, view.list_name) == view.pk:
        saved_view_set_default(view=None, list_name=view.list_name, actor=request.user)
        messages.success(request, _("The list opens without a saved view again."))
    else:
        saved_view_set_default(view=view, list_name=view.list_name, actor=request.user)
        messages.success(request, _("The list opens with “%(name)s” from now on.") % {"name": view.name})
    return redirect(_list_url(view.list_name, view.query or "all=1"))
