"""What a logged-in user may do, read from the cache instead of five queries on every page.

Every page a member opens needs the same facts: their active memberships (the active company and the
company switcher), and for the active one the permission functions of its groups (menus, view checks,
visibility) and the group names (the sales roles of the meeting block). They change rarely, so they are
cached (``core.cache.Generations``): any change that can alter them (a membership, its groups, a group's
permissions, a company, a user's active or superuser flag, a migration) starts a new generation, now and
when its transaction commits, and the next request reads fresh rows. Code that changes these tables
without model signals (``bulk_create``, ``QuerySet.update``) calls ``invalidate()`` itself. Signals are
used here because the admin, the demo seed and the tests all change these rows; they only forget cached
facts and have no business effect. When the cache does not answer, the database does.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from companies.models import Company, Membership, User
from core.cache import Generations


@dataclass(frozen=True)
class Access:
    """One membership's permission functions ("app_label.codename") and groups."""

    functions: frozenset[str]
    group_ids: frozenset[int]
    group_names: frozenset[str]


CRM_APP_LABELS = (
    "companies",
    "partners",
    "contacts",
    "events",
    "orders",
    "communications",
    "receivables",
    "erp_sync",
    "team",
    "imports",
)


def crm_functions() -> QuerySet[Permission]:
    """The function list a permission group can be built from."""
    return (
        Permission.objects.filter(content_type__app_label__in=CRM_APP_LABELS)
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


def function_codes_for_membership(membership) -> frozenset[str]:
    """All "app_label.codename" a membership's groups allow, combined with OR (one query)."""
    if membership is None:
        return frozenset()
    if membership.user.is_superuser:
        rows = crm_functions().values_list("content_type__app_label", "codename")
    else:
        rows = (
            Permission.objects.filter(group__memberships=membership)
            .values_list("content_type__app_label", "codename")
            .distinct()
        )
    return frozenset(f"{app}.{codename}" for app, codename in rows)


ACCESS = Generations("access", entry_seconds=600)


def invalidate(**kwargs) -> None:
    """Start a new generation: every cached access entry is from now on ignored (now and on commit)."""
    ACCESS.renew_now_and_on_commit()


def memberships_of(user: User) -> list[Membership]:
    """The user's active memberships with their companies, by company name (one query when not cached)."""

    def compute():
        return list(
            Membership.objects.active().filter(user=user).select_related("company").order_by("company__name")
        )

    memberships = ACCESS.get(f"user:{user.pk}", compute)
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

    def compute():
        groups = list(Group.objects.filter(memberships=membership).values_list("pk", "name"))
        return Access(
            functions=function_codes_for_membership(membership),
            group_ids=frozenset(pk for pk, _ in groups),
            group_names=frozenset(name for _, name in groups),
        )

    access = ACCESS.get(f"membership:{membership.pk}", compute)
    membership.__dict__["_access"] = access
    return access


def only_a_login(update_fields) -> bool:
    """A user save that only records a login (every login saves ``last_login``): nothing cached from
    users (access, list toolbars) depends on it."""
    return update_fields is not None and set(update_fields) <= {"last_login"}


def _user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if not only_a_login(update_fields):
        invalidate()


def connect_signals() -> None:
    for model in (Membership, Company, Group, Permission):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"access-save-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"access-delete-{model.__name__}")
    post_save.connect(_user_saved, sender=User, dispatch_uid="access-save-user")
    post_delete.connect(invalidate, sender=User, dispatch_uid="access-delete-user")
    m2m_changed.connect(invalidate, sender=Membership.groups.through, dispatch_uid="access-groups")
    m2m_changed.connect(invalidate, sender=Group.permissions.through, dispatch_uid="access-perms")
    post_migrate.connect(invalidate, dispatch_uid="access-migrate")
