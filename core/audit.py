"""The audit trail: who changed which business record, in which company, when, and field by field how.

Built on django-auditlog: one LogEntry table whose `changes` JSON holds the field-level diff and whose
`additional_data` JSON holds {"company_id": ..., "job": ...}. Chosen over django-simple-history (a shadow
table per model) and django-pghistory (PostgreSQL triggers only; the embedded CRM runs on SQLite).

- `register_audited_models()` (from CoreConfig.ready) lists the audited models in one place.
- Web requests: `AuditlogMiddleware` below (auditlog's, with the client address taken the way the rest
  of the CRM takes it) makes the logged-in user the actor.
- Background jobs: every Celery task runs inside `acting_as_job(task.name)` (`connect_celery_actor()`),
  so its writes are recorded with the inactive "system-job" user as actor and the task name as "job".
- `history_for(obj, company)` gives the rows the `{% object_history obj %}` tag shows on object pages;
  `erase_contact_from_log(contact)` removes a contact's personal data from the log (GDPR erasure).

Everything here does nothing while "auditlog" is not in INSTALLED_APPS. Settings it needs:
    INSTALLED_APPS += ["auditlog"]
    MIDDLEWARE: "core.audit.AuditlogMiddleware" right after AuthenticationMiddleware
    AUDITLOG_CID_GETTER = "core.request_id.get_request_id"  (entries carry the request id of the logs)
"""

from __future__ import annotations

import contextlib
import copy
import logging
import operator
from collections.abc import Iterator
from contextvars import ContextVar
from functools import reduce
from typing import Any

# auditlog's context and middleware modules import no models, so they are safe at import time.
from auditlog.context import auditlog_value, disable_auditlog, set_actor
from auditlog.middleware import AuditlogMiddleware as _BaseAuditlogMiddleware
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import SimpleLazyObject

from core.request_id import _valid_ip, client_ip

logger = logging.getLogger(__name__)

SYSTEM_JOB_USERNAME = "system-job"
ERASED = "[erased]"

# The task (or other job) whose writes are being recorded, copied into every entry's additional_data.
_current_job: ContextVar[str | None] = ContextVar("crm_audit_job", default=None)

# Field names never worth a log entry: MPTT bookkeeping and django-celery-beat's run counters (beat
# saves every periodic task after each run; without this every minute would be "updated").
_MPTT_FIELDS = ["lft", "rght", "tree_id", "level"]


def _audited_models() -> list[tuple[str, dict[str, Any]]]:
    """(app_label.ModelName, auditlog.register options). Fresh lists: auditlog appends to them."""
    return [
        # Partners: the shared master data and each company's own data about a partner.
        ("partners.Partner", {}),
        ("partners.PartnerAddress", {}),
        ("partners.PartnerAccount", {"m2m_fields": {"tags"}}),
        ("partners.Turnover", {}),
        ("partners.Asset", {}),
        ("partners.OwnerChange", {}),
        # Contacts.
        ("contacts.Contact", {}),
        ("contacts.ContactRole", {}),
        ("contacts.ContactType", {}),
        ("contacts.GdprNoticeTemplate", {}),
        # Events.
        ("events.Event", {"m2m_fields": {"participants", "contacts"}}),
        ("events.EventType", {"m2m_fields": {"allowed_groups", "follow_up_types"}}),
        # Communications and tasks.
        ("communications.Thread", {"m2m_fields": {"orders"}}),
        ("communications.Communication", {}),
        ("communications.Task", {}),
        ("communications.Attachment", {}),
        ("orders.Order", {}),
        # The ERP import's lock: an administrator's release is logged (erp_sync.importer.lock_release).
        ("erp_sync.SyncState", {}),
        # Receivables: invoices, the dunning settings and the letters.
        ("receivables.Invoice", {}),
        ("receivables.DunningPolicy", {}),
        ("receivables.DunningThreshold", {}),
        ("receivables.LetterTemplate", {}),
        ("receivables.DunningLetter", {}),
        # Companies, people, memberships and the hierarchy.
        ("companies.Company", {}),
        ("companies.User", {"exclude_fields": ["password", "last_login"]}),
        ("companies.Membership", {"m2m_fields": {"groups"}}),
        ("companies.SupervisorEdge", {}),
        ("companies.Department", {"exclude_fields": list(_MPTT_FIELDS)}),
        ("companies.CalendarDay", {}),
        ("auth.Group", {"m2m_fields": {"permissions"}}),
        # Settings: the periodic job schedule admins edit.
        (
            "django_celery_beat.PeriodicTask",
            {"exclude_fields": ["last_run_at", "total_run_count", "date_changed"]},
        ),
        ("django_celery_beat.CrontabSchedule", {}),
    ]


