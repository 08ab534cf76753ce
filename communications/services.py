"""Writes on threads, communications and tasks: numbering, mentions, shares, notifications, attachments."""

from django.db import transaction
from django.utils.translation import gettext_noop

from communications import mentions
from communications.attachments import attachments_add
from communications.models import Communication, Task, Thread, ThreadItem
from communications.notifications import notify
from communications.numbering import next_number
from companies.models import Company, ShareReason, User
from companies.sharing import share_grant_many
from ops.domain_events import publish


def _reach(item, *, company: Company, actor: User, assigned: set[int], mentioned: set[int]) -> None:
    """Everyone one save reaches (a new assignee, people and departments newly mentioned):

    1. the item is shared with each of them, so the notification's link opens (reason: assignment,
       else mention);
    2. each gets one notification (and at most one e-mail) naming every reason, never one per reason.
    """
    assigned = assigned - {actor.pk}
    mentioned = mentioned - {actor.pk}
    if assigned:
        share_grant_many(obj=item, user_ids=assigned, actor=actor, reason=ShareReason.ASSIGNMENT)
    if mentioned - assigned:
        share_grant_many(obj=item, user_ids=mentioned - assigned, actor=actor, reason=ShareReason.MENTION)
    groups = (
        (
            assigned & mentioned,
            "assign",
            gettext_noop("%(actor)s assigned %(item)s to you and mentioned you"),
        ),
        (assigned - mentioned, "assign", gettext_noop("%(actor)s assigned %(item)s to you")),
        (mentioned - assigned, "mention", gettext_noop("%(actor)s mentioned you in %(item)s")),
    )
    for recipients, verb, message in groups:
        notify(
            recipient_ids=recipients,
            company=company,
            actor=actor,
            verb=verb,
            message=message,
            params={"actor": actor, "item": item},
            url=item.get_absolute_url(),
        )


def _newly_assigned(item, previous_assignee_id: int | None) -> set[int]:
    if item.assignee_id and item.assignee_id != previous_assignee_id:
        return {item.assignee_id}
    return set()


def _mentions_sync(item, *, company: Company, actor: User, old_text: str) -> set[int]:
    """Store the item's mentions; the people newly reached, notified by the caller."""
    return mentions.mentions_sync(
        source=item,
        company=company,
        old_text=old_text,
        new_text=item.description,
        actor=actor,
        notify_now=False,
    )


def _stored(item, *fields: str) -> dict:
    """The values as saved in the database (a bound ModelForm has already changed the instance)."""
    return type(item).objects.filter(pk=item.pk).values(*fields).get()


@transaction.atomic
def thread_create(
    *, company: Company, owner: User, subject: str, description: str = "", orders=(), **counterparty
) -> Thread:
    thread = Thread.objects.create(
        company=company, owner=owner, subject=subject, description=description, **counterparty
    )
    if orders:
        thread.orders.set(orders)
    reached = _mentions_sync(thread, company=company, actor=owner, old_text="")
    _reach(thread, company=company, actor=owner, assigned=set(), mentioned=reached)
    return thread


@transaction.atomic
def thread_update(*, thread: Thread, actor: User, orders=None, **fields) -> Thread:
    old_text = _stored(thread, "description")["description"]
    for name, value in fields.items():
        setattr(thread, name, value)
    thread.save()
    if orders is not None:
        thread.orders.set(orders)
    reached = _mentions_sync(thread, company=thread.company, actor=actor, old_text=old_text)
    _reach(thread, company=thread.company, actor=actor, assigned=set(), mentioned=reached)
    return thread


def _thread_for(
    company: Company, author: User, thread: Thread | None, subject: str, counterparty: dict
) -> Thread:
    """The chosen thread, or a new one on the item's subject and counterparty."""
    if thread is not None:
        return thread
    return thread_create(company=company, owner=author, subject=subject, **counterparty)


