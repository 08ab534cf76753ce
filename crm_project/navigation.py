"""The application's navigation, built from one list in Python (issue 18).

Each entry names a URL and is shown only where it can be opened:

1. its URL name must reverse: pages still being written (or an app left out of an install) simply do
   not appear, instead of breaking every page with ``NoReverseMatch``;
2. the user must hold the function the page's view requires: ``function_required`` leaves it on the
   view as ``required_function``, so a link never leads to a 403, and an entry needs no second copy of
   the rule (an entry may still name a function of its own, and an extra condition);
3. staff-only entries (the Django admin) need ``is_staff``.

Reversing and resolving are done once per URL name (cached); a page pays a set lookup per entry.
The result is lazy: a template that never shows the navigation (an error page) costs nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.http import HttpRequest
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, get_urlconf, resolve, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from companies.access import access_of
from companies.visibility import Viewer

SEE_ALL = "companies.view_all_company_data"


def _supervises_or_sees_all(request: HttpRequest) -> bool:
    """The manager's view is for people with someone below them, or who see the whole company."""
    if SEE_ALL in access_of(request.membership).functions:
        return True
    return len(Viewer.for_request(request).visible_user_ids) > 1


@dataclass(frozen=True)
class Entry:
    key: str  # data-nav="..." (tests and CSS find the link by it)
    url_name: str
    label: str
    icon: str = "dot"
    # View names (or "namespace:" prefixes) under which this entry is the current page.
    current_for: tuple[str, ...] = ()
    function: str | None = None  # in addition to the view's own required function
    staff_only: bool = False
    condition: Callable[[HttpRequest], bool] | None = None


@dataclass(frozen=True)
class Section:
    title: str
    entries: tuple[Entry, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "",
        (Entry("home", "home", _("Home"), "home", ("home",)),),
    ),
    Section(
        _("Customers"),
        (
            Entry("partners", "partners:list", _("Partners"), "building", ("partners:",)),
            Entry("contacts", "contacts:list", _("Contacts"), "person", ("contacts:",)),
            Entry(
                "threads",
                "communications:thread_list",
                _("Threads"),
                "threads",
                ("communications:thread",),
            ),
            Entry(
                "communications",
                "communications:communication_list",
                _("Communications"),
                "mail",
                ("communications:communication", "communications:copy_to_task", "communications:counterpart"),
            ),
        ),
    ),
    Section(
        _("Work"),
        (
            Entry("tasks", "communications:task_list", _("Tasks"), "check", ("communications:task",)),
            Entry(
                "task-board",
                "communications:task_board",
                _("Task board"),
                "board",
                ("communications:task_board",),
            ),
            Entry(
                "events",
                "events:list",
                _("Events"),
                "clock",
                (
                    "events:list",
                    "events:detail",
                    "events:create",
                    "events:edit",
                    "events:close",
                    "events:overdue",
                ),
            ),
            Entry("calendar", "events:calendar", _("Calendar"), "calendar", ("events:calendar",)),
        ),
    ),
    Section(
        _("Sales"),
        (
            Entry("orders", "orders:list", _("Orders"), "cart", ("orders:list", "orders:detail")),
            Entry("products", "orders:product_list", _("Products"), "box", ("orders:product",)),
        ),
    ),
    Section(
        _("Finance"),
        (
            Entry(
                "receivables",
                "receivables:desk",
                _("Receivables"),
                "coins",
                ("receivables:desk", "receivables:partner", "receivables:preview", "receivables:run"),
            ),
            Entry("letters", "receivables:letters", _("Dunning letters"), "mail", ("receivables:letter",)),
        ),
    ),
    Section(
        _("Company"),
        (
            Entry("team", "team:index", _("Team"), "team", ("team:",), condition=_supervises_or_sees_all),
            Entry("org", "companies:organisation", _("Organisation"), "tree", ("companies:organisation",)),
            Entry("import", "imports:index", _("Import"), "upload", ("imports:",)),
            Entry("admin", "admin:index", _("Administration"), "gear", (), staff_only=True),
        ),
    ),
)

# The user menu (under the user's name in the top bar).
USER_MENU: tuple[Entry, ...] = (
    Entry("profile", "companies:profile", _("My settings"), current_for=("companies:profile",)),
    Entry("calendar-settings", "events:calendar_settings", _("Calendar connections")),
    Entry("api-tokens", "api:tokens", _("API tokens"), current_for=("api:",)),
    Entry("password", "password_change", _("Change password")),
)


@lru_cache(maxsize=256)
def _target(url_name: str, prefix: str, urlconf) -> tuple[str, str | None] | None:
    """(URL, the function its view requires) for a URL name, or None when it does not reverse."""
    try:
        url = reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None
    try:
        view = resolve(url, urlconf=urlconf).func
    except Resolver404:  # pragma: no cover - a reversed URL resolves
        return url, None
    return url, getattr(view, "required_function", None)


@dataclass(frozen=True)
class Link:
    key: str
    url: str
    label: str
    icon: str
    current: bool


def _allowed(entry: Entry, request: HttpRequest, functions: frozenset[str]) -> str | None:
    """The entry's URL if this user may open it, else None."""
    if entry.staff_only and not request.user.is_staff:
        return None
    target = _target(entry.url_name, get_script_prefix(), get_urlconf())
    if target is None:
        return None
    url, required = target
    for code in (required, entry.function):
        if code and code not in functions:
            return None
    if entry.condition is not None and not entry.condition(request):
        return None
    return url


def _is_current(entry: Entry, view_name: str) -> bool:
    return bool(view_name) and any(view_name.startswith(name) for name in entry.current_for)


def _links(entries, request, functions, view_name) -> list[Link]:
    links = []
    for entry in entries:
        url = _allowed(entry, request, functions)
        if url is not None:
            links.append(Link(entry.key, url, str(entry.label), entry.icon, _is_current(entry, view_name)))
    return links


def build_navigation(request: HttpRequest) -> dict:
    """{"sections": [(title, [Link, ...]), ...], "user_menu": [Link, ...]} for the logged-in member."""
    functions = access_of(getattr(request, "membership", None)).functions
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    sections = []
    for section in SECTIONS:
        links = _links(section.entries, request, functions, view_name)
        if links:
            sections.append((str(section.title), links))
    return {"sections": sections, "user_menu": _links(USER_MENU, request, functions, view_name)}


def navigation(request: HttpRequest) -> dict:
    """Context processor: `nav` for base.html, only for a logged-in member of an active company."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    if getattr(request, "membership", None) is None:
        return {}
    return {"nav": SimpleLazyObject(lambda: build_navigation(request))}