# Models without a company of their own whose company is that of a related row.
_COMPANY_THROUGH = {"receivables.DunningThreshold": "policy"}


def is_enabled() -> bool:
    return apps.is_installed("auditlog")


def company_id_of(instance: models.Model) -> int | None:
    """The company a record belongs to; None for shared master data (partners, contacts, users...)."""
    if instance._meta.label == "companies.Company":
        return instance.pk
    if hasattr(instance, "company_id"):
        return instance.company_id
    relation = _COMPANY_THROUGH.get(instance._meta.label)
    if relation:
        field = instance._meta.get_field(relation)
        related_pk = getattr(instance, field.attname)
        if related_pk is None:
            return None
        # A query rather than the attribute: on a cascade delete the cached parent may be gone.
        return (
            field.related_model._base_manager.filter(pk=related_pk)
            .values_list("company_id", flat=True)
            .first()
        )
    return None


def _additional_data(self: models.Model) -> dict[str, Any]:
    """auditlog calls `instance.get_additional_data()` for every entry; attached to audited models."""
    data: dict[str, Any] = {"company_id": company_id_of(self)}
    job = _current_job.get()
    if job:
        data["job"] = job
    return data


def register_audited_models() -> None:
    if not is_enabled():
        return
    from auditlog.registry import auditlog

    for label, options in _audited_models():
        model = apps.get_model(label)  # a renamed model must fail loudly, not go unaudited
        existing = getattr(model, "get_additional_data", None)
        if existing is not None and existing is not _additional_data:
            raise TypeError(f"{label} defines get_additional_data; merge it with core.audit's.")
        model.get_additional_data = _additional_data
        # Only the model's own columns. Without this list auditlog diffs a created or deleted row over
        # _meta.get_fields(), reverse relations included: "contacts: partners.Contact.None" in the log,
        # and a missing reverse one-to-one (partner.erp_push) cached as None on the saved instance.
        excluded = set(options.get("exclude_fields", ()))
        options.setdefault(
            "include_fields",
            [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in excluded],
        )
        auditlog.register(model, **options)


# --- Actors -------------------------------------------------------------------------------------


def system_user():
    """The inactive user background jobs act as; made on first use (its creation is not audited)."""
    with disable_auditlog():
        user, _ = get_user_model().objects.get_or_create(
            username=SYSTEM_JOB_USERNAME,
            defaults={
                "first_name": "System",
                "last_name": "job",
                "is_active": False,
                "password": make_password(None),
            },
        )
    return user


@contextlib.contextmanager
def acting_as_job(name: str) -> Iterator[None]:
    """Records every audited write made inside as done by the job `name` (actor "system-job").

    The system user is looked up only when something is actually written. An enclosing actor (a web
    request running a task eagerly) is restored on the way out.
    """
    job_token = _current_job.set(name)
    if not is_enabled():
        try:
            yield
        finally:
            _current_job.reset(job_token)
        return
    outer = auditlog_value.get(None)
    try:
        with set_actor(SimpleLazyObject(system_user)):
            yield
    finally:
        _current_job.reset(job_token)
        if outer is not None:
            auditlog_value.set(outer)


# Open acting_as_job contexts per Celery task id; a list because an eager retry reuses the id.
_task_contexts: dict[str, list[contextlib.ExitStack]] = {}


