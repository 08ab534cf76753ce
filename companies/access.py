"""What a logged-in user may do, read from the cache instead of five queries on every page.

Every page a member opens needs the same facts: their active memberships (the active company and the
company switcher), and for the active one the permission functions of its groups (menus, view checks,
visibility) and the group names (the sales roles of the meeting block). They change rarely, so they are
cached under a *generation* token. Any change that can alter them (a membership, its groups, a group's
permissions, a company, a user's active or superuser flag, a migration) replaces the token once its
transaction commits; the next request then reads fresh rows and no stale entry is ever read again.

The token is random, not a counter, so a cache that loses the token (eviction, a Redis restart) never
brings back entries of an earlier generation. Code that changes these tables without model signals
(``bulk_create``, ``QuerySet.update``) calls ``invalidate()`` itself. When the cache does not answer,
everything is read from the database, as before.
"""

import logging
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from companies.models import Company, Membership, User

log = logging.getLogger(__name__)

GENERATION_KEY = "access:generation"
ENTRY_SECONDS = 600


@dataclass(frozen=True)
class Access:
    """One membership's permission functions ("app_label.codename") and groups."""

    functions: frozenset[str]
    group_ids: frozenset[int]
    group_names: frozenset[str]


def invalidate() -> None:
    """Start a new generation: every cached access entry is from now on ignored."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # the cache is down: nothing is read from it either
        log.exception("could not renew the access cache generation")


def invalidate_on_commit(**kwargs) -> None:
    """Now, so this transaction's own later reads see the change, and again once it commits, so that no
    request that read the old rows meanwhile leaves them in the new generation."""
    invalidate()
    transaction.on_commit(invalidate)


def _generation() -> str | None:
    try:
        token = cache.get(GENERATION_KEY)
        if token is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(GENERATION_KEY)
        return token
    except Exception:
        log.exception("the access cache does not answer; reading from the database")
        return None


def _cached(key: str, compute):
    generation = _generation()
    if generation is None:
        return compute()
    key = f"access:{generation}:{key}"
    try:
        value = cache.get(key)
    except Exception:
        log.exception("the access cache does not answer; reading from the database")
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, ENTRY_SECONDS)
        except Exception:
            log.exception("could not store an access cache entry")
    return value


def memberships_of(user: User) -> list[Membership]:
    """The user's active memberships with their companies, by company name (one query when not cached)."""

    def compute():
        return list(
            Membership.objects.active().filter(user=user).select_related("company").order_by("company__name")
        )

    memberships = _cached(f"user:{user.pk}", compute)
    for membership in memberships:
        membership.user = user
    return memberships


def access_of(membership: Membership | None) -> Access:
    """The membership's functions and groups, combined with OR over its groups (two queries when not cached)."""
    if membership is None:
        return Access(frozenset(), frozenset(), frozenset())
    known = membership.__dict__.get("_access")
    if known is not None:  # asked before for this instance (a request asks several times)
        return known
    from companies.permissions import function_codes_for_membership

    def compute():
        groups = list(Group.objects.filter(memberships=membership).values_list("pk", "name"))
        return Access(
            functions=function_codes_for_membership(membership),
            group_ids=frozenset(pk for pk, _ in groups),
            group_names=frozenset(name for _, name in groups),
        )

    access = _cached(f"membership:{membership.pk}", compute)
    membership.__dict__["_access"] = access
    return access


def _user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every login saves last_login; nothing cached depends on it
    invalidate_on_commit()


def connect_signals() -> None:
    for model in (Membership, Company, Group, Permission):
        post_save.connect(invalidate_on_commit, sender=model, dispatch_uid=f"access-save-{model.__name__}")
        post_delete.connect(
            invalidate_on_commit, sender=model, dispatch_uid=f"access-delete-{model.__name__}"
        )
    post_save.connect(_user_saved, sender=User, dispatch_uid="access-save-user")
    post_delete.connect(invalidate_on_commit, sender=User, dispatch_uid="access-delete-user")
    m2m_changed.connect(invalidate_on_commit, sender=Membership.groups.through, dispatch_uid="access-groups")
    m2m_changed.connect(invalidate_on_commit, sender=Group.permissions.through, dispatch_uid="access-perms")
    post_migrate.connect(invalidate_on_commit, dispatch_uid="access-migrate")
