"""'Share with a colleague' on a partner and a thread, and revoking any share (pages and form posts).

The records are named by kind in the URL and loaded by label, so this app imports none of the apps
whose records it shares. Managing shares is for the record's owner, their supervisors and whoever
sees the whole company (`can_manage_shares`). A record the viewer does not see answers 404, as its
own page does; one they see (e.g. shared with them) without managing it answers 403.
"""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from companies.models import Share
from companies.permissions import member_required
from companies.sharing import ShareForm, can_manage_shares, share_grant, share_revoke, shares_of
from companies.visibility import Viewer, get_visible_or_404

#: What can be shared by hand, by the kind named in the URL.
SHAREABLE = {"partner": "partners.PartnerAccount", "thread": "communications.Thread"}


def _managed(request: HttpRequest, model: type[models.Model], pk: int, refusal: str) -> models.Model:
    """A record the viewer sees (404 otherwise, as on its page); 403 unless they manage its shares."""
    viewer = Viewer.for_request(request)
    obj = get_visible_or_404(viewer, model, pk)
    if not can_manage_shares(viewer, obj):
        raise PermissionDenied(refusal)
    return obj


def _record(request: HttpRequest, kind: str, pk: int) -> models.Model:
    label = SHAREABLE.get(kind)
    if label is None:
        raise Http404
    refusal = _("Only its owner, their supervisors and administrators can share this.")
    return _managed(request, apps.get_model(label), pk, refusal)


def _title(obj: models.Model) -> str:
    """How the record is called on its page: a partner's name, a thread's subject."""
    partner = getattr(obj, "partner", None) if not hasattr(obj, "subject") else None
    return partner.name if partner is not None else str(getattr(obj, "subject", obj))


@member_required
def share_manage(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The "Shared with" list and the share form; a valid post shares and returns to the record."""
    obj = _record(request, kind, pk)
    viewer = Viewer.for_request(request)
    form = ShareForm(request.POST or None, viewer=viewer, obj=obj)
    if request.method == "POST" and form.is_valid():
        colleague = form.cleaned_data["user"]
        share = share_grant(obj=obj, user=colleague, actor=request.user, until=form.until_moment)
        if share.until:
            message = _("Shared with %(user)s until %(day)s.") % {
                "user": colleague,
                "day": date_format(share.last_day, "SHORT_DATE_FORMAT"),
            }
        else:
            message = _("Shared with %(user)s until revoked.") % {"user": colleague}
        messages.success(request, message)
        return redirect(obj.get_absolute_url())
    return render(
        request,
        "companies/share_manage.html",
        {
            "object": obj,
            "title": _title(obj),
            "kind": kind,
            "form": form,
            "shares": shares_of(obj),
            "can_manage": True,
        },
    )


@member_required
def share_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first; revoking on POST. Any share of a record whose shares the viewer manages."""
    share = get_object_or_404(
        Share.objects.select_related("user", "content_type", "granted_by"), pk=pk, company=request.company
    )
    model = share.content_type.model_class()
    if model is None:
        raise Http404
    refusal = _("Only its owner, their supervisors and administrators can revoke this.")
    obj = _managed(request, model, share.object_id, refusal)
    if request.method == "POST":
        share_revoke(share=share, actor=request.user)
        messages.success(request, _("%(user)s no longer sees it through a share.") % {"user": share.user})
        return redirect(obj.get_absolute_url())
    return render(
        request, "companies/share_confirm_revoke.html", {"share": share, "object": obj, "title": _title(obj)}
    )
