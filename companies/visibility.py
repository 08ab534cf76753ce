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
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import OrderBy, RawSQL
from django.db.models.sql.where import AND, OR
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

import core.lookups  # noqa: F401  (registers `any_of`, used by the visibility rule)
from companies.access import access_of
from companies.hierarchy import subordinate_ids
from companies.models import Company, Membership, Share, User
from core.paging import ordering_keys

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
            condition |= Q(**{f"{owner_field}_id__any_of": ids})
        if self.participant_field:
            through = self.model._meta.get_field(self.participant_field).remote_field.through
            source = self.model._meta.model_name
            condition |= Exists(through.objects.filter(**{source: OuterRef("pk"), "user_id__any_of": ids}))
        condition |= self.extra_visibility(viewer, ids)
        condition |= Q(pk__in=granted_pks(viewer, self.model))
        visible = queryset.filter(condition)
        # Where the rule sits in the WHERE (a query's clones copy this; later filters are appended
        # after it), so `VisibleRows` can leave it out of its per-owner parts, which say it themselves.
        visible.query.visibility_child = len(visible.query.where.children) - 1
        return visible

    def extra_visibility(self, viewer: Viewer, ids: frozenset[int]) -> Q:
        """More ways to see a row, OR-ed with ownership (override per model)."""
        return Q(pk__in=[])

    def visibility_branches(self, viewer: Viewer) -> list[tuple[str | None, Q]] | None:
        """The visibility rule as disjoint parts, for `VisibleRows`: ``(owner field, condition)``.

        An owner field is walked once per visible user (``field = user``, the rows of an earlier
        owner field left out, so no row comes twice); ``None`` is the shares' part (shared rows that
        no owner field shows). Together they are exactly `visible_to` (the rows still carry its
        filter too). None when the model has other ways to be seen (participants, an
        `extra_visibility`): those lists read the plain queryset.
        """
        if self.participant_field or type(self).extra_visibility is not CompanyOwnedQuerySet.extra_visibility:
            return None
        ids = viewer.visible_user_ids
        branches, before = [], Q()
        for owner_field in self.owner_fields:
            branches.append((owner_field, before))
            before &= ~Q(**{f"{owner_field}_id__any_of": ids})
        branches.append((None, Q(pk__in=granted_pks(viewer, self.model)) & before))
        return branches


def _without_visibility_rule(queryset: models.QuerySet) -> models.QuerySet:
    """The queryset without the OR of `visible_to` (its company filter and every other filter kept).

    Each part of `VisibleRows` is visible by construction (an owner field equal to one visible user,
    or a shared row), so repeating the rule's OR there only costs: it names columns the part's index
    lacks and turns a count that an index-only scan answers in 0.3 ms into heap reads of every row
    (17 ms for a sales user's 1,001 tasks). The rule stays on the query that loads the page's rows.
    """
    part = queryset._chain()
    where, index = part.query.where, getattr(part.query, "visibility_child", None)
    if (
        index is not None
        and where.connector == AND
        and not where.negated
        and index < len(where.children)
        and getattr(where.children[index], "connector", None) == OR
    ):
        del where.children[index]
        part.query.visibility_child = None
    return part