def _on_task_prerun(task_id=None, task=None, **kwargs) -> None:
    stack = contextlib.ExitStack()
    stack.enter_context(acting_as_job(getattr(task, "name", None) or "celery"))
    _task_contexts.setdefault(task_id, []).append(stack)


def _on_task_postrun(task_id=None, **kwargs) -> None:
    stacks = _task_contexts.get(task_id)
    if not stacks:
        return
    stack = stacks.pop()
    if not stacks:
        _task_contexts.pop(task_id, None)
    stack.close()


def connect_celery_actor() -> None:
    """Every Celery task, in the worker or eager, runs inside `acting_as_job(task.name)`."""
    if not is_enabled():
        return
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_on_task_prerun, weak=False, dispatch_uid="crm-audit-job-prerun")
    task_postrun.connect(_on_task_postrun, weak=False, dispatch_uid="crm-audit-job-postrun")


class AuditlogMiddleware(_BaseAuditlogMiddleware):
    """auditlog's middleware (the logged-in user becomes the actor of every write in the request), with
    the client address taken as for login throttling: X-Forwarded-For only when
    settings.TRUST_X_FORWARDED_FOR says our own proxy set it, so a client cannot pick its address."""

    @staticmethod
    def _get_remote_addr(request):
        if getattr(settings, "AUDITLOG_DISABLE_REMOTE_ADDR", False):
            return None
        return _valid_ip(client_ip(request) or "")

    @staticmethod
    def _get_remote_port(request):
        if not getattr(settings, "TRUST_X_FORWARDED_FOR", False):
            return None
        return _BaseAuditlogMiddleware._get_remote_port(request)


# --- Reading the log ----------------------------------------------------------------------------


