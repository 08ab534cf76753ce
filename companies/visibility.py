"""The one visibility helper: which company records a user may see.

A user sees, inside one company:
1. records they own,
2. records owned by anyone they supervise, at any depth,
3. records shared with them (a `companies.models.Share`: made by a mention or
   an assignment, or by hand, e.g. a colleague covering a holiday, optionally
   until a moment; an expired share stops counting at once, without a job),
4. every record of the company when their groups there hold
   ``companies.view_all_company_data`` (finance, management).

Views and background jobs get their querysets through
``Model.objects.visible_to(viewer)``, and single objects through
``get_visible_or_404(request, Model, pk)`` (``get_readable_or_404`` for thread
items); a background job reads as ``Viewer.for_job(company)``. Nothing writes
its own company filter: ``tests/test_visibility_scan.py`` fails on one.
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from companies.access import access_of
from companies.hierarchy import subordinate_ids
from companies.models import Company, Membership, Share, User

SEE_ALL = "companies.view_all_company_data"


@dataclass
class Viewer:
    """A user acting in one company (the active company of a request), or a background job.

    A viewer without an active membership sees nothing; a job's viewer (`for_job`) has no user and
    sees the whole company.
    """

    user: User | None
    company: Company
    membership: Membership | None = None
    is_job: bool = False

    @classmethod
    def for_request(cls, request: HttpRequest) -> "Viewer":
        viewer = getattr(request, "_viewer", None)
        if viewer is None:
            if getattr(request, "membership", None) is None:
                raise Http404
            viewer = cls(user=request.user, company=request.company, membership=request.membership)
            request._viewer = viewer
        return viewer

    @classmethod
    def for_user(cls, user: User, company: Company) -> "Viewer":
        """For background jobs: the user's view of one company."""
        membership = (
            Membership.objects.active().filter(user=user, company=company).select_related("user").first()
        )
        return cls(user=user, company=company, membership=membership)

    @classmethod
    def for_job(cls, company: Company) -> "Viewer":
        """A background job's view of one company: every record of it, and nothing of another.

        The job acts as the system (no user, no membership, no query to build it): it sees what
        ``companies.view_all_company_data`` would show, always inside `company`. Jobs still pass
        their actor explicitly to the services that write (``actor=core.audit.system_user()``);
        the viewer only decides what they read.
        """
        return cls(user=None, company=company, is_job=True)

    @property
    def has_access(self) -> bool:
        """An active member of the company, or a job working on it: anyone else sees nothing."""
        return self.is_job or self.membership is not None

    @property
    def function_codes(self) -> frozenset[str]:
        """From the access cache, as `has_function` / `function_required` read them."""
        return access_of(self.membership).functions

    def can(self, code: str) -> bool:
        return code in self.function_codes

    @cached_property
    def sees_all(self) -> bool:
        return self.is_job or (self.membership is not None and self.can(SEE_ALL))

    @cached_property
    def visible_user_ids(self) -> frozenset[int]:
        """The user and everyone below them in this company (one query, cached)."""
        if self.membership is None:
            return frozenset()
        below = subordinate_ids(user_id=self.user.pk, company_id=self.company.pk)
        return frozenset(below | {self.user.pk})


def granted_pks(viewer: Viewer, model: type[models.Model]):
    """Subquery of primary keys of `model` shared with the viewer in their company, shares in force now."""
    return (
        Share.objects.active()
        .filter(
            user_id=viewer.user.pk,
            company_id=viewer.company.pk,
            content_type=ContentType.objects.get_for_model(model),
        )
        .values("object_id")
    )


class CompanyOwnedQuerySet(models.QuerySet):
    """For models with a `company` and one or more owner fields (user FKs).

    `participant_field` names a many-to-many to users whose members also see
    the record (e.g. an event's participants), checked with EXISTS so rows
    are never duplicated.
    """

    owner_fields: tuple[str, ...] = ("owner",)
    participant_field: str | None = None

    def in_company(self, company: Company):
        return self.filter(company=company)

    def visible_to(self, viewer: Viewer):
        if not viewer.has_access:
            return self.none()
        queryset = self.filter(company_id=viewer.company.pk)
        if viewer.sees_all:
            return queryset
        ids = viewer.visible_user_ids
        condition = Q()
        for owner_field in self.owner_fields:
            condition |= Q(**{f"{owner_field}_id__in": ids})
        if self.participant_field:
            through = self.model._meta.get_field(self.participant_field).remote_field.through
            source = self.model._meta.model_name
            condition |= Exists(through.objects.filter(**{source: OuterRef("pk"), "user_id__in": ids}))
        condition |= self.extra_visibility(viewer, ids)
        condition |= Q(pk__in=granted_pks(viewer, self.model))
        return queryset.filter(condition)

    def extra_visibility(self, viewer: Viewer, ids: frozenset[int]) -> Q:
        """More ways to see a row, OR-ed with ownership (override per model)."""
        return Q(pk__in=[])


def _viewer(request_or_viewer: HttpRequest | Viewer) -> Viewer:
    if isinstance(request_or_viewer, Viewer):
        return request_or_viewer
    return Viewer.for_request(request_or_viewer)


def _queryset(model_or_queryset) -> models.QuerySet:
    if isinstance(model_or_queryset, models.QuerySet):
        return model_or_queryset
    return model_or_queryset._default_manager.all()


def _first_or_404(
    queryset: models.QuerySet, lookup: dict, select_related, prefetch_related, for_update=False
):
    if select_related:
        queryset = queryset.select_related(*select_related)
    if prefetch_related:
        queryset = queryset.prefetch_related(*prefetch_related)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404(_("Not found in this company."))
    return obj


def get_visible_or_404(
    request_or_viewer: HttpRequest | Viewer,
    model_or_queryset: type[models.Model] | models.QuerySet,
    pk,
    *,
    field: str = "pk",
    for_update: bool = False,
    select_related: tuple[str, ...] = (),
    prefetch_related: tuple[str, ...] = (),
):
    """The one object loader: the row with `field` == `pk` that the viewer sees, else 404.

    Another company's record and a colleague's private one answer alike. `model_or_queryset` is a
    model or a queryset of it (``Membership.objects.active()``); `field` loads by another unique
    key (``PartnerAccount`` by ``partner_id``); `for_update` locks the row (inside a transaction).
    One query, the visibility rule's subqueries inside it.
    """
    queryset = _queryset(model_or_queryset).visible_to(_viewer(request_or_viewer))
    return _first_or_404(queryset, {field: pk}, select_related, prefetch_related, for_update)


def get_readable_or_404(
    request_or_viewer: HttpRequest | Viewer,
    model_or_queryset,
    pk,
    *,
    select_related: tuple[str, ...] = (),
    prefetch_related: tuple[str, ...] = (),
):
    """A thread item (communication, task) to read: ``(item, own)``, else 404.

    Whoever sees a thread reads its whole timeline and downloads all its attachments, so the items
    listed there open too (a colleague's call in the seller's own thread): ``readable_by``. `own`
    says whether the viewer sees the item itself (``visible_to``), which editing needs. One query
    for the viewer's own item, two for another item of a thread they see.
    """
    viewer = _viewer(request_or_viewer)
    related = {"select_related": select_related, "prefetch_related": prefetch_related}
    try:
        return get_visible_or_404(viewer, model_or_queryset, pk, **related), True
    except Http404:
        readable = _queryset(model_or_queryset).readable_by(viewer)
        return _first_or_404(readable, {"pk": pk}, select_related, prefetch_related), False
