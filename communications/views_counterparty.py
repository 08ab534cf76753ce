"""The free-text counterparties page: records whose counterparty is typed text, promoted to a partner.

Served under /partners/counterparties/ (it is a partner-master task), but lives in communications,
whose records it reads and links (docs/architecture.md, "Layers").
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communications.counterparty import counterparty_promote, free_text_counterparties
from companies.permissions import function_required
from companies.visibility import Viewer, get_visible_or_404
from partners import services as partner_services
from partners.models import Partner


@function_required("partners.promote_counterparty")
def counterparty_list(request: HttpRequest) -> HttpResponse:
    """Free-text counterparties waiting to become partners."""
    query = request.GET.get("q", "").strip()[:100]
    entries = free_text_counterparties(request.company, query)
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    partners = Partner.objects.visible_to(Viewer.for_request(request)).order_by("name")
    return render(
        request, "communications/counterparty_list.html", {"page": page, "query": query, "partners": partners}
    )


@function_required("partners.promote_counterparty")
def counterparty_promote_view(request: HttpRequest) -> HttpResponse:
    """Link the records carrying a free-text counterparty to an existing partner, or create one from it."""
    if request.method != "POST":
        return redirect("communications:counterparties")
    text = request.POST.get("text", "").strip()[:255]
    if not text:
        messages.error(request, _("Choose a counterparty to promote."))
        return redirect("communications:counterparties")
    partner_id = request.POST.get("partner", "")
    if partner_id.isdigit():
        partner = get_visible_or_404(request, Partner, int(partner_id))
    else:
        account = partner_services.partner_create(
            company=request.company, owner=request.user, master={"name": text}, seat={}
        )
        partner = account.partner
    linked = counterparty_promote(company=request.company, text=text, partner=partner)
    messages.success(
        request,
        _("“%(text)s” is now the partner %(partner)s: %(count)d records linked.")
        % {"text": text, "partner": partner.name, "count": linked},
    )
    return redirect("partners:detail", pk=partner.pk)
