"""What each user last picked on a list, remembered on their user row (``User.list_preferences``).

Page size: every list takes ``?per_page=`` 25, 50 or 100. A valid choice is used and remembered for
that list, so the next visit (a link without ``per_page``, the menu, a filter form) shows the same size.
Anything else (missing, "7", "abc", "100000") falls back to the remembered size, then to 25, silently:
a hand-edited address never gives an error page.

Reading costs no query (the user row is loaded for every request); a change costs one UPDATE, only when
the picked size differs from the remembered one.
"""

from django.http import HttpRequest

from companies.models import User

PAGE_SIZES = (25, 50, 100)
PAGE_SIZE_CHOICES = tuple(str(size) for size in PAGE_SIZES)  # as they appear in ?per_page=
DEFAULT_PER_PAGE = 25


def _size(value: object) -> int | None:
    """The page size `value` names, if it is one we offer."""
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    return int(text) if text in PAGE_SIZE_CHOICES else None


def remembered_per_page(user, list_name: str) -> int | None:
    preferences = getattr(user, "list_preferences", None)
    if not isinstance(preferences, dict):
        return None
    entry = preferences.get(list_name)
    return _size(entry.get("per_page")) if isinstance(entry, dict) else None


def remember_per_page(user: User, list_name: str, size: int) -> None:
    preferences = user.list_preferences if isinstance(user.list_preferences, dict) else {}
    entry = preferences.get(list_name)
    entry = dict(entry) if isinstance(entry, dict) else {}
    entry["per_page"] = size
    user.list_preferences = {**preferences, list_name: entry}
    User.objects.filter(pk=user.pk).update(list_preferences=user.list_preferences)


def per_page(request: HttpRequest, list_name: str) -> int:
    """The page size for `list_name`: ?per_page= if valid (remembered), else the remembered one, else 25."""
    user = request.user
    remembered = remembered_per_page(user, list_name)
    asked = _size(request.GET.get("per_page"))
    if asked is None:
        return remembered or DEFAULT_PER_PAGE
    if asked != remembered and getattr(user, "is_authenticated", False):
        remember_per_page(user, list_name, asked)
    return asked