class VisibleRows:
    """A visible, filtered, ordered list read a page at a time, reading about the rows it shows.

    ``visible_to`` is one OR (owner, subordinates, shares): PostgreSQL cannot walk an index in the
    list's order through it, so a page of 100 sorted every visible row. Here each part of the rule
    (`visibility_branches`) reads its own rows in the list's order and stops after the page:
    ``unnest(visible users) CROSS JOIN LATERAL (... WHERE author_id = user ORDER BY deadline LIMIT n)``,
    the parts (disjoint) merged by UNION ALL, ordered, limited; the page then loads those primary
    keys through the list's own queryset (its filters, visibility, select_related, only). The count
    stops at its cap the same way (unordered parts under one LIMIT).

    Same rows in the same order as the queryset (``tests/companies/test_visibility_equivalence.py``),
    given an ordering that ends in a unique key (every list ends in ``-pk``). Sliced and counted like
    a queryset by `CappedPaginator`; anything else (iterating, `len`) reads the plain queryset.
    """

    ordered = True

    def __init__(self, queryset: models.QuerySet, viewer: Viewer, branches, keys: list[OrderBy]):
        self.queryset = queryset
        self.viewer = viewer
        self.branches = branches
        self.keys = keys
        self.model = queryset.model

    def _part(
        self, owner_field: str | None, condition: Q, limit: int, ordered: bool
    ) -> tuple[str, list] | None:
        # One clone, then built in place: a QuerySet call per step cloned the whole query each time
        # (six steps, three parts, page and count: 3-5 ms of a sales user's page).
        query = _without_visibility_rule(self.queryset).query
        query.add_q(condition)
        if owner_field is not None:
            query.add_q(Q(**{f"{owner_field}_id": RawSQL('"vis_u"."uid"', ())}))
        names = {f"vis_k{i}": key.expression for i, key in enumerate(self.keys)} if ordered else {}
        for alias, expression in {"vis_pk": F("pk"), **names}.items():
            query.add_annotation(expression, alias, select=True)
        query.set_values(["vis_pk", *names])
        query.clear_ordering(force=True)  # and the model's default: an unordered part has none
        if ordered:
            query.add_ordering(
                *(
                    OrderBy(
                        F(name),
                        descending=key.descending,
                        nulls_first=key.nulls_first,
                        nulls_last=key.nulls_last,
                    )
                    for name, key in zip(names, self.keys, strict=True)
                )
            )
        query.set_limits(high=limit)
        try:
            sql, params = query.get_compiler(using=self.queryset.db).as_sql()
        except EmptyResultSet:  # a part that can hold nothing
            return None
        if owner_field is None:
            return f"SELECT * FROM ({sql}) AS vis_s", list(params)  # noqa: S608 (Django's SQL)
        users = sorted(self.viewer.visible_user_ids)
        return (  # Django's compiled SQL and fixed names, values as parameters
            f'SELECT "vis_b".* FROM unnest(%s::bigint[]) AS "vis_u"("uid") CROSS JOIN LATERAL ({sql}) AS "vis_b"',  # noqa: S608
            [users, *params],
        )

    def _union(self, limit: int, ordered: bool) -> tuple[str, list] | None:
        parts = [self._part(field, condition, limit, ordered) for field, condition in self.branches]
        parts = [part for part in parts if part is not None]
        if not parts:
            return None
        sql = " UNION ALL ".join(f"({part})" for part, _params in parts)
        params = [param for _part, part_params in parts for param in part_params]
        if ordered:
            order = ", ".join(
                f'"vis_k{i}" {"DESC" if key.descending else "ASC"}'
                + (" NULLS FIRST" if key.nulls_first else " NULLS LAST" if key.nulls_last else "")
                for i, key in enumerate(self.keys)
            )
            return f'SELECT "vis_pk" FROM ({sql}) AS "vis_all" ORDER BY {order} LIMIT %s', [*params, limit]  # noqa: S608
        return f'SELECT 1 FROM ({sql}) AS "vis_all" LIMIT %s', [*params, limit]  # noqa: S608

    def __getitem__(self, item):
        if not isinstance(item, slice) or item.step is not None or item.stop is None:
            return self.queryset[item]
        start, stop = item.start or 0, item.stop
        if stop <= start:
            return self.queryset.none()
        union = self._union(stop, ordered=True)
        if union is None:
            return self.queryset.none()
        sql, params = union
        # An array, not IN (subquery): the planner then knows it fetches a page by primary key.
        pk = f'"{self.model._meta.db_table}"."{self.model._meta.pk.column}"'
        wanted = RawSQL(f"{pk} = ANY(ARRAY({sql}))", params, output_field=models.BooleanField())  # noqa: S611
        return self.queryset.filter(wanted)[start:stop]

    def capped_count(self, limit: int) -> int:
        """The number of rows, counting at most `limit` (each part stops once the total is reached)."""
        union = self._union(limit, ordered=False)
        if union is None:
            return 0
        sql, params = union
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS vis_c", params)  # noqa: S608
            return cursor.fetchone()[0]

    def count(self) -> int:
        return self.queryset.count()

    def filter(self, *args, **kwargs) -> "VisibleRows":
        """The same list with one more condition (keyset paging: the rows after a given row)."""
        return VisibleRows(self.queryset.filter(*args, **kwargs), self.viewer, self.branches, self.keys)

    def __iter__(self):
        return iter(self.queryset)

    def __len__(self) -> int:
        return len(self.queryset)


# Up to this many visible people a list reads per person (`VisibleRows`); above it, the plain query.
# Walking the company's index in the list's order and dropping the rows the viewer may not see reads
# about page x members / visible people rows; the per-person parts read about page x visible people
# (and JIT-compile above some size): the parts win for a few people (a sales user), the walk for a
# manager of dozens or a director (measured on the reference data: bench/README.md, issue 17).
BRANCHED_UP_TO = 12


def visible_rows(queryset: models.QuerySet, viewer: Viewer, *, up_to: int = BRANCHED_UP_TO):
    """A list's page source: `VisibleRows` where it helps (PostgreSQL, a viewer who sees only a few
    people's records, an ordering it can merge), else the queryset itself (read in the order of the
    company's list index, stopping after the page)."""
    if not viewer.has_access or viewer.sees_all or connections[queryset.db].vendor != "postgresql":
        return queryset
    if len(viewer.visible_user_ids) > up_to:
        return queryset
    branches = getattr(queryset, "visibility_branches", lambda viewer: None)(viewer)
    keys = ordering_keys(queryset)
    query = queryset.query
    if branches is None or keys is None or query.is_sliced or query.distinct or query.is_empty():
        return queryset
    return VisibleRows(queryset, viewer, branches, keys)


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
