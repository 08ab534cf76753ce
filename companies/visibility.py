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
``Model.objects.visible_to(viewer)``; nothing writes its own filter.
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest

from companies.access import access_of
from companies.hierarchy import subordinate_ids
from companies.models import Company, Membership, Share, User

SEE_ALL = "companies.view_all_company_data"


@dataclass
class Viewer:
    """A user acting in one company (the active company of a request, or a job's)."""

    user: User
    company: Company
    membership: Membership | None = None

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

    @property
    def function_codes(self) -> frozenset[str]:
        """From the access cache, as `has_function` / `function_required` read them."""
        return access_of(self.membership).functions

    def can(self, code: str) -> bool:
        return code in self.function_codes

    @cached_property
    def sees_all(self) -> bool:
        return self.membership is not None and self.can(SEE_ALL)

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
        if viewer.membership is None:
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
