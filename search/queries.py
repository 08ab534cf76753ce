"""The global search: partners, contacts, communications and tasks the viewer may see, matching a text.

Everything is read through the visibility helper (`visible_to(viewer)`): the active company only,
the viewer's own and their subordinates' records (any depth), per-object grants, or the whole
company with `companies.view_all_company_data`. Partners and contacts follow the partner list's
rule: a partner is found when the viewer sees its account in the active company, a contact when
the viewer sees its partner. One query per kind, whatever the number of matches; each kind
fetches one row more than it shows, to know whether "show all" has more without counting.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from communications.models import Communication, Task
from companies.visibility import Viewer
from contacts.models import Contact
from partners.models import PartnerAccount
from search.matching import contact_condition, item_condition, matching_partners

TOP = 10


@dataclass
class ResultGroup:
    kind: str
    title: str | Promise
    items: list = field(default_factory=list)
    has_more: bool = False
    show_all_url: str = ""
    show_all_label: str | Promise = ""


def _partners(viewer: Viewer, text: str) -> QuerySet:
    return (
        PartnerAccount.objects.visible_to(viewer)
        .filter(partner_id__in=matching_partners(text).values("pk"))
        .select_related("partner", "owner")
        .order_by("partner__name", "pk")
    )


def _contacts(viewer: Viewer, text: str) -> QuerySet:
    return (
        Contact.objects.visible_to(viewer)
        .active()
        .filter(contact_condition(text))
        .select_related("partner")
        .order_by("last_name", "first_name", "pk")
    )


def _communications(viewer: Viewer, text: str) -> QuerySet:
    return (
        Communication.objects.visible_to(viewer)
        .filter(item_condition(text))
        .select_related("partner", "thread")
        .order_by("-created_at", "-pk")
    )


def _tasks(viewer: Viewer, text: str) -> QuerySet:
    return (
        Task.objects.visible_to(viewer)
        .filter(item_condition(text))
        .select_related("partner", "assignee")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class Kind:
    title: str | Promise
    function: str  # needed to see this kind at all
    rows: Callable[[Viewer, str], QuerySet]
    list_url: str = ""  # the list whose `q` filter shows every match
    show_all_label: str | Promise = ""


KINDS = {
    "partners": Kind(
        _("Partners"), "partners.view_partner", _partners, "partners:list", _("All matching partners")
    ),
    "contacts": Kind(_("Contacts"), "contacts.view_contact", _contacts),
    "communications": Kind(
        _("Communications"),
        "communications.view_communication",
        _communications,
        "communications:communication_list",
        _("All matching communications"),
    ),
    "tasks": Kind(
        _("Tasks"), "communications.view_task", _tasks, "communications:task_list", _("All matching tasks")
    ),
}


def global_search(viewer: Viewer, text: str, *, top: int = TOP) -> list[ResultGroup]:
    """The top `top` matches of each kind the viewer may see (one query per kind)."""
    groups = []
    for name, kind in KINDS.items():
        if not viewer.can(kind.function):
            continue
        found = list(kind.rows(viewer, text)[: top + 1])
        groups.append(
            ResultGroup(
                kind=name,
                title=kind.title,
                items=found[:top],
                has_more=len(found) > top,
                show_all_url=f"{reverse(kind.list_url)}?{urlencode({'q': text})}" if kind.list_url else "",
                show_all_label=kind.show_all_label,
            )
        )
    return groups