def _is_m2m_change(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "m2m"


def _shown(value: Any) -> str:
    """auditlog stores values as text, an empty value as "None"."""
    return "" if value is None or value == "None" else str(value)


def _field_label(model, name: str) -> str:
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a field that no longer exists keeps its name
            return name
    return name


def _foreign_key(model, name: str):
    """The many-to-one or one-to-one field `name` of `model`, or None."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete and (field.many_to_one or field.one_to_one) else None


def _related_names(entries) -> dict[tuple[type, str], str]:
    """(related model, pk as logged) -> the object's name, for every foreign key value in `entries`,
    read with one query per related model (auditlog's own display would query once per value)."""
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, value in (entry.changes_dict or {}).items():
            field = None if _is_m2m_change(value) else _foreign_key(model, name)
            if field is not None:
                wanted.setdefault(field.related_model, set()).update(
                    str(v) for v in value if v not in (None, "None", "")
                )
    names: dict[tuple[type, str], str] = {}
    for related, logged in wanted.items():
        pks = []
        for text in logged:
            # A value logged in another shape is shown as it was logged.
            with contextlib.suppress(ValidationError):
                pks.append(related._meta.pk.to_python(text))
        for pk, obj in related._base_manager.in_bulk(pks).items():
            names[(related, str(pk))] = str(obj)
    return names


def _change_rows(entry, related_names: dict[tuple[type, str], str]) -> list[dict[str, Any]]:
    """The entry's field-level changes: {"field", "kind": "changed", "old", "new"} for fields, or
    {"field", "kind": "added"/"removed", "objects"} for many-to-many fields."""
    changes = entry.changes_dict or {}
    model = entry.content_type.model_class()
    rows: list[dict[str, Any]] = []
    plain = {name: value for name, value in changes.items() if not _is_m2m_change(value)}
    keys = {name: _foreign_key(model, name) for name in plain}
    others = {name: value for name, value in plain.items() if keys[name] is None}
    display: dict[str, Any] = {}
    if others and model is not None:
        # auditlog's display dict for the other fields: choices by label, dates localised.
        display_entry = copy.copy(entry)
        display_entry.changes = others
        try:
            display = {str(label): values for label, values in display_entry.changes_display_dict.items()}
        except Exception:  # never let one history row break the page
            logger.exception("Audit entry %s could not be displayed", entry.pk)
    for name, values in plain.items():
        label = _field_label(model, name)
        field = keys[name]
        if field is not None:
            values = [related_names.get((field.related_model, str(v)), v) for v in values]
        else:
            values = display.get(label, values)
        old, new = _shown(values[0]), _shown(values[-1])
        if old != new:  # an empty field of a new row ("None" -> "") is no change worth a line
            rows.append({"field": label, "kind": "changed", "old": old, "new": new})
    for name, value in changes.items():
        if _is_m2m_change(value):
            rows.append(
                {
                    "field": _field_label(model, name),
                    "name": name,  # the field's name, for a page that must hide some objects
                    "kind": "added" if value.get("operation") == "add" else "removed",
                    "objects": ", ".join(value.get("objects") or []),
                    "object_list": list(value.get("objects") or []),
                }
            )
    return rows


def history_for(obj, company=None, limit: int = 50) -> list[dict[str, Any]]:
    """The newest `limit` entries about `obj`, ready for the history template.

    Entries recorded for another company than `company` are left out, so a shared record's history
    never shows what another company did in its own data (`company` None: only company-less entries).
    """
    if obj is None or not is_enabled() or not isinstance(obj, models.Model) or obj.pk is None:
        return []
    from auditlog.models import LogEntry

    visible = Q(additional_data__isnull=True) | Q(additional_data__company_id=None)
    visible |= Q(additional_data__company_id__isnull=True)
    if company is not None:
        visible |= Q(additional_data__company_id=company.pk)
    entries = list(
        LogEntry.objects.get_for_object(obj)
        .filter(visible)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )
    related_names = _related_names(entries)
    rows = []
    for entry in entries:
        data = entry.additional_data or {}
        actor = entry.actor
        rows.append(
            {
                "timestamp": entry.timestamp,
                "action": entry.action,
                "is_job": bool(actor and actor.username == SYSTEM_JOB_USERNAME),
                "job": data.get("job", ""),
                "actor": actor,
                "changes": _change_rows(entry, related_names),
            }
        )
    return rows


# --- GDPR erasure -------------------------------------------------------------------------------

_CONTACT_PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "position",
    "email",
    "email_other",
    "phone",
    "mobile",
    "notes",
)


def erase_contact_from_log(contact) -> int:
    """Removes an anonymised contact's personal data from the audit log; returns the entries changed.

    Call it at the end of the anonymisation, in its transaction. The log keeps that the fields changed,
    when and by whom, but not the values; the names the contact had are replaced wherever the log
    wrote them (its own entries, its roles' entries and the events it took part in).
    """
    if not is_enabled():
        return 0
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    own = list(LogEntry.objects.get_for_object(contact))
    current = str(type(contact)._base_manager.get(pk=contact.pk))  # as saved, even from a stale instance
    names = {entry.object_repr for entry in own} - {current, ""}
    changed = 0
    for entry in own:
        changes = entry.changes or {}
        for field in _CONTACT_PERSONAL_FIELDS:
            if field in changes and isinstance(changes[field], list):
                changes[field] = [ERASED for _ in changes[field]]
        entry.changes = changes
        entry.object_repr = current
        entry.save(update_fields=["changes", "object_repr"])
        changed += 1
    if not names:
        return changed

    def scrub(text: str) -> str:
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, current)
        return text

    role_type = ContentType.objects.get_for_model(apps.get_model("contacts", "ContactRole"))
    roles = LogEntry.objects.filter(content_type=role_type).filter(
        reduce(operator.or_, (Q(object_repr__startswith=f"{name}: ") for name in names))
    )
    for entry in roles.iterator():
        entry.object_repr = scrub(entry.object_repr)
        entry.save(update_fields=["object_repr"])
        changed += 1
    event_type = ContentType.objects.get_for_model(apps.get_model("events", "Event"))
    for entry in LogEntry.objects.filter(content_type=event_type, changes__has_key="contacts").iterator():
        value = (entry.changes or {}).get("contacts")
        if _is_m2m_change(value) and any(name in (value.get("objects") or []) for name in names):
            value["objects"] = [scrub(text) for text in value["objects"]]
            entry.save(update_fields=["changes"])
            changed += 1
    return changed
