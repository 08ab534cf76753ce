"""/api/tokens/: a user's personal API tokens (create, list, revoke); company admins see them all."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from api.forms import TokenForm
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from companies.permissions import has_function, member_required

# Who manages the people of a company (memberships) also sees and revokes every API token in it.
MANAGE_TOKENS = "companies.change_membership"


def _company_tokens(request: HttpRequest):
    # The admin's list: tokens bound to the active company, of any member (not visibility-ruled
    # records but access keys, like memberships: the membership manager's to see).
    return ApiToken.objects.filter(company_id=request.company.pk).select_related("user", "revoked_by")


@member_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        token, raw = api_token_create(
            user=request.user,
            company=request.company,
            name=form.cleaned_data["name"],
            can_write=form.cleaned_data["can_write"],
            expires_at=form.expires_at(),
        )
        # Shown on this answer only: the page is not redirected, the secret is not stored.
        created = {"token": token, "raw": raw}
        form = TokenForm()
    is_admin = has_function(request, MANAGE_TOKENS)
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": ApiToken.objects.filter(user=request.user).select_related("company", "revoked_by"),
            "company_tokens": _company_tokens(request) if is_admin else None,
        },
        status=201 if created else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@member_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then revoke: one's own token, or any of the company's as its membership manager."""
    token = ApiToken.objects.filter(pk=pk).select_related("user", "company").first()
    mine = token is not None and token.user_id == request.user.pk
    admin = (
        token is not None and token.company_id == request.company.pk and has_function(request, MANAGE_TOKENS)
    )
    if not (mine or admin):
        raise Http404(_("Not found in this company."))
    if request.method == "POST":
        if api_token_revoke(token=token, actor=request.user):
            messages.success(
                request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name}
            )
        return redirect("api:tokens")
    return render(request, "api/token_confirm_revoke.html", {"token": token})
