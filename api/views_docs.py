"""/api/v1/docs/: Swagger UI from the vendored sidecar files, started by a static script (the CSP
forbids inline scripts), trying requests with the browser's session and its CSRF token."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from companies.permissions import member_required


@ensure_csrf_cookie
@member_required
def api_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html")
