import csv

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from companies.permissions import function_required, has_function
from companies.visibility import Viewer
from partners.filters import PartnerAccountFilter
from partners.models import PartnerAccount


def _visible_accounts(request: HttpRequest):
    return PartnerAccount.objects.visible_to(Viewer.for_request(request))


def _filtered(request: HttpRequest) -> PartnerAccountFilter:
    queryset = _visible_accounts(request).select_related("partner", "owner").order_by("partner__name", "pk")
    return PartnerAccountFilter(request.GET or None, queryset=queryset, company=request.company)


@function_required("partners.view_partner")
def partner_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    template = "partners/_partner_rows.html" if request.htmx else "partners/partner_list.html"
    return render(
        request,
        template,
        {
            "filter": filterset,
            "page": page,
            "can_export": has_function(request, "partners.export_partners"),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@function_required("partners.export_partners")
def partner_export(request: HttpRequest) -> StreamingHttpResponse:
    filterset = _filtered(request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    writer = csv.writer(_Echo())
    header = [_("Name"), _("Short name"), _("Tax number"), _("Type"), _("Status"), _("Owner"), _("Source")]

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for account in queryset.iterator(chunk_size=2000):
            partner = account.partner
            yield writer.writerow(
                [
                    _safe_cell(partner.name),
                    _safe_cell(partner.short_name),
                    partner.tax_number,
                    partner.types_display,
                    account.get_status_display(),
                    _safe_cell(str(account.owner or "")),
                    partner.get_source_display(),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="partners.csv"'
    return response


def _safe_cell(text: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@function_required("partners.view_partner")
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = (
        _visible_accounts(request)
        .select_related("partner", "owner")
        .prefetch_related("tags", "partner__addresses")
        .filter(partner_id=pk)
        .first()
    )
    if account is None:
        raise Http404(_("No such partner in this company."))
    return render(request, "partners/partner_detail.html", {"account": account, "partner": account.partner})
