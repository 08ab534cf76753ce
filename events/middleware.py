from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from events.services import meeting_block_applies, overdue_meeting_count

# What a blocked user may still reach: the closing pages, logging out, the language switch.
ALLOWED_URL_NAMES = {
    "events:overdue",
    "events:close",
    "events:reminders",
    "events:reminder_dismiss",
    "events:reminder_snooze",
    "communications:live",
    "logout",
    "set_language",
    "javascript-catalog",
}


class MeetingBlockMiddleware:
    """A sales user with a meeting still open after the 2 full working days that follow it can only close it.

    The block starts at 00:00 of the third working day after the meeting's day, in the company's time zone
    (`events.services.overdue_meetings`; the day is cached per user and company day).

    Pages redirect to the overdue-meetings page; htmx requests get 423 with HX-Redirect (htmx then
    loads that page instead of swapping a fragment); JSON/API requests get 423 with a JSON reason.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._exempt(request) or not meeting_block_applies(getattr(request, "membership", None)):
            return self.get_response(request)
        overdue = overdue_meeting_count(user=request.user, company=request.company)
        if not overdue:
            return self.get_response(request)
        target = reverse("events:overdue")
        message = _("Close your overdue meetings first: %(count)d still open.") % {"count": overdue}
        if request.headers.get("HX-Request"):
            response = HttpResponse(message, status=423, content_type="text/plain; charset=utf-8")
            response["HX-Redirect"] = target
            return response
        if "application/json" in request.headers.get("Accept", "") or request.path.startswith("/api/"):
            return JsonResponse({"error": "meetings_overdue", "detail": message, "url": target}, status=423)
        return redirect(target)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        if not request.user.is_authenticated or request.path.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in ALLOWED_URL_NAMES
