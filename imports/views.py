"""The import wizard: upload -> columns -> preview -> run (progress) -> result, and the failures' download."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.permissions import function_required
from companies.visibility import Viewer, get_visible_or_404
from core.export import table_response
from imports import services
from imports.forms import KIND_FUNCTIONS, MappingForm, UploadForm
from imports.models import ImportRun, RunStatus
from imports.reading import SheetError

RUN = "imports.run_import"
RECENT_RUNS = 20


def _own_draft(request: HttpRequest, pk: int) -> ImportRun:
    """A run still being set up, by the user who uploaded it (a supervisor may look, not change it)."""
    run = get_visible_or_404(request, ImportRun, pk)
    if run.created_by_id != request.user.pk:
        raise PermissionDenied(_("Only the person who uploaded this file can set up its import."))
    return run


@function_required(RUN)
def index(request: HttpRequest) -> HttpResponse:
    functions = Viewer.for_request(request).function_codes
    form = UploadForm(request.POST or None, request.FILES or None, functions=functions)
    if request.method == "POST" and form.is_valid():
        if KIND_FUNCTIONS[form.cleaned_data["kind"]] not in functions:
            raise PermissionDenied
        try:
            run = services.import_run_create(
                company=request.company,
                actor=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                encoding=form.cleaned_data["encoding"],
            )
        except SheetError as error:
            form.add_error("file", str(error))
        else:
            return redirect("imports:mapping", run.pk)
    runs = ImportRun.objects.visible_to(Viewer.for_request(request)).select_related("created_by")[
        :RECENT_RUNS
    ]
    return render(request, "imports/index.html", {"form": form, "runs": runs})


@function_required(RUN)
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    run = _own_draft(request, pk)
    if run.status != RunStatus.DRAFT:
        return redirect("imports:detail", run.pk)
    form = MappingForm(request.POST or None, run=run, suggestion=services.suggested_mapping(run))
    if request.method == "POST" and form.is_valid():
        services.import_mapping_save(
            run=run,
            mapping=form.cleaned_data["mapping"],
            matching=form.cleaned_data["matching"],
            actor=request.user,
        )
        return redirect("imports:preview", run.pk)
    earlier = services.earlier_run_of_same_file(run, Viewer.for_request(request))
    return render(request, "imports/mapping.html", {"run": run, "form": form, "earlier": earlier})


@function_required(RUN)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    run = _own_draft(request, pk)
    if run.status != RunStatus.DRAFT:
        return redirect("imports:detail", run.pk)
    if not run.mapping:
        return redirect("imports:mapping", run.pk)
    rows = services.import_preview(run, Viewer.for_request(request))
    context = {"run": run, "rows": rows, "error_rows": sum(row.outcome == "error" for row in rows)}
    return render(request, "imports/preview.html", context)


@require_POST
@function_required(RUN)
def start(request: HttpRequest, pk: int) -> HttpResponse:
    run = _own_draft(request, pk)
    if run.mapping and services.import_run_start(run=run, actor=request.user):
        messages.success(request, _("The import has started. You can leave this page: it goes on."))
    return redirect("imports:detail", run.pk)


@function_required(RUN)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_visible_or_404(request, ImportRun, pk, select_related=("created_by",))
    if run.status == RunStatus.DRAFT and run.created_by_id == request.user.pk:
        return redirect("imports:mapping", run.pk)
    context = {"run": run, "failures": run.failures[:200]}
    template = "imports/_progress.html" if request.htmx else "imports/detail.html"
    return render(request, template, context)


@function_required(RUN)
def failures(request: HttpRequest, pk: int, format: str) -> HttpResponse:
    run = get_visible_or_404(request, ImportRun, pk)
    # The row number as text, as the file's row is named (never grouped: "1234", not "1,234").
    rows = ([str(failure["row"]), failure["reason"]] for failure in run.failures)
    name = f"import-{run.pk}-failures"
    return table_response(name, [_("Row"), _("Reason")], rows, format=format)
