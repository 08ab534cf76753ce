"""Permission functions: declared once in code, checked one way everywhere.

Every protected action is a Django permission declared in code: the model
permissions Django generates for our apps plus the custom functions each app
lists in its models' ``Meta.permissions`` (for example
``companies.manage_hierarchy``). ``crm_functions()`` is exactly that list;
the admin offers it when building a permission group. A user's permissions
in a company are the union (OR) of the permissions of the groups on their
membership in that company.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import Permission
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The function list and a membership's functions are computed (and cached) in companies.access; they are
# re-exported here, where views and the admin look for them.
from companies.access import CRM_APP_LABELS, access_of, crm_functions, function_codes_for_membership

__all__ = ["CRM_APP_LABELS", "crm_functions", "function_codes_for_membership", "function_label"]

# The names Django stores for the permissions it generates ("Can view partner") are English text in the
# database; these say the same in the active language, with the model's translated name.
BUILTIN_FUNCTION_LABELS = {
    "add": gettext_lazy("Can add %(model)s"),
    "change": gettext_lazy("Can change %(model)s"),
    "delete": gettext_lazy("Can delete %(model)s"),
    "view": gettext_lazy("Can view %(model)s"),
}


def function_label(perm: Permission) -> str:
    """A function's name in the active language.

    ``Permission.name`` is stored in English; the label shown to people is the one declared in code: the
    model's ``Meta.permissions`` entry (a lazy translation) for our own functions, or "Can <action>
    <model>" with the model's translated name for the ones Django generates. Any other permission (its
    model is gone, or it is not declared in code) is shown through the catalogue as stored.
    """
    model = perm.content_type.model_class()
    if model is None:
        return _(perm.name)
    declared = dict(model._meta.permissions)
    if perm.codename in declared:
        return str(declared[perm.codename])
    action, _sep, model_name = perm.codename.partition("_")
    if model_name == model._meta.model_name and action in BUILTIN_FUNCTION_LABELS:
        return BUILTIN_FUNCTION_LABELS[action] % {"model": model._meta.verbose_name}
    return _(perm.name)


def _without_double_stop(text: str, company) -> str:
    """`text` without a second full stop where the company's name ends in one and the (translated)
    sentence ends right after it: "… Alfa Kft.", not "… Alfa Kft..".
    """
    name = str(company)
    return text.replace(f"{name}.", name) if name.endswith(".") else text


def has_function(request: HttpRequest, code: str) -> bool:
    """Whether the logged-in user may do `code` in their active company."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return False
    return code in access_of(membership).functions


def function_required(code: str) -> Callable:
    """View decorator: log in, have an active company, and hold the function `code`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(request, "membership", None) is None:
                raise PermissionDenied(_("You are not a member of any active company."))
            if not has_function(request, code):
                perm = (
                    crm_functions()
                    .filter(content_type__app_label=code.split(".")[0], codename=code.split(".")[1])
                    .first()
                )
                message = _("You need the permission “%(function)s” in %(company)s to do this.") % {
                    "function": function_label(perm) if perm else code,
                    "company": request.company,
                }
                raise PermissionDenied(_without_double_stop(message, request.company))
            return view(request, *args, **kwargs)

        wrapped.required_function = code
        return wrapped

    return decorator


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator: log in and have an active company (no specific function)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "membership", None) is None:
            raise PermissionDenied(_("You are not a member of any active company."))
        return view(request, *args, **kwargs)

    return wrapped


def members_with_function(company, code: str) -> QuerySet:
    """Active members of `company` whose groups there give the function `code` ("app_label.codename"),
    longest-standing first (the earliest membership in the company).

    Superusers count only through their groups: "who does this job here" is a question about the
    company's people, not about who could technically do everything.
    """
    from companies.models import Membership, User

    app_label, _dot, codename = code.partition(".")
    holding = Membership.objects.active().filter(
        company=company,
        groups__permissions__content_type__app_label=app_label,
        groups__permissions__codename=codename,
    )
    return (
        User.objects.filter(pk__in=holding.values("user_id"))
        .annotate(member_since=Min("memberships__pk", filter=Q(memberships__company=company)))
        .order_by("member_since", "pk")
    )
