"""The list toolbar's HTML, kept in the cache: drawn once per viewer, list, filters and page size.

The toolbar above a list (templatetags/list_toolbar.py) is the most expensive part of a list page that
does not change with the rows: the saved views (a query), the filter form with its member pickers (a
query and a few hundred options) and the chips. Its HTML depends only on

- the request: the path, the query string without the page number, the language and time zone, the
  viewer (user and company), the user's default view of the list, the page size in use;
- rows of a few "source" tables: the saved views, the members and their names, the supervisor edges
  (the event list's owner picker), the event and contact types (their pickers), the groups.

The first part is the cache key (an entry, zlib-compressed, is about 3 KB and lives ten minutes); the
second is a generation (core.cache.Generations) that a save or delete of any source row renews (model
signals, now and on commit; `watch` registers a source, each app for its own). A toolbar whose form picks
from any other table (say a partner, whose name the chip shows and the hourly ERP import may change) is
not cached, nor a list that shows nothing (its toolbar names the filters that hid everything). The CSRF
token of the toolbar's forms is not cached: the entry holds a placeholder that each request replaces with
its own token.
"""

import hashlib
import zlib

from django import forms
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from companies.access import only_a_login
from core.cache import Generations

TOOLBARS = Generations("list-toolbar", entry_seconds=600)
CSRF_PLACEHOLDER = "csrf0token0placeholder0b6f1d"
WATCHED: set[type[Model]] = set()


def forget(**kwargs) -> None:
    """Every cached toolbar is from now on ignored (a source row changed)."""
    TOOLBARS.renew_now_and_on_commit()


def _user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if not only_a_login(update_fields):  # a login changes no name and no picker
        forget()


def watch(*models: type[Model]) -> None:
    """The toolbars' pickers or chips show rows of these models: a change draws the toolbars again."""
    from companies.models import User

    for model in models:
        WATCHED.add(model)
        receiver = _user_saved if model is User else forget
        post_save.connect(receiver, sender=model, dispatch_uid=f"list-toolbar-save-{model._meta.label}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"list-toolbar-delete-{model._meta.label}")


def watch_links(*through_models: type[Model]) -> None:
    """Many-to-many links the toolbars depend on (a member's groups: who sees every owner)."""
    for through in through_models:
        m2m_changed.connect(forget, sender=through, dispatch_uid=f"list-toolbar-m2m-{through._meta.label}")


def _sources_watched(form: forms.Form | None, query) -> bool:
    """False when a field of the form shows rows of a table no signal watches (its options, or a chip)."""
    if form is None:
        return True
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or queryset.model in WATCHED:
            continue
        if not isinstance(field.widget, forms.HiddenInput) or query.get(name, "") != "":
            return False
    return True


def _key(request, arguments, page) -> str:
    filterset, list_name, quick, search, hide, hint, target, columns = arguments
    from companies.saved_views import default_view_id

    query = sorted((key, value) for key, values in request.GET.lists() if key != "page" for value in values)
    parts = (
        request.path,
        repr(query),
        list_name,
        quick,
        search,
        hide,
        str(hint),
        target,
        repr(sorted(columns.shown)) if columns is not None else "",
        translation.get_language(),
        timezone.get_current_timezone_name(),
        str(request.company.pk),
        str(request.user.pk),
        str(default_view_id(request.user, list_name)),
        str(page.paginator.per_page) if page is not None else "",
    )
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=20).hexdigest()


def cached_toolbar(request, arguments, page, draw, csrf_token) -> SafeString:
    """The toolbar's HTML: from the cache when its sources allow, else `draw(csrf_token)`."""
    filterset = arguments[0]
    form = filterset.form if filterset is not None else None
    if getattr(request, "membership", None) is None or not _sources_watched(form, request.GET):
        return mark_safe(draw(csrf_token))  # noqa: S308 - the template escaped it
    # Kept compressed: 8-16 KB of HTML with a few hundred member options become 1-2 KB in Redis.
    packed = TOOLBARS.get(
        _key(request, arguments, page), lambda: zlib.compress(draw(CSRF_PLACEHOLDER).encode(), 1)
    )
    html = zlib.decompress(packed).decode()
    token = str(csrf_token) if csrf_token else ""
    if token == "NOTPROVIDED":
        token = ""
    return mark_safe(html.replace(CSRF_PLACEHOLDER, token))  # noqa: S308 - the template escaped it
