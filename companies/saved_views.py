"""Saved views of the lists (issue 18): a list's filters, sorting, columns and page size under a name.

- A view is the list's query string without the page number (`normalized_query`); opening it is a link
  to the list with that query, so every list needs no code of its own to apply one.
- Own views and views shared with the company, in the active company only (`SavedView.objects.visible_to`).
  Only the owner renames, re-shares or deletes a view.
- The default view of a list is each user's own choice (their own view or a shared one), kept in
  `User.list_preferences[<list>]["default_view"]` beside the page size (reading costs no query). A list
  opened without any parameter redirects to it (`opens_default_view`); the "All" tab (`?all=1`) does not.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from companies.models import SavedView, User

# The lists that take saved views: the name used in SavedView.list_name -> the list's URL name.
LISTS = {
    "partners": "partners:list",
    "contacts": "contacts:list",
    "threads": "communications:thread_list",
    "communications": "communications:communication_list",
    "tasks": "communications:task_list",
    "task_board": "communications:task_board",
    "events": "events:list",
    "letters": "receivables:letters",
    "notifications": "communications:notifications",
    "orders": "orders:list",
    "products": "orders:product_list",
}
# Parameters that are not part of a view: the page number and the "no default view" marker.
NOT_SAVED = frozenset({"page", "all", "csrfmiddlewaretoken"})
ALL_PARAM = "all"
NAME_MAX = 80
QUERY_MAX = 2000


class SavedViewError(ValueError):
    """A view that cannot be saved as asked (the message says why, next to the field)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def normalized_query(pairs) -> str:
    """The saved form of a query string: without the page, empty values and the markers, sorted."""
    if isinstance(pairs, str):
        pairs = parse_qsl(pairs, keep_blank_values=True)
    kept = sorted((key, value) for key, value in pairs if key not in NOT_SAVED and value != "")
    return urlencode(kept)


def without_page_size(query: str) -> str:
    return normalized_query((key, value) for key, value in parse_qsl(query) if key != "per_page")


def default_view_id(user, list_name: str) -> int | None:
    preferences = getattr(user, "list_preferences", None)
    entry = preferences.get(list_name) if isinstance(preferences, dict) else None
    value = entry.get("default_view") if isinstance(entry, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _remember_default(user: User, list_name: str, view_id: int | None) -> None:
    preferences = user.list_preferences if isinstance(user.list_preferences, dict) else {}
    entry = preferences.get(list_name)
    entry = dict(entry) if isinstance(entry, dict) else {}
    if view_id is None:
        entry.pop("default_view", None)
    else:
        entry["default_view"] = view_id
    user.list_preferences = {**preferences, list_name: entry}
    User.objects.filter(pk=user.pk).update(list_preferences=user.list_preferences)


def opens_default_view(list_name: str) -> Callable:
    """View decorator: a list opened without parameters opens the user's default view of it, if any."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if (
                request.method == "GET"
                and not request.GET
                and not getattr(request, "htmx", False)
                and getattr(request, "membership", None) is not None
            ):
                view_id = default_view_id(request.user, list_name)
                if view_id is not None:
                    from companies.visibility import Viewer

                    saved = (
                        SavedView.objects.visible_to(Viewer.for_request(request))
                        .filter(pk=view_id, list_name=list_name)
                        .first()
                    )
                    if saved is not None and saved.query:
                        return HttpResponseRedirect(f"{request.path}?{saved.query}")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _checked_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise SavedViewError("name", _("Give the view a name."))
    if len(name) > NAME_MAX:
        raise SavedViewError("name", _("At most %(count)d characters.") % {"count": NAME_MAX})
    return name


@transaction.atomic
def saved_view_create(
    *, company, list_name: str, name: str, query: str, shared: bool, make_default: bool, actor: User
) -> SavedView:
    """Save the list's current query under `name` for `actor` (shared with the company if asked)."""
    if list_name not in LISTS:
        raise SavedViewError("list_name", _("This list cannot be saved."))
    query = normalized_query(query)
    if len(query) > QUERY_MAX:
        raise SavedViewError("name", _("These filters are too long to save."))
    name = _checked_name(name)
    try:
        with transaction.atomic():
            view = SavedView.objects.create(
                company=company, owner=actor, list_name=list_name, name=name, query=query, shared=shared
            )
    except IntegrityError:
        raise SavedViewError(
            "name", _("You already have a view named “%(name)s” on this list.") % {"name": name}
        ) from None
    if make_default:
        _remember_default(actor, list_name, view.pk)
    return view


@transaction.atomic
def saved_view_update(*, view: SavedView, name: str, shared: bool, actor: User) -> SavedView:
    """Rename or (un)share one of the actor's own views."""
    if view.owner_id != actor.pk:
        raise PermissionError("only the owner changes a saved view")
    name = _checked_name(name)
    clash = SavedView.objects.filter(
        company_id=view.company_id, owner=actor, list_name=view.list_name, name=name
    ).exclude(pk=view.pk)
    if clash.exists():
        raise SavedViewError(
            "name", _("You already have a view named “%(name)s” on this list.") % {"name": name}
        )
    view.name, view.shared = name, shared
    view.save(update_fields=["name", "shared"])
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, actor: User) -> None:
    if view.owner_id != actor.pk:
        raise PermissionError("only the owner deletes a saved view")
    if default_view_id(actor, view.list_name) == view.pk:
        _remember_default(actor, view.list_name, None)
    view.delete()


def saved_view_set_default(*, view: SavedView | None, list_name: str, actor: User) -> None:
    """Make `view` (the actor's own or a shared one they see) their default of the list; None: no default."""
    _remember_default(actor, list_name, view.pk if view is not None else None)