@transaction.atomic
def thread_item_create(
    model: type[ThreadItem],
    *,
    company: Company,
    author: User,
    subject: str,
    thread: Thread | None = None,
    new_thread_subject: str = "",
    description: str = "",
    files=(),
    partner=None,
    counterparty_text: str = "",
    **fields,
) -> ThreadItem:
    """Record a communication or a task (`model`); it joins `thread` or starts a new one.

    1. Take the next number of its series (IN/OUT/T, year) under a row lock: no gap, no duplicate.
    2. Save, store mentions, notify the assignee and newly mentioned people, attach the files.
    """
    counterparty = {"partner": partner, "counterparty_text": "" if partner else counterparty_text}
    thread = _thread_for(company, author, thread, new_thread_subject or subject, counterparty)
    item = model(
        company=company,
        thread=thread,
        author=author,
        subject=subject,
        description=description,
        **counterparty,
        **fields,
    )
    item.number = next_number(company=company, prefix=item.number_prefix())
    item.status_settle()
    item.save(force_insert=True)
    _item_saved(item, actor=author, files=files, old_text="", old_assignee_id=None)
    publish(f"{item.kind}.created", company_id=company.pk, data=lambda: _item_data(item))
    return item


@transaction.atomic
def thread_item_update(item: ThreadItem, *, actor: User, files=(), **fields) -> ThreadItem:
    """Save edits of a communication or task; notify a new assignee and newly mentioned people only."""
    stored = _stored(item, "assignee_id", "description", "status")
    if fields.get("partner") is not None:
        fields["counterparty_text"] = ""
    for name, value in fields.items():
        setattr(item, name, value)
    item.status_settle()
    item.save()
    _item_saved(
        item,
        actor=actor,
        files=files,
        old_text=stored["description"],
        old_assignee_id=stored["assignee_id"],
    )
    if item.kind == "task" and item.status != stored["status"]:
        data = lambda: {**_item_data(item), "previous_status": stored["status"]}  # noqa: E731
        publish("task.status_changed", company_id=item.company_id, data=data)
    return item


def _item_data(item: ThreadItem) -> dict:
    """What a webhook says about a communication or task (docs/webhooks.md)."""
    data = {
        "id": item.pk,
        "number": item.number,
        "subject": item.subject,
        "status": item.status,
        "thread_id": item.thread_id,
        "partner_id": item.partner_id,
        "counterparty_text": item.counterparty_text,
        "author_id": item.author_id,
        "assignee_id": item.assignee_id,
        "created_at": item.created_at,
    }
    for name in ("direction", "channel", "deadline"):
        if hasattr(item, name):
            data[name] = getattr(item, name)
    return data


def _item_saved(item: ThreadItem, *, actor: User, files, old_text: str, old_assignee_id: int | None):
    reached = _mentions_sync(item, company=item.company, actor=actor, old_text=old_text)
    _reach(
        item,
        company=item.company,
        actor=actor,
        assigned=_newly_assigned(item, old_assignee_id),
        mentioned=reached,
    )
    attachments_add(thread=item.thread, files=files, user=actor, **{item.kind: item})
    return item


def communication_create(
    *, company: Company, author: User, direction: str, channel: str, **fields
) -> Communication:
    return thread_item_create(
        Communication, company=company, author=author, direction=direction, channel=channel, **fields
    )


def communication_update(*, communication: Communication, actor: User, **fields) -> Communication:
    return thread_item_update(communication, actor=actor, **fields)


def task_create(*, company: Company, author: User, **fields) -> Task:
    return thread_item_create(Task, company=company, author=author, **fields)


def task_update(*, task: Task, actor: User, **fields) -> Task:
    return thread_item_update(task, actor=actor, **fields)


@transaction.atomic
def communication_copy_to_task(*, communication: Communication, actor: User) -> Task:
    """A task in the same thread, pre-filled from the communication and linked back to it."""
    return task_create(
        company=communication.company,
        author=actor,
        thread=communication.thread,
        subject=communication.subject,
        description=communication.description,
        partner=communication.partner,
        counterparty_text=communication.counterparty_text,
        assignee=communication.assignee,
        source_communication=communication,
    )
